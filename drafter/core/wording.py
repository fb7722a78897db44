"""Counting words shared by every front end's messages ("1 action", "3 actions")."""


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """ "1 action", "3 actions", "20,000 actions"; ``plural`` for irregular nouns."""
    return f"{number:,} {noun if number == 1 else (plural or noun + 's')}"
