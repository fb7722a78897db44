"""Server time of each page of 'drafter serve', through Flask's test client
(no network, no browser): the seed report with drafter's starter library.

For each page it prints the median of --repeat requests after one warm-up
request (what a person moving between pages waits for; the warm-up is what
the first visit pays: reading and matching the report, drafting the letter
preview), and the time to upload and read the report (each upload is a new
file, so that one is always cold).

Goals: under 100 ms a page, under 0.5 s to read an uploaded report. Figures
only, no asserts.

Usage: python benchmarks/bench_web.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SEED_REPORT = (
    REPO.parent / "shared" / "seeds" / "inspection_report_redcar_cleveland_middlesbrough_2025.txt"
)


def timed(call) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        os.environ["DRAFTER_DB"] = f"sqlite:///{work / 'drafter.db'}"
        os.environ["DRAFTER_CONFIG"] = str(work / "settings.toml")
        from drafter.web.app import create_app

        app = create_app(work / "data", token="bench")
        client = app.test_client()
        client.get("/?token=bench")
        client.get("/library")  # loads the starter library into the fresh database
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)
        data = SEED_REPORT.read_bytes()

        uploads = []
        for _ in range(max(3, args.repeat // 3)):
            seconds, response = timed(
                lambda: client.post(
                    "/reports",
                    data={"csrf_token": csrf, "report": (io.BytesIO(data), SEED_REPORT.name)},
                    content_type="multipart/form-data",
                )
            )
            assert response.status_code == 302, response.status_code
            uploads.append(seconds)
        report = response.location

        client.post(
            f"{report}/signatory",
            data={"csrf_token": csrf, "name": "A Person", "title": "Area Executive Director"},
        )
        pages = [
            ("start", "/"),
            ("what drafter read", report),
            ("review (recommendation 2)", f"{report}/review/2"),
            ("review, weaker shown", f"{report}/review/1?weaker=1"),
            ("letter preview", f"{report}/letter"),
            ("letter .docx download", f"{report}/letter.docx"),
            ("action plan download", f"{report}/action-plan.docx"),
            ("archive", "/archive"),
            ("commitments", "/commitments"),
            ("library search", "/library?q=countersign"),
            ("library action", "/library/1"),
            ("settings", "/settings"),
        ]
        print(f"drafter serve: server time per page, seed report, starter library "
              f"(median of {args.repeat} after one warm-up)")  # fmt: skip
        print(f"  {'page':<28} {'first (ms)':>11} {'median (ms)':>12}")
        for name, path in pages:
            first, response = timed(lambda path=path: client.get(path))
            assert response.status_code == 200, (path, response.status_code)
            times = [timed(lambda path=path: client.get(path))[0] for _ in range(args.repeat)]
            print(f"  {name:<28} {first * 1000:>11.0f} {statistics.median(times) * 1000:>12.0f}")
        page = client.get(f"{report}/review/2").text
        choice = re.search(r'name="choice" type="radio" value="(use-\d+)"', page).group(1)
        change_from = re.search(r'name="change_from" value="([^"]*)"', page).group(1)
        saves = []
        for _ in range(args.repeat):
            seconds, response = timed(
                lambda: client.post(
                    f"{report}/review/2",
                    data={"csrf_token": csrf, "choice": choice, "change_from": change_from},
                )
            )
            assert response.status_code == 302
            saves.append(seconds)
        print(f"  {'save a review decision':<28} {'':>11} {statistics.median(saves) * 1000:>12.0f}")
        print(
            f"Upload and read the report: median {statistics.median(uploads) * 1000:.0f} ms "
            f"over {len(uploads)} uploads (goal: under 500 ms)."
        )


if __name__ == "__main__":
    main()
