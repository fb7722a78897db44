"""How long drafting one letter takes, as whole processes a user would run.

Side by side in the same run, each the median of ``--repeat`` runs after one
warm-up (figures only, no asserts):

* ``drafter --help``;
* ``drafter draft`` of the real seed report with the starter library (index
  cached, as every run after the first);
* a docxtpl script that only renders a letter of the same size from a Word
  template (what a user might write instead): the floor for "Python + Word";
* ``drafter draft`` with a generated 10,000-action library: cold (the matching
  index cache emptied before each run, as after the library changes) and warm
  (the index loaded from the cache);
* the in-process split of a warm draft into read / match / plan+render / write.

Usage: python benchmarks/bench_draft.py [--size 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from drafter.core.fileio import atomic_write_bytes  # noqa: E402
from drafter.letter.document import render_letter  # noqa: E402
from drafter.letter.plan import build_plan  # noqa: E402
from drafter.library.store import Library  # noqa: E402
from drafter.library.transfer import read_starter_records  # noqa: E402
from drafter.matching.matcher import match_report  # noqa: E402
from drafter.reading.reader import read_report  # noqa: E402

SEED_REPORT = (
    REPO.parent / "shared" / "seeds" / "inspection_report_redcar_cleveland_middlesbrough_2025.txt"
)
SAMPLE = REPO / "samples" / "ashvale_pdu_2025.html"
LETTER_DATE = date(2025, 7, 24)


def generated_records(size: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    records = read_starter_records()
    pieces = [p for r in records for p in r.action.rstrip(".").split(", ")]
    recommendations = [r.recommendation or "" for r in records]
    units = [f"Unit {i} PDU" for i in range(120)]
    rows = []
    for i in range(size):
        rows.append(
            {
                "id": f"gen-{i}",
                "action": ", ".join(rng.sample(pieces, 2))
                + f" by {rng.choice(['March', 'June'])} {2023 + i % 3}.",
                "recommendation": " and ".join(rng.sample(recommendations, 1 + i % 2)),
                "unit": rng.choice(units),
                "date": date(2022 + i % 4, 1 + i % 12, 1 + i % 28).isoformat(),
            }
        )
    return rows


def make_library(folder: Path, size: int | None) -> str:
    name = f"library-{size}.db" if size else "library-starter.db"
    url = f"sqlite:///{folder / name}"
    library = Library(url, auto_starter=False)
    if size is None:
        library.load_starter()
    else:
        source = folder / "generated.jsonl"
        source.write_text(
            "\n".join(json.dumps(r) for r in generated_records(size)), encoding="utf-8"
        )
        library.import_file(source)
    return url


DOCXTPL_SCRIPT = """
import sys
from docxtpl import DocxTemplate
template, context_file, out = sys.argv[1:4]
import json
document = DocxTemplate(template)
document.render(json.loads(open(context_file, encoding="utf-8").read()))
document.save(out)
"""


def docxtpl_template(folder: Path) -> Path:
    """A Word template shaped like drafter's letter: address, date, subject,
    thanks, the count of recommendations, one bullet per action, the positive
    findings, the assurance and the signature."""
    import docx

    document = docx.Document()
    for line in ("{{ recipient }}", "{{ address }}", "{{ date }}", "{{ subject }}"):
        document.add_paragraph(line)
    document.add_paragraph("Dear {{ chief_inspector }},")
    document.add_paragraph("{{ thanks }}")
    document.add_paragraph("{%p for action in actions %}")
    document.add_paragraph("{{ action }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{{ findings }}")
    document.add_paragraph("{%p for finding in positive %}")
    document.add_paragraph("{{ finding }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    for line in ("{{ assurance }}", "Yours sincerely,", "{{ signatory }}", "{{ cc }}"):
        document.add_paragraph(line)
    path = folder / "template.docx"
    document.save(path)
    return path


def docxtpl_context(report_path: Path, library_url: str) -> dict:
    """The same words drafter's letter holds, so both render the same size."""
    report = read_report(report_path)
    plan = build_plan(report, match_report(report, Library(library_url, auto_starter=False)))
    actions = [a.text for r in plan.responses for a in r.actions] or ["[Action]"]
    return {
        "recipient": "HM Chief Inspector of Probation",
        "address": "1st Floor Civil Justice Centre, 1 Bridge Street West, Manchester, M3 3FX",
        "date": "24 July 2025",
        "subject": f"Inspection of {report.unit}",
        "chief_inspector": report.chief_inspector or "Chief Inspector",
        "thanks": "Thank you for the report. " * 6,
        "actions": actions,
        "findings": "The report also notes:",
        "positive": [f.text for f in report.strengths[:4]],
        "assurance": "I am assured that the region will oversee these actions. " * 3,
        "signatory": "Area Executive Director",
        "cc": "cc: Private Office",
    }


def timed_runs(
    command: list[str], repeat: int, before: Callable[[], None] | None = None
) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system, which a busy
    machine disturbs far less) of ``repeat`` runs after one warm-up."""
    walls, cpus = [], []
    for attempt in range(repeat + 1):
        if before is not None:
            before()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if attempt:  # the first run only warms the disk cache and .pyc files
            walls.append(wall)
            cpus.append(after.ru_utime - usage.ru_utime + after.ru_stime - usage.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def show(label: str, figures: tuple[float, float]) -> None:
    print(f"  {label:<52} {figures[0]:.3f} s wall, {figures[1]:.3f} s CPU")


def drafter_command() -> list[str]:
    found = shutil.which("drafter", path=str(Path(sys.executable).parent)) or shutil.which(
        "drafter"
    )
    return [found] if found else [sys.executable, "-m", "drafter"]


def warm_split(library: Library, report_path: Path, out: Path) -> dict[str, float]:
    times = {}
    started = time.perf_counter()
    report = read_report(report_path)
    times["read"] = time.perf_counter() - started
    started = time.perf_counter()
    matches = match_report(report, library)
    times["match"] = time.perf_counter() - started
    started = time.perf_counter()
    data = render_letter(build_plan(report, matches), letter_date=LETTER_DATE)
    times["plan+render"] = time.perf_counter() - started
    started = time.perf_counter()
    atomic_write_bytes(out, data, force=True)
    times["write"] = time.perf_counter() - started
    times["total"] = sum(times.values())
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    drafter = drafter_command()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        out = folder / "letter.docx"
        cache = folder / "cache"
        env_base = {**os.environ, "DRAFTER_CACHE_DIR": str(cache)}
        # As installed for a user, Python keeps compiled modules (.pyc); some
        # shells set PYTHONDONTWRITEBYTECODE, which would make every run compile
        # drafter afresh and measure the compiler, not drafter.
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

        def run_env(url: str) -> None:
            os.environ.update(env_base)
            os.environ["DRAFTER_DB"] = url

        def draft(report: Path) -> list[str]:
            return [*drafter, "draft", str(report), "-o", str(out), "--force"]

        starter = make_library(folder, None)
        big = make_library(folder, args.size)
        run_env(starter)
        print(f"Whole processes, median of {args.repeat} after a warm-up:")
        help_time = timed_runs([*drafter, "--help"], args.repeat)
        show("drafter --help", help_time)
        seed_time = timed_runs(draft(SEED_REPORT), args.repeat)
        show("drafter draft, real seed report, starter library", seed_time)
        context = folder / "context.json"
        context.write_text(json.dumps(docxtpl_context(SEED_REPORT, starter)), encoding="utf-8")
        script = folder / "render.py"
        script.write_text(DOCXTPL_SCRIPT, encoding="utf-8")
        template = docxtpl_template(folder)
        tpl_time = timed_runs(
            [sys.executable, str(script), str(template), str(context), str(folder / "tpl.docx")],
            args.repeat,
        )
        show("docxtpl script rendering a letter of that size", tpl_time)
        print(
            f"  {'ratio drafter / docxtpl':<52} {seed_time[0] / tpl_time[0]:.2f}x wall, "
            f"{seed_time[1] / tpl_time[1]:.2f}x CPU"
        )
        run_env(big)
        count = Library(big, auto_starter=False).count()

        def empty_cache() -> None:
            shutil.rmtree(cache / "index", ignore_errors=True)

        show(
            f"drafter draft, {count:,}-action library, cold",
            timed_runs(draft(SEED_REPORT), args.repeat, before=empty_cache),
        )
        show(
            f"drafter draft, {count:,}-action library, warm",
            timed_runs(draft(SEED_REPORT), args.repeat),
        )

        print("\nIn one process, a warm draft of each report (median):")
        for label, url in (("starter library", starter), (f"{count:,} actions", big)):
            library = Library(url, auto_starter=False)
            for report in (SEED_REPORT, SAMPLE):
                warm_split(library, report, out)  # builds or loads the matcher once
                splits = [warm_split(library, report, out) for _ in range(args.repeat)]
                median = {k: statistics.median(s[k] for s in splits) for k in splits[0]}
                print(
                    f"  {label}, {report.name}: {median['total']:.3f} s "
                    f"(read {median['read']:.3f}, match {median['match']:.3f}, "
                    f"plan+render {median['plan+render']:.3f}, write {median['write']:.3f})"
                )


if __name__ == "__main__":
    main()
