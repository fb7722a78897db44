"""Probation regions: which region a PDU belongs to, and which region a report
says it covers.

The PDU-to-region table (``data/probation_pdus.csv``) is public reference data
from the Ministry of Justice. It is only a fallback: what the report itself
states always wins, because PDUs are reorganised from time to time.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from typing import TYPE_CHECKING

from drafter.core.packaged import packaged

if TYPE_CHECKING:
    from drafter.core.model import Report

#: Other spellings seen in reports and letters, mapped to the usual name.
_ALIASES = {
    "kent, surrey & sussex": "Kent, Surrey and Sussex",
    "kent surrey and sussex": "Kent, Surrey and Sussex",
    "northeast": "North East",
    "north-east": "North East",
    "north-west": "North West",
    "south-west": "South West",
    "yorkshire and humber": "Yorkshire and the Humber",
    "yorkshire & the humber": "Yorkshire and the Humber",
    "east of england": "East of England",
}


@cache
def _table() -> dict[str, str]:
    """Normalised PDU name -> region."""
    text = packaged("data/probation_pdus.csv").read_text("utf-8")
    return {_key(row["pdu"]): row["region"] for row in csv.DictReader(text.splitlines())}


@cache
def pdu_names() -> tuple[str, ...]:
    """The probation delivery units' names as the reference table writes them
    ("Stockton and Hartlepool"), longest first."""
    text = packaged("data/probation_pdus.csv").read_text("utf-8")
    names = {row["pdu"].strip() for row in csv.DictReader(text.splitlines())}
    return tuple(sorted(names, key=len, reverse=True))


@cache
def region_names() -> tuple[str, ...]:
    """The probation regions of England and Wales, longest name first."""
    names = set(_table().values())
    return tuple(sorted(names, key=len, reverse=True))


def _key(name: str) -> str:
    name = name.lower().replace("&", " and ")
    name = re.sub(r"\b(pdu|probation delivery unit|the)\b", " ", name)
    return re.sub(r"[^a-z0-9]+", " ", name).strip()


def canonical_region(name: str) -> str | None:
    """The usual spelling of a region name, or None if it is not a region."""
    cleaned = re.sub(r"\s+region$", "", name.strip(), flags=re.I).strip()
    lowered = cleaned.lower()
    if lowered in _ALIASES:
        return _ALIASES[lowered]
    for region in region_names():
        if region.lower() == lowered:
            return region
    return None


def region_for_unit(name: str) -> str | None:
    """The region of a PDU by name ("Stockton and Hartlepool PDU" -> "North East"),
    or None if the PDU is not in the reference table."""
    return _table().get(_key(name))


def _region_pattern() -> str:
    names = [*region_names(), *(a for a in _ALIASES if a[0].isalpha())]
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


def infer_region(report: Report, text: str) -> str | None:
    """The region a report covers: as the report states it ("one of seven PDUs in
    the North East region", a "South West region" subtitle or running header,
    "the Wales probation region", a regional report's title), else from the PDU
    reference table, else None.

    A region named any other way is not taken: every web page ends with the
    licence notice's address ("Kew, London TW9 4DU"), and a wrong region in a
    letter is worse than a placeholder the reader is warned about."""
    if report.kind in ("region", "dipp"):
        stated = canonical_region(report.unit)
        if stated:
            return stated
    names = _region_pattern()
    for pattern in (
        rf"PDUs in (?:the )?({names})(?: probation)?(?: region)?\b",
        rf"^(?:the )?({names}) region$",
        rf"\b(?:the )?({names})(?: probation)? region\b",
        # "Stourmere is a metropolitan borough in the West Midlands": a sentence
        # placing the unit, which an address line never is.
        rf"\b(?:is|lies|sits)\b[^.\n]{{0,60}}?\bin (?:the )?({names})\b",
    ):
        match = re.search(pattern, text, flags=re.I | re.M)
        if match:
            return canonical_region(match.group(1))
    return region_for_unit(report.unit)


def unit_key(name: str) -> str:
    """A unit name for comparison: case, "&"/"and" and punctuation ignored."""
    name = name.lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", name).split())
