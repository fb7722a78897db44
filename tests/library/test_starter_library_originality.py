"""The starter library, and the paired material drafter's latent space learns
from (drafter/data/latent_training), must be drafter's own words, not the corpus
or the seeds reworded.

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

import numpy as np
from conftest import CORPUS, SEED_LETTER, SEED_REPORT, need
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from drafter.core.packaged import packaged, packaged_yaml
from drafter.library.transfer import read_starter_records
from drafter.matching.latent import TRAINING_FOLDER, training_sets

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


def starter_texts() -> list[tuple[str, str]]:
    """The starter library: suggested to users and written into letters."""
    texts = []
    for record in read_starter_records():
        texts.append((f"{record.external_id} action", record.action))
        if record.recommendation:
            texts.append((f"{record.external_id} recommendation", record.recommendation))
    return texts


def training_texts() -> list[tuple[str, str]]:
    """The latent space's paired material: never shown, but shipped."""
    texts = []
    paraphrases = packaged_yaml(f"{TRAINING_FOLDER}/starter_paraphrases.yaml")["paraphrases"]
    for item in paraphrases:
        for number, text in enumerate(item["recommendations"], start=1):
            texts.append((f"{item['id']} wording {number}", text))
    for name in training_sets():
        for item in packaged_yaml(f"{TRAINING_FOLDER}/{name}_library.yaml")["actions"]:
            texts.append((f"{name} {item['id']} action", item["action"]))
            texts.append((f"{name} {item['id']} recommendation", item["recommendation"]))
        recommendations = packaged_yaml(f"{TRAINING_FOLDER}/{name}_recommendations.yaml")
        for number, item in enumerate(recommendations["recommendations"], start=1):
            texts.append((f"{name} recommendation {number}", item["text"]))
    assert packaged(TRAINING_FOLDER).is_dir() and len(texts) > 5000
    return texts


#: For the training material, a near copy: close wording overall, or the same
#: words in a text not much longer. (A long action that merely contains every
#: word of a short corpus phrase such as "improve the quality of pre-sentence
#: reports" is not a copy; the starter library, which users see, is held to
#: the stricter limits above.)
NEAR_COPY_RATIO = 75
NEAR_COPY_TOKEN_SET = 90
NEAR_COPY_LENGTH = 1.5


def offenders(
    ours: list[tuple[str, str]], others: list[tuple[str, str]], *, near_copies_only: bool
) -> list[str]:
    mine, theirs = [t for _, t in ours], [t for _, t in others]
    token_set = process.cdist(
        mine, theirs, scorer=fuzz.token_set_ratio, processor=default_process, workers=-1
    )
    plain = process.cdist(mine, theirs, scorer=fuzz.ratio, processor=default_process, workers=-1)
    if near_copies_only:
        length = np.array([len(default_process(t)) for t in mine], dtype=float)
        limit = np.array([len(default_process(t)) for t in theirs], dtype=float)
        close = (plain >= NEAR_COPY_RATIO) | (
            (token_set >= NEAR_COPY_TOKEN_SET) & (length[:, None] <= NEAR_COPY_LENGTH * limit)
        )
    else:
        close = (token_set >= TOKEN_SET_LIMIT) | (plain >= RATIO_LIMIT)
    return [
        f"{ours[i][0]} vs {others[j][0]}: token_set {token_set[i, j]:.0f}, "
        f"ratio {plain[i, j]:.0f}: {mine[i][:70]!r}"
        for i, j in zip(*np.nonzero(close), strict=True)
    ]


def assert_not_close(others: list[tuple[str, str]], what: str) -> None:
    found = offenders(starter_texts(), others, near_copies_only=False)
    assert not found, f"starter entries too close to {what} text:\n" + "\n".join(found)


def test_latent_training_material_holds_no_near_copy_of_the_corpus_or_seeds():
    need((CORPUS / "actions.jsonl").exists() and SEED_REPORT.exists(), "corpus not present")
    found = offenders(training_texts(), corpus_texts() + seed_sentences(), near_copies_only=True)
    assert not found, "training texts too close to corpus or seed text:\n" + "\n".join(found)


def test_the_near_copy_guard_flags_a_reworded_text_but_not_a_longer_one_containing_it():
    phrase = ("P1", "improve the quality of pre-sentence reports")
    reworded = [("ours", "improve the quality of all pre-sentence reports")]
    longer = [
        (
            "ours",
            "From April the court team will check every pre-sentence report against a "
            "quality framework, and managers will improve the quality of feedback given.",
        )
    ]
    assert offenders(reworded, [phrase], near_copies_only=True)
    assert not offenders(longer, [phrase], near_copies_only=True)


def test_the_guard_flags_a_reworded_corpus_text():
    # The same check must trip on a light rewording, or it guards nothing.
    original = "Sickness absence will be managed through monthly case conferences with HR."
    reworded = "Sickness absence is to be managed via monthly case conferences with HR"
    token_set, plain = closeness(reworded, original)
    assert token_set >= TOKEN_SET_LIMIT and plain >= RATIO_LIMIT
