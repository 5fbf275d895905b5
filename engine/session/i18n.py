"""Translation of the session layer's user-visible words without importing Qt.

Text that the window shows (lesson texts, debugger rows, form messages) is written in English
and marked where it is defined: `translate(context, text)` where it is used, or
`QT_TRANSLATE_NOOP(context, text)` for constants that are translated later. Qt's `lupdate`
finds both by name. The window installs Qt's translator function with `install()`; until then
(and always in the headless command) the English text is returned unchanged.
"""
from __future__ import annotations

from typing import Callable

_translator: Callable[[str, str], str] | None = None


def install(translator: Callable[[str, str], str] | None) -> None:
    """Route translate() through `translator(context, text)` (None: back to English)."""
    global _translator
    _translator = translator


def translate(context: str, text: str) -> str:
    return text if _translator is None else _translator(context, text)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    """Marks a constant for translation; translate(context, constant) translates it where shown."""
    return text
