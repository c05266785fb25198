"""One gettext-style entry point for every user-visible sentence.

Source strings are English; a Spanish catalogue can be installed later with
`install(translations)` without touching screens or commands.
"""

from __future__ import annotations

import gettext

_translations: gettext.NullTranslations = gettext.NullTranslations()


def install(translations: gettext.NullTranslations) -> None:
    """Use `translations` for every later call of `_`."""
    global _translations
    _translations = translations


def _(message: str) -> str:
    """Translate `message` (English source text)."""
    return _translations.gettext(message)
