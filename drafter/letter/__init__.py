"""Drafting the response letter: the plan, the templates, the Word document and the settings."""

from drafter.core.lazy import lazy_exports

_WHERE = {
    "Config": "settings",
    "DraftResult": "drafting",
    "LetterPreview": "preview",
    "docx_to_pdf": "pdf",
    "pdf_available": "pdf",
    "preview_letter": "preview",
    "save_settings": "settings",
    "Signatory": "settings",
    "build_plan": "plan",
    "compose_letter": "document",
    "draft_batch": "drafting",
    "draft_letter": "drafting",
    "load_config": "settings",
    "render_action_plan": "document",
    "render_letter": "document",
}
__all__ = sorted(_WHERE)
__getattr__, __dir__ = lazy_exports("drafter.letter", _WHERE)
