"""A short, readable summary of a :class:`~drafter.core.model.Report` for people."""

from __future__ import annotations

from itertools import groupby

from drafter.core.model import Report

_KINDS = {
    "pdu": "Probation Delivery Unit",
    "yjs": "Youth justice service",
    "region": "Region",
    "dipp": "Dynamic inspection of public protection, regional",
}


def summarise(report: Report) -> str:
    """What ``drafter inspect`` prints: the unit, its ratings, the
    recommendations grouped by addressee, and the findings counts."""
    lines = [f"{report.unit}  ({_KINDS.get(report.kind, report.kind)})"]
    facts = [
        ("Region", report.region),
        ("Published", report.publication_date),
        ("Fieldwork", report.fieldwork),
        ("Overall rating", report.overall_rating),
        ("Score", report.score),
        ("Chief Inspector", report.chief_inspector),
        ("Lead inspector", report.lead_inspector),
    ]
    lines += [f"  {label + ':':<17}{value or 'not stated'}" for label, value in facts]
    if report.standards:
        lines += ["", "Standards:"]
        width = max(len(s.name) for s in report.standards) + 2
        lines += [f"  {s.code:<5}{s.name:<{width}}{s.rating}" for s in report.standards]
    lines += ["", f"Recommendations ({len(report.recommendations)}):"]
    for (addressee, verb), group in groupby(
        report.recommendations, key=lambda r: (r.addressee, r.verb)
    ):
        lines.append(f"  {addressee} {verb}:")
        lines += [f"    {r.number}. {r.text}" for r in group]
    if not report.recommendations:
        lines.append("  none found")
    lines += [
        "",
        f"Strengths: {len(report.strengths)}    "
        f"Areas for improvement: {len(report.areas_for_improvement)}",
    ]
    lines += [f"Warning: {warning}" for warning in report.warnings]
    return "\n".join(lines)
