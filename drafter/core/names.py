"""Names tied to a place: people, probation units and regions, police forces,
councils and other local bodies.

An action committed in one unit's letter often names that unit's partners
("Cleveland Police", "Hartlepool Borough Council") and people ("Sarah
Whitfield, Head of PDU"). When the action is reused for another unit those
names are wrong, so drafting flags them and ``drafter check`` looks for them.

Everything here works from structure and public reference lists, not from a
trained model:

* probation units and regions: ``data/probation_pdus.csv`` (see
  :mod:`drafter.core.regions`);
* police forces: ``data/police_forces.csv``, the 43 territorial forces of
  England and Wales and British Transport Police, each with the probation
  region it lies in;
* councils, health boards, integrated care boards and similar bodies: a run of
  capitalised words ending in the kind of body ("… Borough Council");
* people: a capitalised given and family name next to a title ("Dr", "Ms"), a
  job title ("Sarah Whitfield, Head of PDU", "Senior Probation Officer Jane
  Doe"), written bare with a common given name from ``data/given_names.txt``
  ("Priya Sharma will lead …"), or known from the source letter's own context
  (its signatory, the action's owner).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from drafter.core.lazy import lazy_compile
from drafter.core.packaged import packaged

#: What each kind of name is, for people reading a comment or a summary.
KIND_LABELS = {
    "person": "a person's name",
    "unit": "another probation unit",
    "region": "another region",
    "police": "a police force",
    "body": "a council or other local body",
    "place": "a place",
}


def _words(text: str) -> list[str]:
    return text.split()


@dataclass(frozen=True)
class FoundName:
    """A name found in a text: its words exactly as written, where, and its kind
    (one of :data:`KIND_LABELS`)."""

    text: str
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class PoliceForce:
    name: str
    region: str | None  # None for a force that is not territorial (British Transport Police)
    aliases: tuple[str, ...] = ()

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@cache
def police_forces() -> tuple[PoliceForce, ...]:
    """The police forces of England and Wales from the shipped reference list."""
    text = packaged("data/police_forces.csv").read_text("utf-8")
    return tuple(
        PoliceForce(
            row["force"].strip(),
            row["region"].strip() or None,
            tuple(a.strip() for a in row["aliases"].split(";") if a.strip()),
        )
        for row in csv.DictReader(text.splitlines())
    )


def _key(name: str) -> str:
    name = name.lower().replace("&", " and ")
    name = re.sub(r"\b(pdu|probation delivery unit|region|the)\b", " ", name)
    return re.sub(r"[^a-z0-9]+", " ", name).strip()


def same_name(a: str | None, b: str | None) -> bool:
    """Two names of one thing, ignoring case, "&"/"and", "PDU", "region", "the"."""
    return bool(a and b) and _key(a or "") == _key(b or "")


def _flexible(name: str) -> str:
    """A regex for ``name`` as people write it: "and" or "&", any spacing,
    hyphen or space ("Port-Talbot"), case of the small words."""
    parts = []
    for word in re.split(r"\s+", name.strip()):
        if word.lower() in ("and", "&"):
            parts.append(r"(?:and|&)")
        elif word.lower() in _SMALL_WORDS:
            parts.append(f"(?i:{re.escape(word)})")
        else:
            parts.append(r"[-\s]".join(re.escape(p) for p in word.split("-")))
    return r"\s+".join(parts)


@cache
def _literal_parts(name: str) -> tuple[str, ...]:
    """The pieces of ``name`` that :func:`_flexible`'s regex matches letter for
    letter (every word but the small ones, split at hyphens)."""
    parts: list[str] = []
    for word in re.split(r"\s+", name.strip()):
        if word.lower() in ("and", "&") or word.lower() in _SMALL_WORDS:
            continue
        parts += [p for p in word.split("-") if p]
    return tuple(parts)


def _may_name(name: str, text: str) -> bool:
    """False when ``text`` cannot hold ``name`` as :func:`_flexible` matches it
    (a piece of it is missing), so its regex need not be built and run: with
    every PDU, region and police force to look for, building those regexes
    took longer than the rest of drafting a letter."""
    return all(part in text for part in _literal_parts(name))


# --- people --------------------------------------------------------------------

_TITLES = (
    "Dr|Doctor|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Sir|Dame|Lord|Lady|Cllr|Councillor|Rev|Revd|"
    "Reverend|DCI|DI|DS|DC|Det|Detective|Supt|Superintendent|Chief Superintendent|"
    "Chief Inspector|Inspector|Sergeant|Sgt|PC|Constable|Judge|HHJ"
)
#: Words that make a phrase a job title ("Head of PDU", "Senior Probation Officer").
_ROLE_WORDS = (
    "Head|Manager|Director|Officer|Lead|Leader|Chief|Chair|Chairperson|Coordinator|"
    "Co-ordinator|Commissioner|Governor|Practitioner|Deputy|Assistant|Principal|Analyst|"
    "Administrator|Mentor|Champion|Secretary|Executive|Supervisor|Tutor|Adviser|Advisor|"
    "Consultant|Psychologist|Nurse|Worker|Partner|Trainer|Specialist|SPO|SPOs|PO|POs|PSO|PSOs|"
    "RPD|HoPDU|AED|Inspector|Superintendent|Sergeant|Constable|Magistrate|Judge|Clerk"
)
_GIVEN = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_FAMILY = r"(?:Mc|Mac|O['’]|D['’])?[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?"
_PERSON = rf"{_GIVEN}(?:\s+[A-Z]\.?)?\s+{_FAMILY}"
#: Capitalised words that are never part of a person's name in these letters:
#: the service's own vocabulary, organisations, places' kinds, months and days.
_NOT_NAME_WORDS = frozenset(
    _words(
        "probation service services unit units team teams board boards court courts region "
        "regional national police constabulary council county borough city district partnership "
        "partnerships strategy plan plans policy framework programme programmes practice "
        "quality development management manager managers risk skills training domestic abuse "
        "safeguarding health care justice youth community payback women woman men centre "
        "centres office offices prison prisons hmpps hmip hmi nhs pdu pdus yjs yot spo spos pso "
        "psos head heads lead leads director directors officer officers chief deputy senior "
        "assistant principal practitioner practitioners new approved premises accommodation "
        "housing employment education interventions intervention assurance improvement "
        "oversight core sentence sentences plan order orders licence licences the a an and of "
        "for in on at to by with from our their this that these those all each every will has "
        "have had was were is are be been it its we they he she his her january february march "
        "april may june july august september october november december monday tuesday "
        "wednesday thursday friday saturday sunday north south east west central greater upper "
        "lower inner outer integrated trust foundation authority commission commissioner group "
        "groups hub hubs panel panels forum forums network networks service's tool toolkit "
        "toolkits victim victims liaison contact unpaid work accredited programme's mappa iom "
        "opd crs ete award awards enabling environments positive peer mentors mentor strategy's "
        "motivational interviewing engagement quarter year years month months week weeks"
    )
)


def _plausible_person(name: str) -> bool:
    words = re.findall(r"[A-Za-z'’-]+", name)
    return len(words) >= 2 and not any(w.lower() in _NOT_NAME_WORDS for w in words)


_TITLED_RE = lazy_compile(rf"\b(?:{_TITLES})\.?\s+(?P<name>(?:{_GIVEN}\s+)?{_FAMILY})\b")
#: "Sarah Whitfield, Head of PDU" / "Sarah Whitfield (SPO)" / "Sarah Whitfield - Lead".
_NAME_THEN_ROLE_RE = lazy_compile(
    rf"\b(?P<name>{_PERSON})\s*(?:,|\(|–|—|-|\bas\b|\bis\b|\bour\b)\s*"
    r"(?:the\s+|our\s+|a\s+|an\s+|their\s+|its\s+)?(?:[A-Z][\w-]*\s+){0,3}"
    rf"(?:{_ROLE_WORDS})\b"
)
#: "Head of PDU Sarah Whitfield" / "Senior Probation Officer, Jane Doe".
_ROLE_THEN_NAME_RE = lazy_compile(
    rf"\b(?:{_ROLE_WORDS})(?:\s+(?:of|for)\s+(?:the\s+)?(?:[A-Z][\w&-]*)(?:\s+[A-Z][\w&-]*){{0,3}})?"
    rf"\s*,?\s+(?P<name>{_PERSON})\b"
)
#: "led by Sarah Whitfield", "contact Sarah Whitfield".
_CUE_THEN_NAME_RE = lazy_compile(
    r"\b(?i:led|chaired|run|managed|overseen|supported|delivered|coordinated|co-ordinated)"
    r"\s+(?i:by)\s+"
    rf"(?P<name>{_PERSON})\b"
)


# --- people named bare ("Priya Sharma will lead …") ------------------------------------


@cache
def given_names() -> tuple[frozenset[str], frozenset[str]]:
    """Common given names from ``data/given_names.txt``, and those of them that
    are everyday words too ("Grace", "Mark"), which need more evidence."""
    text = packaged("data/given_names.txt").read_text("utf-8")
    plain: set[str] = set()
    ambiguous: set[str] = set()
    current = plain
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line == "[ambiguous]":
            current = ambiguous
            continue
        current.update(line.split())
    return frozenset(plain), frozenset(ambiguous)


#: Words that make a capitalised run the name of a thing, not a person, when
#: they follow the name-like words in it ("Rose Court", "the Ella Baker Fund").
_NAMED_THING_WORDS = frozenset(
    _words(
        "house court street road lane avenue drive close way place square gardens garden park "
        "centre center building buildings hall hospital ward clinic surgery station school "
        "college academy university library museum trust fund foundation project programme "
        "scheme campaign review reviews report inquiry act award awards prize lecture memorial "
        "unit team teams hub forum panel board council service services partnership network "
        "group charity estate tower island bridge hotel farm lodge manor cottage premises prison "
        "hmp yoi club cafe café kitchen shop market theatre church chapel mosque temple "
        "initiative model approach method framework policy plan strategy standard standards "
        "rules rule period principles pathway pathways protocol tool toolkit app system "
        "valley leisure sports arena stadium"
    )
)
_ROLE_AND_TITLE_WORDS = frozenset(
    w.lower() for w in re.split(r"[|\s]+", f"{_ROLE_WORDS}|{_TITLES}") if w
)
#: A word as a name is written: capitalised, then lower case ("Priya",
#: "McAllister", "O'Connor", "Morgan-Jones", "Siân"), or an initial ("J.").
_NAME_TOKEN_RE = re.compile(
    r"(?:(?:Mc|Mac|O['’]|D['’])?[^\W\d_a-z][^\W\d_A-Z]+(?:[-'’][^\W\d_a-z][^\W\d_A-Z]+)*"
    r"|[^\W\d_a-z]\.?)$"
)
_TOKEN_RE = re.compile(r"[^\W\d_][\w'’.-]*")
#: What comes around a person's name in a sentence: "… by/with/to NAME",
#: "NAME will/has/is …", "NAME, …", "NAME's team".
_CUE_BEFORE_RE = re.compile(r"(?i:\b(?:by|with|to|from|contact|and|for|through)\s+)$")
_CUE_AFTER_RE = re.compile(r"^(?:\s*[,(]|['’]s\b|\s+(?i:will|has|have|is|was|and|who|would)\b)")


@cache
def _place_words() -> frozenset[str]:
    """Words of probation units', regions' and police forces' names: never a
    given name ("Chester", "Kent")."""
    from drafter.core.regions import pdu_names, region_names

    names = [*pdu_names(), *region_names()]
    names += [s for force in police_forces() for s in force.spellings]
    return frozenset(w.lower() for name in names for w in re.findall(r"[\w'’-]+", name))


def _bare_people(text: str, taken: list[tuple[int, int]]) -> list[FoundName]:
    """Names of people written bare: two or three name-like words in a run of
    capitalised words, the first a common given name (an everyday-word name
    such as "Grace" only in a name-like place: "… by Grace Adeyemi", "Grace
    Adeyemi will …"), none of them a word of the service's vocabulary, a job
    title, a month or day, and the run not naming a thing ("Rose Court",
    "Lee Valley Leisure Centre")."""
    plain, ambiguous = given_names()
    places = _place_words()
    found: list[FoundName] = []
    tokens = list(_TOKEN_RE.finditer(text))
    run: list[re.Match[str]] = []

    def close_run() -> None:
        segment: list[tuple[int, int, str]] = []  # (start, end, word) of name-like words
        for token in run:
            word = token.group(0).rstrip(".") if len(token.group(0)) > 2 else token.group(0)
            possessive = re.search(r"['’]s$", word) is not None
            bare = word[:-2] if possessive else word
            lowered = bare.lower()
            if lowered in _NAMED_THING_WORDS:
                segment = []  # the name-like words before it name a thing
                continue
            if (
                lowered in _NOT_NAME_WORDS
                or lowered in _ROLE_AND_TITLE_WORDS
                or not _NAME_TOKEN_RE.match(bare)
            ):
                _consider(segment)
                segment = []
                continue
            segment.append((token.start(), token.start() + len(bare), bare))
            if possessive:
                _consider(segment)
                segment = []
        _consider(segment)

    def _consider(segment: list[tuple[int, int, str]]) -> None:
        words = [w for _s, _e, w in segment if len(w.rstrip(".")) > 1]
        if not 2 <= len(words) <= 3 or len(segment[-1][2].rstrip(".")) < 2:
            return
        given = segment[0][2]
        first_part = given.split("-")[0]
        if given.lower() in places or (given not in plain and first_part not in plain):
            if given not in ambiguous:
                return
            start, end = segment[0][0], segment[-1][1]
            if not (_CUE_BEFORE_RE.search(text[:start]) or _CUE_AFTER_RE.match(text[end:])):
                return
        start, end = segment[0][0], segment[-1][1]
        if _overlaps((start, end), taken):
            return
        found.append(FoundName(text[start:end], "person", start, end))

    for token in tokens:
        if run:
            gap = text[run[-1].end() : token.start()]
            joined = gap in (" ", "\t") or (gap.isspace() and "\n" not in gap and len(gap) <= 2)
            # A full stop after a word (not an initial) ends the sentence.
            joined = joined and not re.search(r"[^\W\d_]{2}\.$", run[-1].group(0))
        else:
            joined = False
        if not token.group(0)[0].isupper():
            if run:
                close_run()
            run = []
            continue
        if run and not joined:
            close_run()
            run = []
        run.append(token)
    if run:
        close_run()
    return found


def find_people(text: str, known: Iterable[str] = ()) -> list[FoundName]:
    """People's names in ``text``: by their title or job title, because they
    are in ``known`` (names from the source letter's own context), or written
    bare with a common given name (see :func:`_bare_people`)."""
    found: list[FoundName] = []
    for pattern in (_TITLED_RE, _NAME_THEN_ROLE_RE, _ROLE_THEN_NAME_RE, _CUE_THEN_NAME_RE):
        for match in pattern.finditer(text):
            name = match.group("name")
            start = match.start("name")
            if pattern is _TITLED_RE:
                start = match.start()  # "Dr Jane Smith" is flagged whole
                name = text[start : match.end("name")]
                if not re.search(r"[A-Z][a-z]", match.group("name")) or not _plausible_titled(
                    match.group("name")
                ):
                    continue
            elif not _plausible_person(name):
                continue
            found.append(FoundName(name, "person", start, start + len(name)))
    for person in known:
        person = " ".join(person.split())
        if not person or not _plausible_person(person):
            continue
        pattern = re.compile(rf"(?<![\w]){re.escape(person)}(?![\w])")
        for match in pattern.finditer(text):
            found.append(FoundName(match.group(0), "person", match.start(), match.end()))
        family = person.split()[-1]
        for match in re.finditer(
            rf"\b(?:{_TITLES})\.?\s+{re.escape(family)}\b", text
        ):  # "Ms Whitfield" once "Sarah Whitfield" is known
            found.append(FoundName(match.group(0), "person", match.start(), match.end()))
    found += _bare_people(text, [(f.start, f.end) for f in found])
    return found


def _plausible_titled(name: str) -> bool:
    words = re.findall(r"[A-Za-z'’-]+", name)
    return bool(words) and not any(w.lower() in _NOT_NAME_WORDS for w in words)


def people_in(texts: Iterable[str | None]) -> list[str]:
    """The people named in some context texts (an action's owner field, a
    source letter's signatory line), for :func:`find_people`'s ``known``."""
    names: list[str] = []
    for text in texts:
        if not text:
            continue
        text = " ".join(str(text).split())
        for found in find_people(text):
            bare = re.sub(rf"^(?:{_TITLES})\.?\s+", "", found.text)
            if len(bare.split()) >= 2 and bare not in names:
                names.append(bare)
        # A field holding only a name ("Sarah Whitfield").
        if re.fullmatch(_PERSON, text) and _plausible_person(text) and text not in names:
            names.append(text)
    return names


# --- organisations and places ----------------------------------------------------------

_SMALL_WORDS = {"and", "&", "of", "upon", "on", "the", "in", "de"}
_BODY_KINDS = (
    "Metropolitan Borough Council|County Borough Council|Borough Council|County Council|"
    "City Council|District Council|Town Council|Parish Council|City and County Council|Council|"
    "University Health Board|Teaching Health Board|Health Board|Integrated Care Board|"
    "Integrated Care System|Integrated Care Partnership|ICB|ICS|NHS Foundation Trust|"
    "NHS Trust|Foundation Trust|Partnership NHS Trust|Combined Authority|"
    "Fire and Rescue Service|Community Safety Partnership|Safeguarding Children Partnership|"
    "Safeguarding Adults Board|Safeguarding Partnership|Clinical Commissioning Group|CCG|"
    "Youth Offending Team|Youth Offending Service|Youth Justice Service|YOT|YJS|"
    "Police and Crime Commissioner|Police, Fire and Crime Commissioner|Housing Association|"
    "Local Authority"
)
_CAP_WORD = r"(?:[A-Z][\w'’-]*)"
_BODY_RE = lazy_compile(
    rf"\b(?P<body>(?:NHS\s+)?{_CAP_WORD}(?:,?\s+(?:(?:and|&|of|upon|on|the)\s+)?{_CAP_WORD})*?"
    rf"\s+(?:{_BODY_KINDS}))\b"
)
#: Words that end an organisation's name, so a run of capitalised words holding
#: one is two names ("Cleveland Police and Hartlepool Borough Council").
_ORGANISATION_WORDS = frozenset(
    _words(
        "police constabulary council board service services trust team partnership pdu yjs yot "
        "probation icb ics authority commissioner group"
    )
)
#: Words that start a sentence or describe rather than name ("The Local Council").
_GENERIC_LEAD = frozenset(
    _words(
        "the a an our their its this that each every all both local partner partners relevant "
        "key other new existing with and in by for to from"
    )
)
_POLICE_GENERIC_RE = lazy_compile(
    rf"\b(?P<force>{_CAP_WORD}(?:\s+(?:(?:and|&)\s+)?{_CAP_WORD}){{0,3}}\s+(?:Police|Constabulary))\b"
)
#: Words of a unit's name that say nothing about where it is.
_GENERIC_PLACE_WORDS = frozenset(
    _words(
        "north south east west central city county borough vale upon and the of on in courts "
        "centralised functions team isc womens women's personality disorder prosper mids pdu "
        "yjs region greater inner outer mid"
    )
)


def find_bodies(text: str) -> list[FoundName]:
    """Councils, health boards, ICBs and similar local bodies named in ``text``."""
    found = []
    for match in _BODY_RE.finditer(text):
        words = match.group("body").split()
        start = match.start("body")
        # Drop leading words that describe rather than name ("The", "Local").
        while words and words[0].lower().strip(",") in _GENERIC_LEAD:
            start = text.index(words[1], start + len(words[0])) if len(words) > 1 else start
            words = words[1:]
        # "Cleveland Police and Hartlepool Borough Council" is two bodies: the
        # council's name starts after the last other organisation in the run.
        for index in range(len(words) - 2, -1, -1):
            if words[index].strip(",").lower() in _ORGANISATION_WORDS:
                rest = words[index + 1 :]
                while rest and rest[0].strip(",").lower() in ("and", "&", ","):
                    rest = rest[1:]
                if rest and not re.fullmatch(rf"(?:{_BODY_KINDS})", " ".join(rest)):
                    start = text.rindex(rest[0], match.start("body"), match.end("body"))
                    words = rest
                break
        name = text[start : match.end("body")]
        kind_words = re.search(rf"(?:{_BODY_KINDS})$", name)
        place = name[: kind_words.start()].strip() if kind_words else ""
        place_words = [w for w in place.split() if w.lower() not in _GENERIC_LEAD]
        if not place_words or all(w.upper() == "NHS" for w in place_words):
            continue
        found.append(FoundName(name, "body", start, match.end("body")))
    return found


def find_police(text: str) -> list[tuple[FoundName, PoliceForce | None]]:
    """Police forces named in ``text``, each with its entry in the reference
    list (None for a force named "… Police" that the list does not have)."""
    found: list[tuple[FoundName, PoliceForce | None]] = []
    taken: list[tuple[int, int]] = []
    spellings = sorted(
        ((s, force) for force in police_forces() for s in force.spellings),
        key=lambda item: len(item[0]),
        reverse=True,
    )
    for spelling, force in spellings:
        if not _may_name(spelling, text):
            continue
        for match in re.finditer(rf"(?<![\w-]){_flexible(spelling)}(?![\w-])", text):
            if _overlaps(match.span(), taken):
                continue
            taken.append(match.span())
            found.append((FoundName(match.group(0), "police", *match.span()), force))
    for match in _POLICE_GENERIC_RE.finditer(text):
        words = match.group("force").split()
        start = match.start("force")
        while len(words) > 2 and words[0].lower() in _GENERIC_LEAD:
            start = text.index(words[1], start + len(words[0]))
            words = words[1:]
        if words[0].lower() in _GENERIC_LEAD or _overlaps((start, match.end()), taken):
            continue
        taken.append((start, match.end()))
        found.append((FoundName(text[start : match.end()], "police", start, match.end()), None))
    return found


def force_for(name: str) -> PoliceForce | None:
    for force in police_forces():
        if any(same_name(name, s) for s in force.spellings):
            return force
    return None


#: "Calderholme PDU", "Newcastle upon Tyne PDU", "Stourmere Youth Justice Service":
#: capitalised words (joined by "and", "of", "upon" …) before a kind of unit.
_NAMED_UNIT_RE = lazy_compile(
    r"(?P<unit>(?:[A-Z][\w'’&-]*,?\s+(?:(?:and|&|upon|on|of|the|in)\s+)?){1,6}?"
    r"(?:PDU|Probation Delivery Unit|YJS|Youth Justice Service|Youth Offending "
    r"(?:Team|Service)|YOT))(?![\w-])"
)
#: Words before "PDU" that say which PDU is meant without naming one ("the
#: Head of PDU", "each PDU").
_NOT_A_UNIT_NAME = frozenset(
    _words(
        "the this that these each every all any our their its a an one another other same "
        "new local head heads manager managers lead leads leader leaders senior deputy interim "
        "acting assistant whole wider national regional probation delivery unit units team "
        "in of and for across within by from with to at"
    )
)


_CONNECTORS = frozenset({"and", "&", "upon", "on", "of", "the", "in"})
_KIND_WORDS = lazy_compile(
    r"\s*(?:PDU|Probation Delivery Unit|YJS|Youth Justice Service|Youth Offending "
    r"(?:Team|Service)|YOT)$"
)


def _unit_name_before(match: re.Match[str]) -> str | None:
    """The unit's name a match ends with, read backwards from the kind of unit
    while the words name a place: "Sarah Whitfield, Head of PDU" names none,
    "the Newcastle upon Tyne PDU" is "Newcastle upon Tyne PDU"."""
    whole = match.group("unit")
    kind = _KIND_WORDS.search(whole)
    if kind is None:
        return None
    tokens = whole[: kind.start()].split()
    kept: list[str] = []
    for position in range(len(tokens) - 1, -1, -1):
        word = tokens[position].strip(",").lower()
        if word in _CONNECTORS:
            before = tokens[position - 1].strip(",").lower() if position else ""
            if not kept or not before or before in _NOT_A_UNIT_NAME:
                break
            kept.insert(0, tokens[position])
            continue
        if word in _NOT_A_UNIT_NAME or tokens[position].endswith(",") and not kept:
            break
        kept.insert(0, tokens[position])
    while kept and kept[0].strip(",").lower() in _CONNECTORS:
        kept = kept[1:]
    if not kept:
        return None
    start = whole.rindex(" ".join(kept[:1]), 0, kind.start())
    return whole[start:]


def find_units(text: str) -> list[FoundName]:
    """Probation units named in ``text``: those in the reference list
    ("Stockton and Hartlepool", "Gwent PDU"), and any other capitalised name
    followed by "PDU", "YJS" and the like ("Calderholme PDU")."""
    from drafter.core.regions import pdu_names

    found: list[FoundName] = []
    taken: list[tuple[int, int]] = []
    for name in pdu_names():
        if not _may_name(name, text):
            continue
        pattern = rf"(?<![\w-]){_flexible(name)}(?:\s+(?:PDU|Probation Delivery Unit))?(?![\w-])"
        for match in re.finditer(pattern, text):
            if _overlaps(match.span(), taken):
                continue
            taken.append(match.span())
            found.append(FoundName(match.group(0), "unit", *match.span()))
    for match in _NAMED_UNIT_RE.finditer(text):
        name = _unit_name_before(match)
        if name is None:
            continue
        span = (match.end("unit") - len(name), match.end("unit"))
        if _overlaps(span, taken):
            continue
        taken.append(span)
        found.append(FoundName(text[span[0] : span[1]], "unit", *span))
    return found


def find_regions(text: str) -> list[FoundName]:
    """Probation regions named in ``text`` ("the North East region", "Wales")."""
    from drafter.core.regions import region_names

    found: list[FoundName] = []
    taken: list[tuple[int, int]] = []
    for name in region_names():
        if not _may_name(name, text):
            continue
        pattern = rf"(?<![\w-]){_flexible(name)}(?:\s+[Rr]egion)?(?![\w-])"
        for match in re.finditer(pattern, text):
            if _overlaps(match.span(), taken):
                continue
            taken.append(match.span())
            found.append(FoundName(match.group(0), "region", *match.span()))
    return found


def place_words(unit: str | None) -> list[str]:
    """The words of a unit's name that name places: "Stockton and Hartlepool
    PDU" -> ["Stockton", "Hartlepool"]."""
    if not unit:
        return []
    words = re.findall(r"[A-Z][\w'’-]+", re.sub(r"\s+(PDU|YJS|Region|region)$", "", unit))
    return [w for w in dict.fromkeys(words) if w.lower() not in _GENERIC_PLACE_WORDS]


def find_places(text: str, places: Sequence[str]) -> list[FoundName]:
    found = []
    for place in places:
        for match in re.finditer(rf"(?<![\w-]){re.escape(place)}(?![\w-])", text):
            found.append(FoundName(match.group(0), "place", *match.span()))
    return found


def _overlaps(span: tuple[int, int], taken: Iterable[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _inside(span: tuple[int, int], within: str, text: str) -> bool:
    """Whether the text at ``span`` is part of an occurrence of ``within``."""
    if not within:
        return False
    if text.isascii() and not _may_name(within.lower(), text.lower()):
        return False  # (case aside: simple to be sure of for ASCII text)
    for match in re.finditer(rf"(?<![\w-]){_flexible(within)}(?![\w-])", text, re.I):
        if match.start() <= span[0] and span[1] <= match.end():
            return True
    return False


#: Which kind wins where two names overlap: the longer name first, then this order.
_PRIORITY = {"police": 0, "body": 1, "person": 2, "unit": 3, "region": 4, "place": 5}


def resolve_overlaps(found: Iterable[FoundName]) -> list[FoundName]:
    """One name per stretch of text: the longest, then by kind; in text order."""
    chosen: list[FoundName] = []
    ordered = sorted(found, key=lambda f: (-(f.end - f.start), _PRIORITY.get(f.kind, 9), f.start))
    for item in ordered:
        if not _overlaps((item.start, item.end), [(c.start, c.end) for c in chosen]):
            chosen.append(item)
    return sorted(chosen, key=lambda f: f.start)


def carried_over_names(
    text: str,
    *,
    source_unit: str | None,
    source_region: str | None = None,
    new_unit: str,
    new_region: str | None = None,
    known_people: Iterable[str] = (),
) -> list[FoundName]:
    """The names in an action first committed by ``source_unit`` that belong to
    that unit (or to anywhere but ``new_unit``) and so must be checked before
    the action is used for ``new_unit``: people, other units and regions,
    police forces, councils and other local bodies, and the source unit's
    place names. The new unit's own name and region are never flagged; a
    police force is kept only when it is the single force of the new region."""
    candidates: list[FoundName] = []
    candidates += find_people(text, known_people)
    candidates += find_bodies(text)
    for name, force in find_police(text):
        if (
            force is not None
            and force.region
            and same_name(force.region, new_region)
            and sum(1 for f in police_forces() if f.region == force.region) == 1
        ):
            continue  # the only force there: the same for every unit of the region
        candidates.append(name)
    candidates += find_units(text)
    candidates += find_regions(text)
    candidates += find_places(text, place_words(source_unit))
    result = []
    for item in resolve_overlaps(candidates):
        span = (item.start, item.end)
        if item.kind in ("unit", "place", "body") and (
            _inside(span, new_unit, text) or _inside(span, _short(new_unit), text)
        ):
            continue
        if item.kind == "unit" and same_name(item.text, new_unit):
            continue
        if item.kind == "region" and same_name(item.text, new_region):
            continue
        if item.kind == "place" and item.text in place_words(new_unit):
            continue
        if item.kind == "body" and _names_only(item.text, place_words(new_unit)):
            continue  # the new unit's own council
        result.append(item)
    return result


def _short(unit: str) -> str:
    return re.sub(r"\s+(PDU|YJS|Youth Justice Service|Probation Delivery Unit)$", "", unit.strip())


def _names_only(body: str, places: Sequence[str]) -> bool:
    """Whether a body's name names no place but ``places`` ("Cardiff Council")."""
    kind = re.search(rf"(?:{_BODY_KINDS})$", body)
    words = [
        w
        for w in re.findall(r"[A-Z][\w'’-]+", body[: kind.start()] if kind else body)
        if w.lower() not in _GENERIC_PLACE_WORDS and w.upper() != "NHS"
    ]
    return bool(words) and all(w in places for w in words)
