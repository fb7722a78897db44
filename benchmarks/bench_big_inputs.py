"""Big inputs: a 40,000-line ``drafter match --from-file`` and a 45 MB web page.

Each runs the real command line in a subprocess (with the starter library in
a fresh SQLite database) and prints its wall-clock time, CPU time and peak
memory (maximum resident set size of the child). The match runs twice: as
drafter chooses (a second process shares the work on a machine with a second
core) and pinned to one core (all in one process), with the load average
before, since other work on the machine slows the first.

* The recommendations file holds 40,000 lines recombined from phrases in the
  style of inspection recommendations (verbs, subjects, qualifiers, places):
  most lines are different, and the file stays under the 2 MB limit for
  ``--from-file``. ``--distinct`` prints how many are different.
* The web page is 45 MB of report-like markup (the sample report followed by
  many appendix paragraphs and tables). By default drafter refuses a web page
  over 10 MB with a note on ``--max-mb``; the figure printed is that refusal.
  ``--read-anyway`` also times reading it with ``--max-mb 50`` (minutes).

Usage: python benchmarks/bench_big_inputs.py [--lines 40000] [--read-anyway]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "samples" / "ashvale_pdu_2025.html"

VERBS = [
    "Improve",
    "Ensure",
    "Strengthen",
    "Review",
    "Develop",
    "Embed",
    "Increase",
    "Reduce",
    "Monitor",
    "Deliver",
    "Prioritise",
    "Audit",
    "Extend",
    "Resource",
    "Evaluate",
    "Plan",
]
SUBJECTS = [
    "risk assessments",
    "caseloads",
    "management oversight",
    "staff training",
    "partnership work",
    "unpaid work",
    "domestic abuse checks",
    "safeguarding checks",
    "induction of new officers",
    "court reports",
    "interventions",
    "accommodation support",
    "sentence plans",
    "home visits",
    "police information sharing",
    "countersigning",
    "staff wellbeing",
    "workload measures",
    "MAPPA referrals",
    "OASys reviews",
    "victim contact",
    "ETE provision",
    "drug testing",
    "CRS referrals",
    "recall decisions",
    "breach processes",
    "licence conditions",
    "diversity data",
    "case allocation",
    "supervision quality",
]
QUALIFIERS = [
    "for women",
    "for young adults",
    "after release",
    "before sentence",
    "in custody",
    "at court",
    "in the community",
    "for high-risk cases",
    "for new staff",
    "",
    "",
]
PLACES = ["in every team", "across the region", "in the PDU", "with partners", "by 2026", "", ""]


def recommendations(count: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        words = [
            rng.choice(VERBS),
            rng.choice(SUBJECTS),
            rng.choice(QUALIFIERS),
            rng.choice(PLACES),
        ]
        lines.append(" ".join(w for w in words if w))
    return lines


def big_page(path: Path, megabytes: int) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    head, _, _ = text.rpartition("</body>")
    filler = "".join(
        f"<p>Appendix paragraph {i}: evidence on casework quality, supervision and partnership "
        f"work in the unit.</p><table><tr><td>Row {i}</td><td>{i % 97}%</td></tr></table>\n"
        for i in range(2000)
    )
    with path.open("w", encoding="utf-8") as handle:
        handle.write(head)
        written = len(head)
        while written < megabytes * 1024 * 1024:
            handle.write(filler)
            written += len(filler)
        handle.write("</body></html>\n")


def run(
    args: list[str], env: dict[str, str], cwd: Path, *, one_core: bool = False
) -> tuple[float, float, float, int, str]:
    """(wall seconds, CPU seconds, peak MB, exit code, last line of stderr) of
    ``drafter ARGS``; CPU time and peak memory are the child's own (os.wait4,
    which includes a second process it forks and waits for). On a shared
    machine CPU time is the steadier figure. ``one_core`` pins the child to
    one core, so drafter does all the work in one process."""
    command = [sys.executable, "-c", "from drafter.cli.commands import main; main()", *args]
    pin = None
    if one_core:
        first = min(os.sched_getaffinity(0))

        def pin() -> None:
            os.sched_setaffinity(0, {first})

    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as errors:
        child = subprocess.Popen(
            command,
            env=env,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            text=True,
            preexec_fn=pin,
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        errors.seek(0)
        lines = errors.read().strip().splitlines()
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, child.returncode, lines[-1] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=40_000)
    parser.add_argument("--megabytes", type=int, default=45)
    parser.add_argument("--read-anyway", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        env = {
            **os.environ,
            "DRAFTER_DB": f"sqlite:///{work / 'drafter.db'}",
            "PYTHONPATH": str(REPO),
        }
        env.pop("DRAFTER_CONFIG", None)
        run(["library", "list", "--limit", "1"], env, work)  # load the starter library

        lines = recommendations(options.lines)
        recs = work / "recommendations.txt"
        recs.write_text("\n".join(lines) + "\n", encoding="utf-8")
        size = recs.stat().st_size / 1_048_576
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        ways = [(False, "")]
        if hasattr(os, "sched_setaffinity"):
            ways.append((True, " in one process (one core)"))
        for one_core, how in ways:
            seconds, cpu, peak, code, last = run(
                ["match", "--from-file", str(recs), "--json"], env, work, one_core=one_core
            )
            print(
                f"match --from-file --json{how}: {len(lines):,} lines "
                f"({len(set(lines)):,} different, {size:.2f} MB): {seconds:.1f} s wall, "
                f"{cpu:.1f} s CPU, peak {peak:.0f} MB, exit {code}" + (f" ({last})" if code else "")
            )

        page = work / "big.html"
        big_page(page, options.megabytes)
        size = page.stat().st_size / 1_048_576
        seconds, cpu, peak, code, last = run(["inspect", str(page)], env, work)
        print(
            f"inspect {size:.1f} MB web page (default limits): {seconds:.2f} s wall, "
            f"{cpu:.2f} s CPU, peak {peak:.0f} MB, exit {code}: {last}"
        )
        if options.read_anyway:
            seconds, cpu, peak, code, last = run(
                ["inspect", str(page), "--max-mb", "50"], env, work
            )
            print(
                f"inspect {size:.1f} MB web page with --max-mb 50: {seconds:.1f} s wall, "
                f"{cpu:.1f} s CPU, peak {peak:.0f} MB, exit {code}"
            )


if __name__ == "__main__":
    main()
