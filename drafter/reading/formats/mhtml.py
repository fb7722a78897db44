"""The web page inside a browser's single-file save (.mhtml / .mht).

Chrome and Edge save a page with its pictures and styles as one MIME
message ("multipart/related"). The standard library's email parser takes it
apart; the first HTML part is the page itself, which is then read like any
saved web page.
"""

from __future__ import annotations

import email
import email.policy

from drafter.core.errors import InputFileError
from drafter.core.guarded import check_mime_groups


def mhtml_page(data: bytes, name: str = "") -> str:
    """The HTML of the page saved in an MHTML file, decoded to text."""
    check_mime_groups(data, name=f"'{name}'")
    message = email.message_from_bytes(data, policy=email.policy.default)
    parts = message.walk() if message.is_multipart() else iter([message])
    for part in parts:
        if part.get_content_type() != "text/html":
            continue
        try:
            content = part.get_content()
        except (LookupError, ValueError) as exc:  # unknown charset, broken encoding
            payload = part.get_payload(decode=True) or b""
            try:
                content = payload.decode("cp1252")
            except UnicodeDecodeError:
                raise InputFileError(
                    f"The web page saved in '{name}' cannot be decoded.",
                    hint="Open it in your browser and save it again as 'Webpage, HTML only'.",
                ) from exc
        if isinstance(content, bytes):
            content = content.decode("utf-8", errors="replace")
        return content
    raise InputFileError(
        f"'{name}' is a saved web archive (.mhtml) with no web page inside.",
        hint="Open the report in your browser and save it again.",
    )
