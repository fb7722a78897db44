"""Turning recommendation and action text into comparable terms.

Inspection recommendations and committed actions say the same thing in
different words: "PSOs" and "probation services officers", "organization" and
"organisation", "caseloads" and "workload". This module removes that noise:

* :func:`normalise` - case, quotes, punctuation, American to British spelling,
  and the domain's abbreviations expanded to their long form, so that both
  forms meet in the middle whichever one each side used;
* :func:`terms` - the content words (stop words and words every
  recommendation uses, such as "ensure" or "people on probation", dropped),
  lightly stemmed, plus two-word phrases and *concept* terms from the domain
  synonym groups in ``data/concepts.yaml``;
* :func:`surface_words` - the normalised words as written, grammar words
  dropped, for evidence that stemming and the stop list would lose.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from drafter.core.lazy import lazy_module
from drafter.core.packaged import packaged

np = lazy_module("numpy")  # only a whole library's terms need it (term_table)

#: Abbreviations used in probation inspection reports and responses.
ABBREVIATIONS: dict[str, str] = {
    "pso": "probation services officer",
    "psos": "probation services officers",
    "po": "probation officer",
    "pos": "probation officers",
    "spo": "senior probation officer",
    "spos": "senior probation officers",
    "da": "domestic abuse",
    "mappa": "multi agency public protection arrangements",
    "iom": "integrated offender management",
    "opd": "offender personality disorder",
    "crs": "commissioned rehabilitative services",
    "ete": "education training and employment",
    "pqip": "professional qualification in probation",
    "oasys": "offender assessment system",
    "rosh": "risk of serious harm",
    "edi": "equality diversity and inclusion",
    "psr": "pre sentence report",
    "psrs": "pre sentence reports",
    "upw": "unpaid work",
    "rpd": "regional probation director",
    "marac": "multi agency risk assessment conference",
    "mash": "multi agency safeguarding hub",
    "vlo": "victim liaison officer",
    "vlos": "victim liaison officers",
    "wmt": "workload measurement tool",
    "ap": "approved premises",
    "aps": "approved premises",
    "cfo": "creating future opportunities",
    "pdu": "probation delivery unit",
    "pdus": "probation delivery units",
    "yjs": "youth justice service",
    "nqo": "newly qualified officer",
    "nqos": "newly qualified officers",
    "ptas": "practice tutor assessors",
    "pta": "practice tutor assessor",
    "hmpps": "his majestys prison and probation service",
    "rar": "rehabilitation activity requirement",
    "drr": "drug rehabilitation requirement",
    "atr": "alcohol treatment requirement",
    "mhtr": "mental health treatment requirement",
    "cpo": "community payback order",
    "rmp": "risk management plan",
    "rmps": "risk management plans",
    "hr": "human resources",
}

#: American spellings (and common variants) mapped to the British form.
SPELLINGS: dict[str, str] = {
    "organization": "organisation",
    "organizations": "organisations",
    "organizational": "organisational",
    "prioritize": "prioritise",
    "prioritized": "prioritised",
    "prioritizing": "prioritising",
    "prioritization": "prioritisation",
    "recognize": "recognise",
    "recognized": "recognised",
    "realize": "realise",
    "utilize": "utilise",
    "utilization": "utilisation",
    "minimize": "minimise",
    "maximize": "maximise",
    "standardize": "standardise",
    "standardized": "standardised",
    "emphasize": "emphasise",
    "finalize": "finalise",
    "finalized": "finalised",
    "summarize": "summarise",
    "analyze": "analyse",
    "analyzed": "analysed",
    "analyzing": "analysing",
    "behavior": "behaviour",
    "behaviors": "behaviours",
    "behavioral": "behavioural",
    "program": "programme",
    "programs": "programmes",
    "focussed": "focused",
    "focussing": "focusing",
    "center": "centre",
    "centers": "centres",
    "counseling": "counselling",
    "counselor": "counsellor",
    "licensing": "licensing",
    "license": "licence",
    "licenses": "licences",
    "defense": "defence",
    "offense": "offence",
    "offenses": "offences",
    "judgment": "judgement",
    "enrollment": "enrolment",
    "fulfill": "fulfil",
    "labor": "labour",
    "neighborhood": "neighbourhood",
    "neighborhoods": "neighbourhoods",
    "favor": "favour",
    "practise": "practice",
    "practised": "practiced",
    "modeling": "modelling",
    "traveling": "travelling",
    "catalog": "catalogue",
    "email": "e mail",
    "e-mail": "e mail",
    "multiagency": "multi agency",
    "wellbeing": "well being",
    "well-being": "well being",
}

#: Words that carry no meaning for matching: English function words and the
#: words nearly every recommendation or action uses.
_STOP_WORD_TEXT = """
    a about above across after again against all also an and any are as at be been before
    being below between both but by can could did do does doing down during each either
    every few for from further had has have having he her here hers him his how i if in
    into is it its itself just may me might more most must my no nor not now of off on
    once only or other our ours out over own per same she should so some such than that
    the their theirs them then there these they this those through to too under until up
    upon very was we were what when where whether which while who whom why will with
    within without would you your yours us least well able whose across including include
    includes via new ensure ensuring ensures ensured make makes making sure take takes
    taken place put improve improves improved improving improvement strengthen
    strengthened strengthening develop developed developing increase increased review
    reviewed reviewing consistently consistent effective effectively appropriate
    appropriately timely promptly right level levels high higher quality work working
    works use used using provide provided providing deliver delivered delivering delivery
    arrangements approach approaches way ways support supported supporting need needs
    needed person people probation pdu pdus service services unit units region regional
    region's local area areas across relevant clear clearly regular regularly practitioner
    practitioners staff team teams case cases managed manage managing management's will
    month months week weeks year years day days date dates first each every within number
    numbers one two three four five six seven eight nine ten
"""
STOP_WORDS = frozenset(_STOP_WORD_TEXT.split())

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u201c": '"', "\u201d": '"'})
_POSSESSIVE = re.compile(r"'s\b")
_WORD = re.compile(r"[a-z0-9]+")


def _final_form(word: str) -> str:
    word = ABBREVIATIONS.get(SPELLINGS.get(word, word), SPELLINGS.get(word, word))
    return " ".join(
        ABBREVIATIONS.get(SPELLINGS.get(w, w), SPELLINGS.get(w, w)) for w in word.split()
    )


#: Every word normalisation rewrites, mapped straight to its final form.
_REWRITES = {word: _final_form(word) for word in (*SPELLINGS, *ABBREVIATIONS)}


@lru_cache(maxsize=131072)
def normalise(text: str) -> str:
    """Lower-case words separated by single spaces, British spelling, abbreviations
    spelt out. Idempotent: ``normalise(normalise(x)) == normalise(x)``."""
    rewrites = _REWRITES
    return " ".join([rewrites.get(word, word) for word in _plain_words(text)])


def _plain_words(text: str) -> list[str]:
    """The words of ``text``, lower-case, before spelling and abbreviations."""
    text = unicodedata.normalize("NFKC", text or "").translate(_APOSTROPHES).casefold()
    text = _POSSESSIVE.sub("", text).replace("'", "")
    return _WORD.findall(text)


_SUFFIXES = (
    ("ational", "ate"),
    ("isation", "ise"),
    ("ization", "ise"),
    ("iveness", "ive"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("ments", "ment"),
    ("ities", "ity"),
    ("ings", ""),
    ("ing", ""),
    ("ied", "y"),
    ("ies", "y"),
    ("ed", ""),
    ("es", "e"),
    ("s", ""),
)


#: Nouns in -ing whose stem would be another word: "an evening appointment" is
#: not "even" (as in "even-handed"). Others ("meeting", "setting", "building")
#: were measured too and matched better left to the stemmer.
_ING_NOUNS = {word + plural: word for word in ("evening", "morning") for plural in ("", "s")}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light, predictable stemmer: plurals and -ing/-ed forms share a stem
    ("referrals", "referral"; "assessing", "assessed", "assess")."""
    if len(word) <= 4 or word.isdigit():
        return word
    noun = _ING_NOUNS.get(word)
    if noun is not None:
        return noun
    word = _plain_base(word)
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            base = word[: len(word) - len(suffix)] + replacement
            if (
                suffix in ("ing", "ed", "ings")
                and len(base) > 3
                and base[-1] == base[-2]
                and base[-1] not in "sl"
            ):
                base = base[:-1]  # "planned" -> "plan", "referred" -> "refer"
            return _drop_final_e(base)
    return _drop_final_e(word)


def _plain_base(word: str) -> str:
    """Adverbs and -ness nouns meet their adjective: "regularly" and "regular",
    "sickness" and "sick", "readiness" and "ready", "monthly" and "month".
    Short or odd bases are left alone ("early", "family", "witness")."""
    if word.endswith("ness") and not word.endswith("iveness"):
        base = word[:-4]
        if len(base) >= 4:
            return base[:-1] + "y" if base.endswith("i") else base
    elif word.endswith("ly") and not word.endswith("ply"):
        base = word[:-2]
        if len(base) >= 4 and not base.endswith("i"):
            return base
    return word


def _drop_final_e(word: str) -> str:
    # "analyse"/"analysed" and "service"/"services" meet at "analys", "servic".
    return word[:-1] if len(word) > 4 and word.endswith("e") and not word.endswith("ee") else word


@dataclass(frozen=True)
class Concept:
    """A domain idea with the phrases that express it."""

    id: str
    label: str
    phrases: tuple[tuple[str, ...], ...]  # each a sequence of stems
    #: A place or kind of work an action can be tied to (court, unpaid work,
    #: custody): such an action rarely answers a recommendation not about it.
    setting: bool = False


@lru_cache(maxsize=1)
def concepts() -> tuple[Concept, ...]:
    """The concepts of ``data/concepts.yaml``, parsed once and then kept in the
    cache folder (keyed by the lexicon and this module's code, which stems its
    phrases), so a new process reads no YAML: parsing it took longer than
    matching a report."""
    from drafter.core.caches import derived

    data = packaged("data/concepts.yaml").read_bytes()
    try:
        code = Path(__file__).read_bytes()
    except OSError:
        return _read_concepts(data)
    return derived("concepts", (data, code), lambda: _read_concepts(data))


def _read_concepts(data: bytes) -> tuple[Concept, ...]:
    import yaml

    text = data.decode("utf-8")
    loaded = yaml.safe_load(text) or {}
    result = []
    for concept_id, entry in loaded.items():
        phrases = []
        for phrase in entry["phrases"]:
            stems = tuple(stem(w) for w in normalise(phrase).split())
            if stems:
                phrases.append(stems)
        result.append(
            Concept(
                concept_id,
                entry.get("label", concept_id),
                tuple(phrases),
                setting=bool(entry.get("setting", False)),
            )
        )
    return tuple(result)


def setting_concepts() -> tuple[str, ...]:
    """Ids of the concepts that name a setting (``setting: true`` in the lexicon)."""
    return tuple(c.id for c in concepts() if c.setting)


@lru_cache(maxsize=1)
def _concept_index() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for concept in concepts():
        for phrase in concept.phrases:
            index.setdefault(phrase[0], []).append((phrase, concept.id))
    for entries in index.values():
        entries.sort(key=lambda item: -len(item[0]))
    return index


@dataclass(frozen=True)
class Terms:
    """The weighted-matching view of one text."""

    words: tuple[str, ...]  # content stems, in order
    phrases: tuple[str, ...]  # "stem1 stem2" for neighbouring content words
    concepts: tuple[str, ...]  # "@concept_id"
    surface: dict[str, str]  # stem or phrase -> the words as written, for reasons

    def all(self) -> list[str]:
        return [*self.words, *self.phrases, *self.concepts]


def _concept_spans(all_stems: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start, end, concept id) of each lexicon phrase found in a text's stems,
    the longest first at each position. A phrase inside a longer one found
    before it is part of that idea, not one of its own: "office" in "outside
    office hours", "training" in "education, training and employment"."""
    index = _concept_index()
    spans: list[tuple[int, int, str]] = []
    covered_to = 0  # end of the furthest-reaching phrase found so far
    for i, s in enumerate(all_stems):
        for phrase, concept_id in index.get(s, ()):
            if tuple(all_stems[i : i + len(phrase)]) == phrase:
                if i + len(phrase) > covered_to:
                    spans.append((i, i + len(phrase), concept_id))
                    covered_to = i + len(phrase)
                break
    return spans


def terms(text: str) -> Terms:
    """Content stems, neighbouring pairs and concepts found in ``text``."""
    all_words = normalise(text).split()
    all_stems = [stem(w) for w in all_words]
    found = ["@" + concept_id for _, _, concept_id in _concept_spans(all_stems)]
    words: list[str] = []
    positions: list[int] = []
    surface: dict[str, str] = {}
    for position, (word, s) in enumerate(zip(all_words, all_stems, strict=True)):
        if word in STOP_WORDS or len(word) < 2 or word.isdigit():
            continue
        words.append(s)
        positions.append(position)
        surface.setdefault(s, word)
    content = [w for w in words if w]
    phrases = []
    # Pairs of neighbouring content words, bridging stop words, so that "risk of
    # harm" and "risk and harm" both give the phrase "risk harm".
    for i, (left, right) in enumerate(zip(content, content[1:], strict=False)):
        if left != right:
            key = f"{left} {right}"
            phrases.append(key)
            if positions[i + 1] == positions[i] + 1:
                # Only phrases written side by side are quoted back to people.
                surface.setdefault(key, " ".join(all_words[positions[i] : positions[i + 1] + 1]))
    return Terms(
        words=tuple(content),
        phrases=tuple(phrases),
        concepts=tuple(dict.fromkeys(found)),
        surface=surface,
    )


# --- many texts at once -----------------------------------------------------------

#: Put between texts when normalising a batch: lower-case letters only, so
#: normalisation leaves it as one word, and no real text uses it.
_BOUNDARY = "qxqtextboundaryqxq"


@dataclass(frozen=True)
class TermTable:
    """The terms of many texts, as arrays, for indexing a whole library.

    Text ``i`` has the terms ``vocabulary[term_ids[k]]`` with counts
    ``counts[k]`` for ``k`` in ``ptr[i]:ptr[i+1]`` (term ids ascending): the
    same terms and counts as ``Counter(terms(text).all())``, computed with a
    handful of numpy passes instead of a Python loop per text.
    ``wording[i]`` is the same number for texts equal once normalised.
    Text ``i``'s :func:`surface_words`, in order, are ``words[surface_ids[k]]``
    for ``k`` in ``surface_ptr[i]:surface_ptr[i+1]``.
    """

    vocabulary: list[str]
    ptr: np.ndarray
    term_ids: np.ndarray
    counts: np.ndarray
    wording: np.ndarray
    words: list[str]
    surface_ptr: np.ndarray
    surface_ids: np.ndarray


#: Term numbers before densifying: stems, then every possible pair of stems
#: (phrases), then concepts. Fixed, so that each chunk of texts can be coded
#: on its own while the stem vocabulary is still growing.
_STEM_SPACE = 1 << 21
_CONCEPT_BASE = _STEM_SPACE + _STEM_SPACE * _STEM_SPACE


class _Vocabularies:
    """Words, stems and their properties, numbered as chunks reveal them."""

    def __init__(self) -> None:
        self.raw_ids: dict[str, int] = {_BOUNDARY: 0}
        self.word_ids: dict[str, int] = {_BOUNDARY: 0}
        self.stem_ids: dict[str, int] = {_BOUNDARY: 0}
        self.expansions: list[list[int]] = [[0]]
        self.stem_of_word: list[int] = [0]
        self.is_content: list[bool] = [False]
        self.is_surface: list[bool] = [False]

    def tokens(self, texts: Sequence[str]) -> np.ndarray:
        """Word numbers of ``texts`` in a row, each text followed by word 0."""
        # One pass over the joined chunk keeps the per-character work in C.
        raw = _plain_words(f" {_BOUNDARY} ".join(texts))
        raw.append(_BOUNDARY)
        for word in set(raw).difference(self.raw_ids):
            self.raw_ids[word] = len(self.raw_ids)
            # Spelling and abbreviations: rewritten once per distinct word.
            self.expansions.append([self._word(w) for w in _REWRITES.get(word, word).split()])
        raw_tokens = np.fromiter(map(self.raw_ids.__getitem__, raw), dtype=np.int32, count=len(raw))
        lengths = np.array([len(e) for e in self.expansions], dtype=np.int32)
        flat = np.array([w for e in self.expansions for w in e], dtype=np.int32)
        return flat[_ranges(np.cumsum(lengths) - lengths, lengths, raw_tokens)]

    def _word(self, word: str) -> int:
        word_id = self.word_ids.get(word)
        if word_id is None:
            word_id = self.word_ids[word] = len(self.word_ids)
            self.stem_of_word.append(self.stem_ids.setdefault(stem(word), len(self.stem_ids)))
            self.is_content.append(not (word in STOP_WORDS or len(word) < 2 or word.isdigit()))
            self.is_surface.append(len(word) > 1 and word not in _FUNCTION_WORDS)
        return word_id


def term_table(
    texts: Sequence[str],
    chunk_size: int = 8192,
    progress: Callable[[int, int], None] | None = None,
) -> TermTable:
    """Terms of every text in ``texts`` (see :class:`TermTable`), worked out
    a chunk at a time so memory stays proportional to one chunk plus the
    result. ``progress(done, total)`` is called after each chunk."""
    vocabularies = _Vocabularies()
    concept_count = len(concepts())
    space = _CONCEPT_BASE + concept_count
    sparse_terms: list[np.ndarray] = []
    term_counts: list[np.ndarray] = []
    per_text = np.zeros(len(texts), dtype=np.int64)
    wordings: dict[bytes, int] = {}
    wording = np.zeros(len(texts), dtype=np.int64)
    surface_ids: list[np.ndarray] = []
    surface_per_text = np.zeros(len(texts), dtype=np.int64)
    for start in range(0, len(texts), chunk_size):
        part = texts[start : start + chunk_size]
        tokens = vocabularies.tokens(part)
        boundary = tokens == 0
        text_of = np.cumsum(boundary) - boundary  # within the chunk
        all_stems = np.array(vocabularies.stem_of_word, dtype=np.int64)[tokens]
        content = np.array(vocabularies.is_content, dtype=bool)[tokens]
        surface = np.array(vocabularies.is_surface, dtype=bool)[tokens]
        surface_ids.append(tokens[surface].astype(np.int32))
        surface_per_text[start : start + len(part)] = np.bincount(
            text_of[surface], minlength=len(part)
        )
        concept_ids, concept_texts = _find_concepts(all_stems, text_of, vocabularies.stem_ids)
        word_stems, word_texts = all_stems[content], text_of[content]
        # Phrases: neighbouring content words of the same text.
        pair = (word_texts[:-1] == word_texts[1:]) & (word_stems[:-1] != word_stems[1:])
        phrases = _STEM_SPACE + word_stems[:-1][pair] * _STEM_SPACE + word_stems[1:][pair]
        codes, counts = np.unique(
            np.concatenate(
                [
                    word_texts * space + word_stems,
                    word_texts[:-1][pair] * space + phrases,
                    concept_texts * space + _CONCEPT_BASE + concept_ids,
                ]
            ),
            return_counts=True,
        )
        sparse_terms.append(codes % space)
        term_counts.append(counts.astype(np.float32))
        per_text[start : start + len(part)] = np.bincount(codes // space, minlength=len(part))
        bounds = np.flatnonzero(boundary).tolist()
        for offset, (a, b) in enumerate(zip([-1, *bounds], bounds, strict=False)):
            wording[start + offset] = wordings.setdefault(
                tokens[a + 1 : b].tobytes(), len(wordings)
            )
        if progress is not None:
            progress(start + len(part), len(texts))
    # Keep only terms some text uses, numbered densely (chunk by chunk, again
    # to keep the peak memory low).
    used = np.unique(np.concatenate([np.unique(t) for t in sparse_terms] or [np.zeros(0, int)]))
    dense = [np.searchsorted(used, t).astype(np.int32) for t in sparse_terms]
    del sparse_terms
    stems = list(vocabularies.stem_ids)
    concept_list = [c.id for c in concepts()]

    def label(term: int) -> str:
        if term < _STEM_SPACE:
            return stems[term]
        if term < _CONCEPT_BASE:
            left, right = divmod(term - _STEM_SPACE, _STEM_SPACE)
            return f"{stems[left]} {stems[right]}"
        return "@" + concept_list[term - _CONCEPT_BASE]

    return TermTable(
        vocabulary=[label(int(t)) for t in used],
        ptr=np.concatenate([[0], np.cumsum(per_text)]).astype(np.int64),
        term_ids=np.concatenate(dense) if dense else np.zeros(0, dtype=np.int32),
        counts=np.concatenate(term_counts) if term_counts else np.zeros(0, dtype=np.float32),
        wording=wording,
        words=list(vocabularies.word_ids),
        surface_ptr=np.concatenate([[0], np.cumsum(surface_per_text)]).astype(np.int64),
        surface_ids=np.concatenate(surface_ids) if surface_ids else np.zeros(0, dtype=np.int32),
    )


def _ranges(starts: np.ndarray, lengths: np.ndarray, which: np.ndarray) -> np.ndarray:
    """Indices of the ranges ``starts[w]:starts[w] + lengths[w]`` for each ``w`` in
    ``which``, one after another (a vectorised gather of variable-length rows)."""
    sizes = lengths[which].astype(np.int64)
    offsets = np.cumsum(sizes) - sizes
    return np.arange(int(sizes.sum()), dtype=np.int64) - np.repeat(offsets - starts[which], sizes)


def _find_concepts(
    all_stems: np.ndarray, text_of: np.ndarray, stem_ids: dict[str, int]
) -> tuple[np.ndarray, np.ndarray]:
    """(concept number, text) for every concept found, each once per text."""
    concept_number = {c.id: i for i, c in enumerate(concepts())}
    size = len(all_stems)
    found_concepts: list[np.ndarray] = []
    found_texts: list[np.ndarray] = []
    found_starts: list[np.ndarray] = []
    found_lengths: list[np.ndarray] = []
    first_stems = {stem_ids[s]: s for s in _concept_index() if s in stem_ids}
    if not first_stems or not size:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    is_first = np.zeros(len(stem_ids), dtype=bool)
    is_first[list(first_stems)] = True
    candidates = np.flatnonzero(is_first[all_stems])
    candidates = candidates[np.argsort(all_stems[candidates], kind="stable")]
    first_of = all_stems[candidates]
    starts = np.searchsorted(first_of, list(first_stems))
    ends = np.searchsorted(first_of, list(first_stems), side="right")
    for (first_id, first), start, end in zip(first_stems.items(), starts, ends, strict=True):
        del first_id
        positions = candidates[start:end]
        taken = np.zeros(len(positions), dtype=bool)
        # Longest phrases first, as terms() does.
        for phrase, concept_id in _concept_index()[first]:
            hit = ~taken
            for offset, word in enumerate(phrase[1:], start=1):
                word_id = stem_ids.get(word)
                if word_id is None:
                    hit[:] = False
                    break
                after = positions + offset
                inside = after < size
                hit &= inside & (all_stems[np.minimum(after, size - 1)] == word_id)
            if hit.any():
                found_concepts.append(np.full(int(hit.sum()), concept_number[concept_id]))
                found_texts.append(text_of[positions[hit]])
                found_starts.append(positions[hit])
                found_lengths.append(np.full(int(hit.sum()), len(phrase)))
                taken |= hit
    if not found_concepts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    # As in terms(): a phrase lying inside a longer one that starts before it
    # is dropped. Phrases never span two texts (the boundary token is no stem).
    starts = np.concatenate(found_starts)
    ends = starts + np.concatenate(found_lengths)
    order = np.lexsort((-ends, starts))
    reach = np.maximum.accumulate(ends[order])
    inside = np.zeros(len(order), dtype=bool)
    inside[order[1:]] = reach[:-1] >= ends[order[1:]]
    keep = ~inside
    pairs = np.unique(
        np.concatenate(found_texts)[keep] * len(concept_number)
        + np.concatenate(found_concepts)[keep]
    )
    return pairs % len(concept_number), pairs // len(concept_number)


# --- reasons people read ------------------------------------------------------------

#: A word as written: letters and digits, keeping inner apostrophes and hyphens
#: so that "children's" and "call-out" stay whole.
_WRITTEN_WORD = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*")

#: Words that describe rather than name, so a quoted phrase must not end on one
#: and none is quoted alone ("domestic" without "abuse", "social" without "care").
_DESCRIBING_WORDS = frozenset(
    {
        "domestic",
        "social",
        "serious",
        "potential",
        "actual",
        "public",
        "local",
        "multi",
        "national",
        "specific",
        "significant",
        "full",
        "key",
        "formal",
        "informal",
        "individual",
        "personal",
        "professional",
        "early",
        "current",
        "further",
        "wider",
        "senior",
        "junior",
        "other",
        "better",
        "good",
        "poor",
        "structured",
        "complex",
        "children's",
        "women's",
        "men's",
        "young",
        "older",
        "specialist",
        "statutory",
        "accredited",
        "commissioned",
        "joint",
        "shared",
        "weekly",
        "monthly",
        "quarterly",
        "annual",
        "daily",
        "initial",
        "final",
        "overall",
        "wide",
        "long",
        "short",
        "large",
        "small",
    }
)

#: The only function word allowed inside a quoted phrase ("risk of harm").
_JOINING_WORDS = frozenset({"of"})

#: Grammar words: a quoted phrase never starts or ends on one. (STOP_WORDS also
#: holds generic nouns such as "services", which may end a phrase:
#: "children's services".)
_FUNCTION_WORDS = frozenset(_STOP_WORD_TEXT.split()[: _STOP_WORD_TEXT.split().index("new")])


@lru_cache(maxsize=65536)
def surface_words(text: str) -> tuple[str, ...]:
    """The words of ``text`` as :func:`normalise` leaves them, unstemmed, with
    only grammar words dropped. Matching weighs these beside :func:`terms`:
    the exact form of a word ("sickness", "verbal") and words too common to
    be terms ("staff", "quality", "days") still tell close candidates apart.
    """
    function_words = _FUNCTION_WORDS
    return tuple(w for w in normalise(text).split() if len(w) > 1 and w not in function_words)


def _written_words(text: str) -> tuple[str, ...]:
    return _written_words_of(text or "")


@lru_cache(maxsize=16384)
def _written_words_of(text: str) -> tuple[str, ...]:
    """The words of ``text`` as written. Cached: a recommendation's words are
    asked for once per candidate explained, a library action's once per
    recommendation it is suggested for."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    return tuple(_WRITTEN_WORD.findall(text))


@lru_cache(maxsize=16384)
def _written_keys(text: str) -> tuple[str, ...]:
    return tuple(_key(w) for w in _written_words(text))


def _key(word: str) -> str:
    return word.casefold()


@lru_cache(maxsize=65536)
def _meaningful(word: str) -> bool:
    key = _key(word)
    plain = key.replace("'", "")
    if key in STOP_WORDS or plain in STOP_WORDS or plain.isdigit():
        return False
    return len(plain) >= 3 or (word.isupper() and len(word) >= 2)


def shared_phrases(
    text: str, other: str, weight: Callable[[str], float] | None = None, limit: int = 3
) -> list[str]:
    """Whole words and phrases found, as written, in both ``text`` and ``other``
    (case aside), best first, none repeating another's words; quoted in the
    form ``text`` uses. A phrase starts and ends on a meaningful word, never
    ends on a describing word ("domestic"), and holds no function word but
    "of", so it reads as a noun phrase ("risk of harm", "domestic abuse").

    ``weight(word)`` says how telling a word is (the matcher passes term
    rarity); without it longer words count for more.
    """
    mine = _written_words(text)
    longest = 5
    their_runs = _word_runs(other, longest)
    if not mine or not their_runs:
        return []
    word_weight = weight or (lambda word: float(len(word)))

    def acceptable(run: list[str], keys: tuple[str, ...]) -> bool:
        if len(run) == 1:
            return _meaningful(run[0]) and keys[0] not in _DESCRIBING_WORDS
        if keys[0] in _FUNCTION_WORDS or keys[-1] in _FUNCTION_WORDS:
            return False
        if keys[-1] in _DESCRIBING_WORDS or not any(_meaningful(w) for w in run):
            return False
        return all(k not in _FUNCTION_WORDS or k in _JOINING_WORDS for k in keys)

    found: dict[tuple[str, ...], tuple[float, str]] = {}
    my_keys = _written_keys(text or "")
    # A run can only match within a stretch of words the other text also has.
    stretch = 0
    stretches = [0] * len(mine)
    for start in range(len(mine) - 1, -1, -1):
        stretch = stretch + 1 if (my_keys[start],) in their_runs else 0
        stretches[start] = stretch
    for start in range(len(mine)):
        if not stretches[start]:
            continue  # no run starting on a word the other text lacks can match
        for size in range(min(longest, stretches[start]), 0, -1):
            keys = my_keys[start : start + size]
            if keys not in their_runs:
                continue
            run = mine[start : start + size]
            if acceptable(run, keys):
                score = sum(word_weight(k) for k in keys if _meaningful(k))
                if size > 1:
                    score *= 1.3
                if start == 0:
                    run = [_sentence_case(run[0]), *run[1:]]
                if keys not in found or found[keys][0] < score:
                    found[keys] = (score, " ".join(run))
                break  # the longest acceptable run starting here
    chosen: list[str] = []
    covered: set[str] = set()
    for keys, (_, written) in sorted(found.items(), key=lambda item: -item[1][0]):
        content = {k for k in keys if _meaningful(k)}
        if content <= covered:
            continue
        covered |= content
        chosen.append(written)
        if len(chosen) == limit:
            break
    return chosen


def shared_words_key(text: str, other: str) -> tuple[str, ...]:
    """``text``'s words as written where ``other`` also has them, and "" for
    the others. :func:`shared_phrases` reads nothing else of ``text`` (a run
    holding a word ``other`` lacks can never match), so two texts with the
    same key give the same phrases with ``other``: a matcher explaining
    thousands of recommendations caches the phrases on it."""
    runs = _word_runs(other or "", 5)
    return tuple(
        word if (key,) in runs else ""
        for word, key in zip(_written_words(text), _written_keys(text or ""), strict=True)
    )


@lru_cache(maxsize=8192)
def _word_runs(other: str, longest: int) -> frozenset[tuple[str, ...]]:
    """Every run of up to ``longest`` words of ``other`` (case aside). Cached:
    the same library action is compared with many recommendations."""
    theirs = _written_keys(other or "")
    runs: set[tuple[str, ...]] = set()
    for size in range(1, longest + 1):
        for start in range(len(theirs) - size + 1):
            runs.add(tuple(theirs[start : start + size]))
    return frozenset(runs)


def _sentence_case(word: str) -> str:
    """The first word of a text without its sentence capital ("Team" -> "team"),
    keeping acronyms and names written in capitals ("MAPPA", "PSOs")."""
    if len(word) > 1 and word[0].isupper() and word[1:].islower():
        return word[0].lower() + word[1:]
    return word


def concept_mentions(text: str) -> Mapping[str, str]:
    """Each domain concept found in ``text`` -> the words that named it, as written."""
    return _concept_mentions_view(text)


@lru_cache(maxsize=8192)
def _concept_mentions_view(text: str) -> Mapping[str, str]:
    """A read-only mapping, shared between callers (it is asked for once per
    candidate explained)."""
    return MappingProxyType(dict(_concept_mentions(text)))


@lru_cache(maxsize=8192)
def _concept_mentions(text: str) -> tuple[tuple[str, str], ...]:
    """:func:`concept_mentions`, cached (a library action's mentions are asked
    for once per recommendation it is suggested for)."""
    written = _written_words(text)
    all_words: list[str] = []
    origin: list[int] = []  # normalised word -> the written word it came from
    for number, word in enumerate(written):
        for part in normalise(word).split():
            all_words.append(part)
            origin.append(number)
    all_stems = [stem(w) for w in all_words]
    mentions: dict[str, str] = {}
    for start, end, concept_id in _concept_spans(all_stems):
        first, last = origin[start], origin[end - 1]
        words = written[first : last + 1]
        if first == 0:
            words = [_sentence_case(words[0]), *words[1:]]
        mentions.setdefault(concept_id, " ".join(words))
    return tuple(mentions.items())


@lru_cache(maxsize=1024)
def concept_label(concept_id: str) -> str:
    for concept in concepts():
        if concept.id == concept_id:
            return concept.label
    return concept_id
