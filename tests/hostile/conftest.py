"""The hostile-input suite: every command that reads or writes a file, given
files made to hurt it (and destinations it cannot write), must answer with
one plain line on stderr and a non-zero exit, within a time limit and under a
memory limit.

Each case runs the real command line in a subprocess with ``resource``
limits: RLIMIT_AS caps its address space (so a file that expands to
gigabytes fails the test instead of the machine) and a wall-clock timeout
stops it. Files are small and generated in ``tmp_path``; "big" files are
sparse, so the suite stays fast and parallel-safe.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE_REPORT = REPO / "samples" / "ashvale_pdu_2025.html"
#: The address space each command may use: generous for drafter (about
#: 0.5 GB with numpy, SQLAlchemy and lxml loaded), far below what the
#: hostile files would take unguarded (2.7 GB and more).
MEMORY_LIMIT = 1536 * 1024 * 1024
#: Seconds each command may run. Hostile templates stop at 5 s of
#: rendering; everything else answers in one or two. The margin is for a
#: busy machine, not for drafter.
TIME_LIMIT = 60

#: Run the command line with a simulated operating-system error on writing:
#: ``python RUNNER ERRNO drafter-args...`` makes every write of a file's
#: content (os.fsync, which drafter's one way out always calls) fail with that
#: errno, as a full disk or a read-only drive would.
RUNNER = Path(__file__).with_name("_failing_disk.py")


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def _limits() -> None:
    import resource
    import signal

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def run_limited(
    args: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    failing_errno: int | None = None,
    stdin: str = "",
) -> Outcome:
    """Run ``drafter ARGS`` in a subprocess under the memory and time limits."""
    if failing_errno is None:
        command = [sys.executable, "-c", "from drafter.cli.commands import main; main()", *args]
    else:
        command = [sys.executable, str(RUNNER), str(failing_errno), *args]
    started = time.monotonic()
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=TIME_LIMIT,
            preexec_fn=_limits,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"drafter {' '.join(args)} ran for more than {TIME_LIMIT} s")
    return Outcome(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


def assert_plain_refusal(outcome: Outcome, *words: str) -> None:
    """Non-zero exit (not killed by a signal), exactly one plain line on
    stderr, no traceback, and the line says what is wrong."""
    assert outcome.returncode > 0, (
        f"exit {outcome.returncode}\nstdout: {outcome.stdout[-2000:]}\n"
        f"stderr: {outcome.stderr[-3000:]}"
    )
    assert "Traceback" not in outcome.stderr, outcome.stderr[-3000:]
    assert len(outcome.lines) == 1, outcome.stderr[-3000:]
    line = outcome.lines[0]
    assert line.startswith("Error: "), line
    assert len(line) < 600, line
    for word in words:
        assert word.lower() in line.lower(), line


@pytest.fixture(scope="session")
def library_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the starter library, made once and copied per test."""
    folder = tmp_path_factory.mktemp("hostile-db")
    path = folder / "drafter.db"
    from drafter.library.store import Library

    library = Library(f"sqlite:///{path}", auto_starter=False)
    library.init()
    library.db.dispose()
    return path


@pytest.fixture
def hostile(tmp_path: Path, library_template: Path):
    """Run drafter commands in ``tmp_path`` with their own database, settings
    folder and home, so nothing outside the test is read or written."""
    work = tmp_path / "work"
    work.mkdir()
    db = tmp_path / "drafter.db"
    shutil.copy(library_template, db)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DRAFTER_") and key not in ("EDITOR", "VISUAL")
    }
    env.update(
        DRAFTER_DB=f"sqlite:///{db}",
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "home" / ".config"),
        XDG_DATA_HOME=str(tmp_path / "home" / ".local" / "share"),
        PYTHONPATH=str(REPO),
        OPENBLAS_NUM_THREADS="1",
    )

    class Runner:
        folder = work

        def __call__(
            self, *args: str, failing_errno: int | None = None, stdin: str = ""
        ) -> Outcome:
            return run_limited(
                [str(a) for a in args], cwd=work, env=env, failing_errno=failing_errno, stdin=stdin
            )

    return Runner()
