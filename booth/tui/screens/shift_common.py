"""What the shift dialogs share: the context, database calls off the UI thread, messages."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from textual.screen import ModalScreen
from textual.widgets import Static

from booth.core.db import describe_operational_error
from booth.core.errors import BoothError
from booth.tui.context import BoothContext

T = TypeVar("T")
R = TypeVar("R")

AMOUNT_CHARS = r"[0-9.,$ ]*"

DIALOG_CSS = """
{name} {{
    align: center middle;
}}
{name} > #dialog {{
    width: 64;
    max-width: 100%;
    height: auto;
    max-height: 100%;
    border: thick $primary;
    background: $surface;
    padding: 1 2;
}}
{name} .title {{
    text-style: bold;
    width: 100%;
    content-align: center middle;
    margin-bottom: 1;
}}
{name} .hint {{
    color: $text-muted;
}}
{name} .message {{
    margin-top: 1;
    height: auto;
}}
{name} .message.error {{
    color: $error;
    text-style: bold;
}}
{name} .keys {{
    margin-top: 1;
    color: $text-muted;
}}
"""


def dialog_css(name: str, extra: str = "") -> str:
    """The shared dialog look for screen class `name`, plus its own rules."""
    return DIALOG_CSS.format(name=name) + extra


class Failed:
    """Marks a database call that was refused (its sentence is already on screen)."""


FAILED = Failed()


class ShiftDialog(ModalScreen[T]):
    """A modal shift dialog working on the booth's context."""

    # Focus is given once the dialog knows what to show (after its first database read).
    AUTO_FOCUS = None

    def __init__(self, ctx: BoothContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.busy = False

    def say(self, text: str, *, error: bool = False) -> None:
        """Show one sentence in the dialog's `#message` line."""
        message = self.query_one("#message", Static)
        message.update(text)
        message.set_class(error, "error")

    async def call(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R | Failed:
        """Run a core call in a thread; a person's mistake becomes the on-screen sentence."""
        try:
            return await asyncio.to_thread(fn, *args, **kwargs)
        except BoothError as exc:
            self.say(exc.message, error=True)
        except SQLAlchemyError as exc:
            self.say(describe_operational_error(exc, self.ctx.target), error=True)
        return FAILED
