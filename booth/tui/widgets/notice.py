"""A one-line message under a form: an error, a confirmation or a hint."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual.widgets import Static

Kind = Literal["error", "ok", "info", "busy"]


class Notice(Static):
    """Text whose colour says what kind of message it is."""

    message: str = ""
    kind: Kind = "info"

    def say(self, message: str, kind: Kind = "info") -> None:
        """Show `message` as plain text (never markup: it may echo what was typed)."""
        self.message = message
        self.kind = kind
        for name in ("error", "ok", "info", "busy"):
            self.set_class(name == kind, name)
        self.update(Text(message))

    def clear(self) -> None:
        """Show nothing."""
        self.say("", "info")
