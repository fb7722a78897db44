"""What the letter commits to: a :class:`~drafter.core.model.ResponsePlan` built
from a report, the library's matches and (optionally) a reviewer's decisions.

For each recommendation the plan takes, in order of authority:

1. a reviewer's decision in the review file ("decided": their actions;
   "no_action": a highlighted placeholder for the editor to write);
2. otherwise the best library match, adapted to this report: the old unit's
   name becomes the new unit's, and any date inside it is flagged, because a
   date committed to in another letter rarely holds for this one;
3. otherwise (nothing good in the library) a highlighted placeholder.

This module also chooses which of the report's strengths the letter
acknowledges. Python selects; the templates in ``letter_templates/`` word.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from drafter.core.dates import MONTHS
from drafter.core.lazy import lazy_compile
from drafter.core.model import (
    Candidate,
    LibraryAction,
    PlannedAction,
    PlannedResponse,
    Recommendation,
    RecommendationMatch,
    Report,
    ResponsePlan,
)
from drafter.review.file import ChosenAction, ReviewDecision, ReviewFile

#: How many next-best suggestions each action's comment lists.
ALTERNATIVES_SHOWN = 2
#: The letter acknowledges between these many positive findings.
MIN_FINDINGS = 3
MAX_FINDINGS = 5
#: Findings are cut to whole sentences within about this many words.
FINDING_WORDS = 60
GOOD_RATINGS = ("Outstanding", "Good")

_MONTHS = "|".join(sorted(MONTHS, key=len, reverse=True))
#: Dates as they appear in committed actions: "12 August 2025", "August 2025",
#: "2025-08-12", "12/08/2025", "Q3 2024", "2024/25", and a year after a word of
#: time ("by 2025", "in 2024"); "2000 hours" is not a date.
DATE_PATTERN = lazy_compile(
    rf"""\b(?:
        \d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?,?\s+(?:19|20)\d\d
      | (?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d
      | (?:(?:early|mid|late|end\s+of)[\s-]+)?(?:{_MONTHS})\.?\s+(?:19|20)\d\d
      | (?:19|20)\d\d-\d\d-\d\d
      | \d{{1,2}}/\d{{1,2}}/(?:19|20)?\d\d
      | Q[1-4]\s+(?:19|20)\d\d(?:/\d\d)?
      | (?:19|20)\d\d\s*/\s*\d\d(?!\d)
      | (?:early|mid|late)[\s-]+(?:19|20)\d\d
      | (?:by|in|from|until|till|during|before|after|since|throughout)
        \s+(?:the\s+end\s+of\s+)?(?:19|20)\d\d(?![\d/-])
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)

_SENTENCE_END = lazy_compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'’”)]))\s+(?=[A-Z0-9\"'‘“(])")
#: Foreword sentences that praise (and do not qualify the praise).
_PRAISE = lazy_compile(
    r"\b(strength|strengths|strong|impress\w*|encourag\w*|commend\w*|positive\w*|good|"
    r"excellent|effective\w*|well[- ]regarded|committed|commitment|improved|innovative|"
    r"valued|proud|notable|pleased)\b",
    re.IGNORECASE,
)
_QUALIFIED = lazy_compile(
    r"\b(however|but|not|no|never|insufficient\w*|poor\w*|concern\w*|inadequate|lack\w*|"
    r"weak\w*|fail\w*|rated|rating|disappoint\w*|shortcoming\w*|cannot|too few|too many|"
    r"despite|although|whilst|while|unless|risk\w*)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class AdaptedText:
    """A reused action after adaptation to the new report."""

    text: str
    dates: tuple[str, ...]  # dates found in it, exactly as written
    replaced_unit: bool


def unit_name_variants(unit: str) -> list[str]:
    """Ways a unit's name is written: "Stockton and Hartlepool PDU",
    "Stockton & Hartlepool PDU", "Stockton and Hartlepool" (longest first)."""
    base = unit.strip()
    short = _without_suffix(base)
    names = {base, short}
    for name in list(names):
        names.add(name.replace(" and ", " & "))
        names.add(name.replace(" & ", " and "))
    return sorted((n for n in names if len(n) >= 3), key=len, reverse=True)


def adapt_action_text(
    text: str,
    old_unit: str | None,
    new_unit: str,
    *,
    old_region: str | None = None,
    new_region: str | None = None,
) -> AdaptedText:
    """Put ``new_unit`` where ``old_unit`` is named, and find the dates to check.

    The full name replaces the full name and the short name ("Calderholme")
    the short one, so "Calderholme PDU will…" becomes "Redcar PDU will…" and
    "the Calderholme team" becomes "the Redcar team". When both regions are
    known and differ, "the North West region" becomes "the Wales region" too
    (only where the word "region" follows, so other uses of a place name stay).
    """
    replaced = False
    if old_unit and old_unit.strip() and _unit_key(old_unit) != _unit_key(new_unit):
        new_full = new_unit.strip()
        new_short = _without_suffix(new_full)
        variants = unit_name_variants(old_unit)
        # One pass over all spellings, longest first, so a name is never
        # replaced inside the new name just put in.
        pattern = re.compile(
            r"(?<![\w&])(" + "|".join(re.escape(v) for v in variants) + r")(?![\w&])",
            re.IGNORECASE,
        )

        def replacement(found: re.Match[str]) -> str:
            name = found.group(1)
            return new_short if name == _without_suffix(name) else new_full

        text, count = pattern.subn(replacement, text)
        replaced = count > 0
    if old_region and new_region and _unit_key(old_region) != _unit_key(new_region):
        region_pattern = re.compile(
            rf"(?<![\w&]){re.escape(old_region)}(?=\s+region)", re.IGNORECASE
        )
        text = region_pattern.sub(lambda _m: new_region, text)
    dates = tuple(dict.fromkeys(m.group(0) for m in DATE_PATTERN.finditer(text)))
    return AdaptedText(text=text, dates=dates, replaced_unit=replaced)


#: A region answers for itself too: "the Calderholme team" becomes "the North East team".
_UNIT_SUFFIX = lazy_compile(
    r"\s+(PDU|YJS|Youth Justice Service|Probation Delivery Unit|region)$", re.I
)


def _without_suffix(name: str) -> str:
    return _UNIT_SUFFIX.sub("", name)


def _unit_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower().replace("&", " and ")).strip()


def _date_flags(dates: Sequence[str]) -> list[str]:
    return [f"date:{d}" for d in dates]


_YOUTH_SERVICE = lazy_compile(r"\b(?:YJS|YOT|youth justice|youth offending)\b", re.IGNORECASE)


def _service_flags(action: LibraryAction | None, report: Report) -> list[str]:
    """Flag an action first committed by the other kind of service: youth
    justice and adult probation answer similar recommendations with different
    people, powers and partners, so a borrowed action needs a closer look."""
    if action is None or not action.unit:
        return []
    from_youth = bool(_YOUTH_SERVICE.search(action.unit))
    if from_youth == (report.kind == "yjs"):
        return []
    return ["service:youth" if from_youth else "service:adult"]


def flagged_dates(action: PlannedAction) -> list[str]:
    """The dates a planned action's flags ask the editor to check."""
    return [f[5:] for f in action.review_flags if f.startswith("date:")]


def flagged_names(action: PlannedAction) -> list[tuple[str, str]]:
    """The names carried over from another unit's letter that a planned
    action's flags ask the editor to check, as (kind, name) pairs; the kinds
    are those of :data:`drafter.core.names.KIND_LABELS`."""
    found = []
    for flag in action.review_flags:
        if flag.startswith("name:"):
            kind, _, name = flag[5:].partition(":")
            found.append((kind, name))
    return found


@dataclass(frozen=True)
class OwnTarget:
    """A target date read from an action's own wording ("by March 2026")."""

    due: date
    phrase: str  # the words it was read from
    #: The date came from another unit's letter (it is flagged in the action).
    carried_over: bool


def own_target_date(response: PlannedResponse, today: date | None = None) -> OwnTarget | None:
    """The target date the response's actions state themselves, the latest
    if several do ("by March 2026" is 31 March 2026; "within six months" counts
    from ``today``), or None when none states a date or timescale."""
    from drafter.core.dates import extract_due_date

    best: OwnTarget | None = None
    for action in response.actions:
        if action.placeholder or not action.text:
            continue
        due, phrase = extract_due_date(action.text, today)
        if due is None or phrase is None:
            continue
        flagged = flagged_dates(action)
        carried = any(d in phrase or phrase in d for d in flagged)
        if best is None or due > best.due:
            best = OwnTarget(due, phrase, carried)
    return best


def _from_elsewhere(action: LibraryAction | None, report: Report) -> bool:
    """Whether an action was first committed for another unit (or for a unit
    the library does not record), so the names in it may not hold here."""
    if action is None:
        return False
    return not action.unit or _unit_key(_without_suffix(action.unit)) != _unit_key(
        _without_suffix(report.unit)
    )


def _name_flags(
    text: str,
    action: LibraryAction | None,
    report: Report,
    source_people: Sequence[str] = (),
) -> list[str]:
    """Flags for the names in ``text`` tied to the unit ``action`` came from:
    people, other units and regions, police forces, councils and other local
    bodies, and the source unit's places (see :mod:`drafter.core.names`).
    ``source_people`` are people the source letter names (its signatory)."""
    from drafter.core.names import carried_over_names, people_in

    if not _from_elsewhere(action, report):
        return []
    assert action is not None
    context = [action.owner, *(v for v in action.extra.values() if isinstance(v, str))]
    context += list(source_people)
    names = carried_over_names(
        text,
        source_unit=action.unit,
        source_region=action.region,
        new_unit=report.unit,
        new_region=report.region,
        known_people=people_in(context),
    )
    return list(dict.fromkeys(f"name:{n.kind}:{n.text}" for n in names))


def _adapted(action: LibraryAction, report: Report) -> AdaptedText:
    return adapt_action_text(
        action.text, action.unit, report.unit, old_region=action.region, new_region=report.region
    )


def other_alternatives(
    chosen_text: str,
    chosen_id: int | None,
    candidates: Sequence[Candidate],
    report: Report,
    limit: int = ALTERNATIVES_SHOWN,
) -> list[Candidate]:
    """The next-best candidates worth naming beside a chosen action: not the
    chosen one, and not another copy of its words (archiving a letter puts
    its actions back in the library, so a redraft finds them again)."""
    chosen_key = _unit_key(chosen_text)
    others = []
    for candidate in candidates:
        if chosen_id is not None and candidate.action.id == chosen_id:
            continue
        adapted = _adapted(candidate.action, report).text
        if chosen_key in (_unit_key(candidate.action.text), _unit_key(adapted)):
            continue
        others.append(candidate)
    return others[:limit]


def planned_from_candidate(
    candidate: Candidate,
    report: Report,
    alternatives: Sequence[Candidate] = (),
    source_people: Sequence[str] = (),
) -> PlannedAction:
    """A library suggestion made into a bullet for this report."""
    adapted = _adapted(candidate.action, report)
    return PlannedAction(
        text=adapted.text,
        source_action_id=candidate.action.id,
        score=candidate.score,
        source_label=candidate.action.source_label,
        alternatives=other_alternatives(
            adapted.text, candidate.action.id, alternatives, report, len(alternatives)
        ),
        review_flags=_date_flags(adapted.dates)
        + _name_flags(adapted.text, candidate.action, report, source_people)
        + _service_flags(candidate.action, report),
    )


def _planned_from_choice(
    choice: ChosenAction,
    report: Report,
    known: dict[int, LibraryAction],
    alternatives: Sequence[Candidate],
    source_people: Mapping[int, Sequence[str]] | None = None,
) -> PlannedAction:
    library_action = known.get(choice.library_id) if choice.library_id is not None else None
    text = choice.text
    flags: list[str] = []
    if choice.library_id is not None and not choice.edited:
        # Taken unchanged from the library: it still speaks of its old unit and dates.
        adapted = adapt_action_text(
            text,
            library_action.unit if library_action else None,
            report.unit,
            old_region=library_action.region if library_action else None,
            new_region=report.region,
        )
        text, flags = adapted.text, _date_flags(adapted.dates)
        people = (source_people or {}).get(choice.library_id, ())
        flags += _name_flags(text, library_action, report, people)
    flags += _service_flags(library_action, report)
    return PlannedAction(
        text=text,
        source_action_id=choice.library_id,
        score=choice.score,
        source_label=choice.source or (library_action.source_label if library_action else None),
        alternatives=other_alternatives(text, choice.library_id, alternatives, report),
        edited=choice.edited,
        review_flags=flags,
    )


def _find_match(
    recommendation: Recommendation, index: int, matches: Sequence[RecommendationMatch]
) -> RecommendationMatch | None:
    for match in matches:
        if match.recommendation == recommendation:
            return match
    for match in matches:
        if _same_text(match.recommendation.text, recommendation.text):
            return match
    if index < len(matches):
        return matches[index]
    return None


def _find_decision(
    recommendation: Recommendation, review: ReviewFile | None
) -> ReviewDecision | None:
    if review is None:
        return None
    for decision in review.decisions:
        if decision.number == recommendation.number and _same_text(
            decision.recommendation, recommendation.text
        ):
            return decision
    for decision in review.decisions:
        if _same_text(decision.recommendation, recommendation.text):
            return decision
    return None


def reviewed_by_a_person(decision: ReviewDecision) -> bool:
    """Whether a person made ``decision``. ``drafter review`` stamps who
    decided; a decision without a stamp is a person's too (written by hand in
    the review file) unless it is exactly what ``review --sheet
    --accept-best`` pre-fills: the best suggestion, unchanged, "Agreed", with
    nothing else recorded."""
    if decision.status not in ("decided", "no_action"):
        return False
    if decision.decided_by:
        return True
    prefilled = (
        decision.status == "decided"
        and bool(decision.suggestions)
        and len(decision.actions) == 1
        and not decision.actions[0].edited
        and decision.actions[0].library_id == decision.suggestions[0].library_id
        and _same_text(decision.actions[0].text, decision.suggestions[0].text)
        and (decision.agreement or "Agreed") == "Agreed"
        and not (decision.owner or decision.target_date or decision.note)
    )
    return not prefilled


def _same_text(a: str, b: str) -> bool:
    return _unit_key(a) == _unit_key(b)


def build_plan(
    report: Report,
    matches: Sequence[RecommendationMatch],
    review: ReviewFile | None = None,
    *,
    library_actions: Mapping[int, LibraryAction] | None = None,
    source_people: Mapping[int, Sequence[str]] | None = None,
) -> ResponsePlan:
    """The plan the letter is drafted from: one :class:`PlannedResponse` per
    recommendation of ``report``, in the report's order.

    ``library_actions`` are library actions a reviewer chose that are not
    among the matches; knowing their unit lets their text be adapted too.
    ``source_people`` names, by library action id, the people the letter each
    action came from names (its signatory and recipient), so they are flagged
    when the action is reused for another unit."""
    responses: list[PlannedResponse] = []
    for index, recommendation in enumerate(report.recommendations):
        match = _find_match(recommendation, index, matches)
        candidates = list(match.candidates) if match else []
        weak = list(match.weak_candidates) if match else []
        decision = _find_decision(recommendation, review)
        response = PlannedResponse(recommendation=recommendation)
        if decision is not None and decision.status in ("decided", "no_action"):
            response.decided = True
            response.reviewed = reviewed_by_a_person(decision)
            response.reviewed_by = decision.decided_by
            response.reviewed_at = decision.decided_at
            response.agreement = decision.agreement
            response.owner = decision.owner
            response.target_date = decision.target_date
            response.note = decision.note
            known = {
                **(library_actions or {}),
                **{c.action.id: c.action for c in [*weak, *candidates]},
            }
            if decision.status == "decided" and decision.actions:
                response.actions = [
                    _planned_from_choice(choice, report, known, candidates, source_people)
                    for choice in decision.actions
                ]
            else:
                response.actions = [PlannedAction(text="", placeholder=True)]
        else:
            if decision is not None:
                rejected = set(decision.rejected)
                candidates = [c for c in candidates if c.action.id not in rejected]
            good = candidates and not (match and match.no_match)
            if good:
                best = candidates[0]
                planned = planned_from_candidate(
                    best, report, candidates[1:], (source_people or {}).get(best.action.id, ())
                )
                planned.alternatives = planned.alternatives[:ALTERNATIVES_SHOWN]
                response.actions = [planned]
            else:
                # A weak suggestion is never used on its own: the comment names
                # the closest ones for the editor to consider.
                if decision is not None:
                    weak = [c for c in weak if c.action.id not in rejected]
                closest = (candidates or weak)[:ALTERNATIVES_SHOWN]
                response.actions = [
                    PlannedAction(
                        text="",
                        placeholder=True,
                        alternatives=closest,
                        weak_alternatives=bool(closest and match and match.no_match),
                    )
                ]
            if decision is not None:
                response.agreement = decision.agreement
                response.owner = decision.owner
                response.target_date = decision.target_date
                response.note = decision.note
        responses.append(response)
    return ResponsePlan(report=report, responses=responses)


# --- positive findings -----------------------------------------------------------


def sentences(text: str) -> list[str]:
    """Split prose into sentences (keeping abbreviations such as "(PSOs)." whole)."""
    text = " ".join(text.split())
    if not text:
        return []
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def shorten_finding(text: str, max_words: int = FINDING_WORDS) -> str:
    """The first one or two whole sentences of a finding, within ``max_words``
    where possible (a single long first sentence is kept whole)."""
    parts = sentences(text)
    if not parts:
        return ""
    chosen = [parts[0]]
    for sentence in parts[1:2]:
        if len(" ".join([*chosen, sentence]).split()) <= max_words:
            chosen.append(sentence)
    result = " ".join(chosen)
    return result if result.endswith((".", "!", "?")) else result + "."


def praise_from_foreword(foreword: str) -> list[str]:
    """Sentences of the foreword that praise without qualification."""
    found = []
    for sentence in sentences(foreword):
        words = sentence.split()
        if len(words) < 7 or len(words) > FINDING_WORDS:
            continue
        if _PRAISE.search(sentence) and not _QUALIFIED.search(sentence):
            found.append(sentence)
    return found


def select_positive_findings(
    report: Report, minimum: int = MIN_FINDINGS, maximum: int = MAX_FINDINGS
) -> list[str]:
    """3-5 positive findings for the letter to acknowledge: strengths under
    standards rated Good or Outstanding first, spread across standards, then
    other strengths, then praise from the foreword. Fewer than ``minimum`` only
    when the report offers no more."""
    ratings = {s.code: s.rating for s in report.standards}

    def rank(item: tuple[int, object]) -> tuple[int, int]:
        position, finding = item
        rating = ratings.get(getattr(finding, "standard", None) or "", "")
        return (0 if rating in GOOD_RATINGS else 1, position)

    ordered = [f for _, f in sorted(enumerate(report.strengths), key=rank)]
    chosen: list[str] = []
    seen_standards: set[str | None] = set()
    # First pass takes one per standard so the bullets cover different ground.
    for finding in ordered:
        if len(chosen) >= maximum:
            break
        if finding.standard in seen_standards:
            continue
        text = shorten_finding(finding.text)
        if text:
            chosen.append(text)
            seen_standards.add(finding.standard)
    for finding in ordered:
        if len(chosen) >= maximum:
            break
        text = shorten_finding(finding.text)
        if text and text not in chosen:
            chosen.append(text)
    if len(chosen) < minimum:
        for sentence in praise_from_foreword(report.foreword):
            if len(chosen) >= max(minimum, min(maximum, len(chosen) + 1)):
                break
            if sentence not in chosen:
                chosen.append(sentence)
    return chosen[:maximum]
