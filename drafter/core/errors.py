"""Errors that are the user's to fix.

Every failure a civil servant can cause (a missing file, a bad row, a locked
database) is raised as a :class:`DrafterError` with a plain-English message
that says what to do. The CLI prints it on one line and exits non-zero; any
other exception is a bug in drafter.
"""

from __future__ import annotations


class DrafterError(Exception):
    """A problem the user can fix. ``str(error)`` is the one-line message."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if not hint else f"{message} {hint}")


class InputFileError(DrafterError):
    """A file given to drafter cannot be read (missing, empty, too big, corrupt)."""


class NotAReportError(InputFileError):
    """The document reads fine but is not an HMI Probation inspection report."""


class NotALetterError(InputFileError):
    """The document reads fine but is not a response letter (an inspection
    report, minutes): it is never archived as one."""


class ArchiveRefusedError(DrafterError):
    """``archive`` will not store this letter as it is: ``reasons`` lists each
    (kind, sentence), kind one of "placeholders", "other unit", "not a letter".
    The caller may archive it anyway (``force``)."""

    def __init__(self, name: str, reasons: list[tuple[str, str]], *, hint: str) -> None:
        self.name = name
        self.reasons = reasons
        self.kinds = [kind for kind, _ in reasons]
        super().__init__(
            f"'{name}' was not archived: {'; and '.join(text for _, text in reasons)}.",
            hint=hint,
        )


class LibraryError(DrafterError):
    """The action library or its database cannot be used as asked."""


class DatabaseError(LibraryError):
    """The database is unreachable, locked, or from a newer drafter."""


class ReviewFileError(DrafterError):
    """A review file is malformed; the message names the line."""


class TemplateError(DrafterError):
    """A letter template or letterhead cannot be used."""


class OutputExistsError(DrafterError):
    """Refusing to overwrite a user's file without --force."""


class OutputWriteError(DrafterError):
    """A file could not be written (no such folder, no permission, disk full)."""


class ConfigError(DrafterError):
    """The configuration file is malformed."""


class AnswerError(DrafterError):
    """Answers typed into a form (a web page) that cannot be used.

    ``problems`` maps each field to its one-line message, in the order the
    fields appear, so a page can show every message by its field at once.
    ``str(error)`` is the first message."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        first = next(iter(self.problems.values()), "Check your answers.")
        super().__init__(first)
