"""The starter library must be drafter's own words, not the corpus reworded.

Cut-offs (strict; both on rapidfuzz's default_process: lower case, no
punctuation): token_set_ratio >= 70 or ratio >= 60 against any corpus action,
the recommendation each corpus action answered, or any labelled corpus
recommendation, fails the test. token_set_ratio catches a starter text whose
words are mostly a subset of a corpus text; ratio catches close rewording.
"""

import json

from conftest import CORPUS, need
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
    offenders = []
    for record in read_starter_records():
        for field, text in (("action", record.action), ("recommendation", record.recommendation)):
            if not text:
                continue
            for where, other in corpus:
                token_set, plain = closeness(text, other)
                if token_set >= TOKEN_SET_LIMIT or plain >= RATIO_LIMIT:
                    offenders.append(
                        f"{record.external_id} {field} vs {where}: "
                        f"token_set {token_set:.0f}, ratio {plain:.0f}: {text[:70]!r}"
                    )
    assert not offenders, "starter entries too close to corpus text:\n" + "\n".join(offenders)


def test_the_guard_flags_a_reworded_corpus_text():
    # The same check must trip on a light rewording, or it guards nothing.
    original = "Sickness absence will be managed through monthly case conferences with HR."
    reworded = "Sickness absence is to be managed via monthly case conferences with HR"
    token_set, plain = closeness(reworded, original)
    assert token_set >= TOKEN_SET_LIMIT and plain >= RATIO_LIMIT
