"""Dates as HMPPS letters write them: due dates read from the wording of an
action, dates people type on the command line, and dates written out in full.

How a phrase becomes a due date (the rules are deliberately simple so a person
can predict them):

* A month is due on its **last day**: "In August 2025", "by December 2023",
  "by the end of March 2026" all mean the last day of that month.
* An exact date is due on that day: "by 31 March 2026", "by 31/03/2026",
  "by 31.03.26" (numbers are day/month/year, the UK order).
* A period is counted from the letter date: "within six months",
  "over the next 12 months", "in the next 8 weeks", "over the next year".
* A quarter is due on the last day of the quarter. "Q3 2025" is a calendar
  quarter (July-September 2025); "Q3 2025/26" is a financial-year quarter
  (October-December 2025), as HMPPS business plans write them.
* "by the end of the year" / "financial year" mean 31 December / 31 March;
  "during 2025/26" is the end of that financial year, 31 March 2026.
* A season is due on its last day (spring: 31 May, summer: 31 August,
  autumn: 30 November, winter: the end of the following February).
* A start date ("from May 2023", "starting in May 2023") is when the work must
  be in place, so it is due at the end of that month - unless the action also
  states a deadline, which always wins.
* A month without a year ("by March") is the first such month on or after the
  letter date; it must be written as a date (capital letter, not followed by a
  surname), so "led by April Jones" is not a due date.

When an action names several dates, the strongest kind of phrase wins (a
deadline over a period, over a month, over a quarter, over a start) and, among
equals, the latest date - the commitment is met when all of it is done.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from drafter.core.errors import DrafterError
from drafter.core.lazy import lazy_compile

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name} | {
    name.lower(): number for number, name in enumerate(calendar.month_abbr) if name
}
MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"

NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "eighteen": 18,
    "twenty-four": 24,
    "twenty four": 24,
    "thirty-six": 36,
}
_COUNT = r"(?P<count>\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_UNIT = r"(?P<unit>day|week|month|year)s?"

# Strength of each kind of phrase: a stated deadline beats everything else.
_DEADLINE, _PERIOD, _MONTH_KIND, _QUARTER, _START, _BARE = 6, 5, 4, 3, 2, 1

_DEADLINE_WORDS = r"(?:by|before|no later than|not later than|until|deadline of|due)"
#: 31/03/2026, 31.03.2026, 31-03-2026, 1/4/26: day first, as in the UK.
_NUMERIC = r"[0-3]?\d(?P<sep>[/.-])[01]?\d(?P=sep)(?:(?:19|20)\d\d|\d\d)"
_PATTERNS: list[tuple[int, re.Pattern[str]]] = [
    # by 31/03/2026 / by 31.03.26
    (
        _DEADLINE,
        lazy_compile(rf"\b{_DEADLINE_WORDS}\s+(?:the\s+)?(?P<dmy>{_NUMERIC})(?![\d/.-]\d)", re.I),
    ),
    # by 2026-03-31
    (
        _DEADLINE,
        lazy_compile(rf"\b{_DEADLINE_WORDS}\s+(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b", re.I),
    ),
    # by 31 March 2026 / by the end of March 2026 / by March 2026 / by March
    (
        _DEADLINE,
        lazy_compile(
            rf"\b{_DEADLINE_WORDS}\s+(?:the\s+)?(?:(?P<end>end|close)\s+of\s+)?"
            rf"(?:{_DAY}\s+(?:of\s+)?)?{_MONTH}(?:,?\s+{_YEAR})?\b",
            re.I,
        ),
    ),
    # by the end of the (financial) year / by the end of 2025
    (
        _DEADLINE,
        lazy_compile(
            rf"\b(?:by|before)\s+the\s+(?:end|close)\s+of\s+(?:(?P<this>the|this)\s+)?"
            rf"(?:(?P<fy>financial|business)\s+|calendar\s+)?"
            rf"(?:year\b|{_YEAR}(?P<fysuffix>\s*[/-]\s*(?:19|20)?\d\d(?![-/]\d))?\b)",
            re.I,
        ),
    ),
    # within six months / over the next 12 months / in the next eight weeks
    (
        _PERIOD,
        lazy_compile(
            rf"\b(?:within|over\s+the\s+(?:next|coming)|in\s+the\s+(?:next|coming)|"
            rf"during\s+the\s+(?:next|coming))\s+(?:the\s+)?{_COUNT}\s+{_UNIT}\b",
            re.I,
        ),
    ),
    # over the next year / in the coming month (one of them)
    (
        _PERIOD,
        lazy_compile(rf"\b(?:over|in|during|within)\s+the\s+(?:next|coming)\s+{_UNIT}\b", re.I),
    ),
    # by spring 2026 / in the summer of 2025 / by the end of autumn 2025
    (
        _MONTH_KIND,
        lazy_compile(
            r"\b(?:by|in|during|before)\s+(?:the\s+)?(?:(?:end|close)\s+of\s+(?:the\s+)?)?"
            r"(?P<season>spring|summer|autumn|winter)(?:\s+of)?\s+(?P<syear>(?:19|20)\d\d)\b",
            re.I,
        ),
    ),
    # Q3 2025, Q3 2025/26, quarter 3 of 2025/26
    (
        _QUARTER,
        lazy_compile(
            r"\b(?:Q(?P<q>[1-4])|quarter\s+(?P<q2>[1-4])|(?P<qw>first|second|third|fourth)"
            r"\s+quarter)(?:\s+of)?\s+(?:the\s+)?(?P<qyear>(?:19|20)\d\d)(?P<fy>/\d\d)?\b",
            re.I,
        ),
    ),
    # during 2025/26 / by the financial year 2025-26: the financial year's end
    (
        _QUARTER,
        lazy_compile(
            r"\b(?:by|in|during|throughout|over)\s+(?:the\s+)?(?:(?:end|close)\s+of\s+)?"
            r"(?:(?:financial|business)\s+year\s+)?(?P<fystart>(?:19|20)\d\d)\s*[/-]\s*"
            r"(?:19|20)?\d\d\b(?![-/]\d)",
            re.I,
        ),
    ),
    # from May 2023 / starting in May 2023 / commencing May 2023
    (
        _START,
        lazy_compile(
            rf"\b(?:from|starting(?:\s+in|\s+from)?|beginning(?:\s+in)?|commencing(?:\s+in)?)"
            rf"\s+(?:{_DAY}\s+)?{_MONTH}\s+{_YEAR}\b",
            re.I,
        ),
    ),
    # In August 2025 / during August 2025 / in 31 August 2025
    (
        _MONTH_KIND,
        lazy_compile(rf"\b(?:in|during|throughout)\s+(?:{_DAY}\s+)?{_MONTH}\s+{_YEAR}\b", re.I),
    ),
    # any other "August 2025" / "31 August 2025" / "31/03/2026"
    (_BARE, lazy_compile(rf"\b(?:{_DAY}\s+)?{_MONTH}\s+{_YEAR}\b", re.I)),
    (_BARE, lazy_compile(rf"(?<![\d/.-])\b(?P<dmy>{_NUMERIC})(?![\d/.-]\d)")),
]
_QUARTER_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4}


def last_day_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(start: date, months: int) -> date:
    """``start`` moved on by ``months``, clamped to the end of a shorter month."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def extract_due_date(text: str, letter_date: date | None = None) -> tuple[date | None, str | None]:
    """The due date an action commits to, and the phrase it was read from.

    Returns ``(None, None)`` when the action names no date or timescale (or only
    a relative one, "within six months", and no ``letter_date`` is known).
    See the module documentation for the rules.
    """
    if not text:
        return None, None
    found: list[tuple[int, date, str]] = []
    taken: list[tuple[int, int]] = []
    for strength, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            # A phrase already read by a stronger pattern is not read again.
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            if _is_a_name(match, text):
                continue
            due = _due_from_match(strength, match, letter_date)
            if due is None:
                continue
            taken.append(match.span())
            found.append((strength, due, " ".join(match.group(0).split())))
    if not found:
        return None, None
    strength, due, phrase = max(found, key=lambda item: (item[0], item[1]))
    return due, phrase


def _is_a_name(match: re.Match[str], text: str) -> bool:
    """A month with no year is only a date when it is written as one: "by
    March" is, but "led by April Jones" and "supported by may" are not."""
    groups = match.groupdict()
    if not groups.get("month") or groups.get("year"):
        return False
    month = groups["month"] or ""
    if not month[:1].isupper():
        return True
    following = text[match.end() :].lstrip()
    return following[:1].isupper()


def _due_from_match(strength: int, match: re.Match[str], letter_date: date | None) -> date | None:
    groups = match.groupdict()
    try:
        if groups.get("iso"):
            return date.fromisoformat(groups["iso"] or "")
        if groups.get("dmy"):
            return numeric_date(groups["dmy"] or "")
        if groups.get("season"):
            return _due_season(groups["season"] or "", int(groups["syear"] or 0))
        if groups.get("fystart"):
            return date(int(groups["fystart"] or 0) + 1, 3, 31)
        if strength == _PERIOD:
            return _due_after_period(groups, letter_date)
        if strength == _QUARTER:
            return _due_quarter(groups)
        if groups.get("month"):
            return _due_month(groups, letter_date)
        return _due_year_end(groups, letter_date)
    except ValueError:  # "by 31 February 2025": not a real date, so not a due date
        return None


def _due_month(groups: dict[str, str | None], letter_date: date | None) -> date | None:
    month = MONTHS[(groups["month"] or "").lower().rstrip(".")]
    if groups.get("year"):
        year = int(groups["year"] or 0)
    elif letter_date is not None:
        year = letter_date.year
        if month < letter_date.month:
            year += 1
    else:
        return None
    if groups.get("day") and not groups.get("end"):
        return date(year, month, int(groups["day"] or 0))
    return last_day_of_month(year, month)


def _due_year_end(groups: dict[str, str | None], letter_date: date | None) -> date | None:
    financial = bool(groups.get("fy") or groups.get("fysuffix"))
    if groups.get("year"):
        year = int(groups["year"] or 0)
        return date(year + 1, 3, 31) if financial else date(year, 12, 31)
    if letter_date is None:
        return None
    if financial:
        year = letter_date.year + (1 if letter_date.month > 3 else 0)
        return date(year, 3, 31)
    return date(letter_date.year, 12, 31)


def _due_after_period(groups: dict[str, str | None], letter_date: date | None) -> date | None:
    if letter_date is None:
        return None
    raw = (groups.get("count") or "1").lower()
    count = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
    unit = (groups["unit"] or "").lower()
    if unit == "day":
        return date.fromordinal(letter_date.toordinal() + count)
    if unit == "week":
        return date.fromordinal(letter_date.toordinal() + 7 * count)
    if unit == "year":
        return add_months(letter_date, 12 * count)
    return add_months(letter_date, count)


#: Seasons as the Met Office counts them; a season is due on its last day.
_SEASON_END_MONTH = {"spring": 5, "summer": 8, "autumn": 11, "winter": 2}


def _due_season(season: str, year: int) -> date:
    month = _SEASON_END_MONTH[season.lower()]
    # Winter 2025 runs from December 2025 to February 2026.
    return last_day_of_month(year + 1 if month == 2 else year, month)


def _due_quarter(groups: dict[str, str | None]) -> date:
    raw = groups.get("q") or groups.get("q2")
    quarter = int(raw) if raw else _QUARTER_WORDS[(groups["qw"] or "").lower()]
    year = int(groups["qyear"] or 0)
    if groups.get("fy"):  # financial year: Q1 is April-June of the first year
        month = 3 + 3 * quarter
        if month > 12:
            return last_day_of_month(year + 1, month - 12)
        return last_day_of_month(year, month)
    return last_day_of_month(year, 3 * quarter)


def numeric_date(text: str) -> date | None:
    """A date written in numbers, day first as in the UK: 31/03/2026,
    31.03.2026, 31-03-2026 or 1/4/26 (a two-digit year is 20xx). None if
    ``text`` is not one, or names no real day ("31/02/2026")."""
    match = re.fullmatch(r"([0-3]?\d)([/.-])([01]?\d)\2((?:19|20)\d\d|\d\d)", text.strip())
    if not match:
        return None
    year = int(match[4]) if len(match[4]) == 4 else 2000 + int(match[4])
    try:
        return date(year, int(match[3]), int(match[1]))
    except ValueError:
        return None


def read_date(text: str) -> date | None:
    """A date as people and spreadsheets write it, or None if it is not one:
    2026-03-31, 31/03/2026, 31.03.2026, 1/4/26, 31 March 2026, or a month
    ("March 2026"), which means its last day."""
    value = " ".join((text or "").split())
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    # A spreadsheet's date and time: "31/03/2026 00:00" or "2026-03-31 00:00:00".
    value = re.sub(r"[ T]\d\d?:\d\d(?::\d\d)?$", "", value)
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    found = numeric_date(value)
    if found is not None:
        return found
    try:
        match = re.fullmatch(rf"{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}", value, re.I)
        if match:
            month = MONTHS[match["month"].lower()]
            return date(int(match["year"]), month, int(match["day"]))
        match = re.fullmatch(rf"{_MONTH},?\s+{_YEAR}", value, re.I)
        if match:
            return last_day_of_month(int(match["year"]), MONTHS[match["month"].lower()])
    except (KeyError, ValueError):
        pass
    return None


def parse_user_date(text: str, *, option: str = "date") -> date:
    """A date typed by a person (see :func:`read_date`); a plain error if it is
    not one. "March 2026" means 31 March 2026."""
    found = read_date(text)
    if found is None:
        raise DrafterError(
            f"'{text}' is not a date drafter understands for {option}.",
            hint="Write it as 31/03/2026, 31 March 2026, March 2026 or 2026-03-31.",
        )
    return found


def long_date(value: date | None) -> str | None:
    """ "24 July 2025", as letters write dates; None for no date."""
    if value is None:
        return None
    return f"{value.day} {value:%B %Y}"
