"""Run drafter's command line with writing made to fail, as on a full disk
or a read-only drive: ``python _failing_disk.py ERRNO ARGS...``.

Every file drafter writes goes through one way out, which flushes its
temporary file with ``os.fsync`` before renaming it into place; making that
call fail with ``ERRNO`` is what a full disk does to a write. SQLite flushes
through its own C code, so the database is unaffected.
"""

import os
import sys


def main() -> None:
    code = int(sys.argv[1])
    del sys.argv[1]

    def failing_fsync(fd: int) -> None:
        raise OSError(code, os.strerror(code))

    os.fsync = failing_fsync
    from drafter.cli.commands import main as drafter_main

    sys.argv[0] = "drafter"
    drafter_main()


if __name__ == "__main__":
    main()
