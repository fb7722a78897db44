"""The starter library must be drafter's own words, not the corpus or the seeds reworded.

Cut-offs (strict; both on rapidfuzz's default_process: lower case, no
punctuation): token_set_ratio >= 70 or ratio >= 60 against any corpus action,
the recommendation each corpus action answered, any labelled corpus
recommendation, or any sentence of the two seed documents (the real report and
the real response letter), fails the test. token_set_ratio catches a starter
text whose words are mostly a subset of another text; ratio catches close
rewording. Seed sentences shorter than eight words (headings, table cells) are
left out: every longer text would contain their few words.
"""

import json
import re

from conftest import CORPUS, SEED_LETTER, SEED_REPORT, need
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from drafter.library.transfer import read_starter_records

TOKEN_SET_LIMIT = 70
RATIO_LIMIT = 60


def corpus_texts() -> list[tuple[str, str]]:
    texts = []
    for line in (CORPUS / "actions.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            texts.append((f"{record['id']} action", record["action"]))
            if record.get("recommendation"):
                texts.append((f"{record['id']} recommendation", record["recommendation"]))
    for line in (CORPUS / "recommendations.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            texts.append((record["id"], record["text"]))
    return texts


#: Seed sentences with fewer words than this are headings or table cells.
MIN_SEED_WORDS = 8


def seed_sentences() -> list[tuple[str, str]]:
    sentences = []
    for path in (SEED_REPORT, SEED_LETTER):
        text = path.read_text(encoding="utf-8")
        pieces = re.split(r"(?<=[.;:!?])\s+|\n\s*\n|\n\s*[-•*]\s*|\n\s*\d+\.\s+", text)
        for number, piece in enumerate(pieces, start=1):
            piece = " ".join(piece.split())
            if len(piece.split()) >= MIN_SEED_WORDS:
                sentences.append((f"{path.name} sentence {number}", piece))
    return sentences


def closeness(text: str, other: str) -> tuple[float, float]:
    return (
        fuzz.token_set_ratio(text, other, processor=default_process),
        fuzz.ratio(text, other, processor=default_process),
    )


def test_starter_library_is_not_close_to_any_corpus_text():
    need(
        (CORPUS / "actions.jsonl").exists() and (CORPUS / "recommendations.jsonl").exists(),
        "corpus not present",
    )
    corpus = corpus_texts()
    assert len(corpus) > 100  # the comparison really ran against the corpus
    assert_not_close(corpus, "corpus")


def test_starter_library_is_not_close_to_any_seed_sentence():
    need(SEED_REPORT.exists() and SEED_LETTER.exists(), "seed documents not present")
    seeds = seed_sentences()
    assert len(seeds) > 100  # both documents were really split into sentences
    assert_not_close(seeds, "seed")


def assert_not_close(others: list[tuple[str, str]], what: str) -> None:
    offenders = []
    for record in read_starter_records():
        for field, text in (("action", record.action), ("recommendation", record.recommendation)):
            if not text:
                continue
            for where, other in others:
                token_set, plain = closeness(text, other)
                if token_set >= TOKEN_SET_LIMIT or plain >= RATIO_LIMIT:
                    offenders.append(
                        f"{record.external_id} {field} vs {where}: "
                        f"token_set {token_set:.0f}, ratio {plain:.0f}: {text[:70]!r}"
                    )
    assert not offenders, f"starter entries too close to {what} text:\n" + "\n".join(offenders)


def test_the_guard_flags_a_reworded_corpus_text():
    # The same check must trip on a light rewording, or it guards nothing.
    original = "Sickness absence will be managed through monthly case conferences with HR."
    reworded = "Sickness absence is to be managed via monthly case conferences with HR"
    token_set, plain = closeness(reworded, original)
    assert token_set >= TOKEN_SET_LIMIT and plain >= RATIO_LIMIT
