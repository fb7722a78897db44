"""The ``drafter`` command line: click commands over the library API, and the words they print."""

from drafter.cli.commands import cli, main

__all__ = ["cli", "main"]
