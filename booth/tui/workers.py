"""Handing a worker thread's result back to the screen that started it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.dom import DOMNode


def deliver(node: DOMNode, callback: Callable[..., object], *args: Any, **kwargs: Any) -> None:
    """From a worker thread: run `callback` on the UI thread, if `node` is still shown.

    A screen can be gone by the time its worker ends (Ctrl+L or the idle lock
    popped it); then the result is dropped instead of touching removed widgets.
    """
    app = node.app
    if not app.is_running:
        return

    def on_ui_thread() -> None:
        if node.is_attached:
            callback(*args, **kwargs)

    app.call_from_thread(on_ui_thread)
