"""The vehicle type of a check-in: inferred from the plate, changed with the arrow keys."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from booth.core.i18n import _
from booth.core.models import VEHICLE_TYPES
from booth.tui.labels import type_label


class TypePicker(Widget):
    """Shows every vehicle type with the chosen one highlighted; not focusable.

    The check-in screen moves the choice with Up/Down while the plate field keeps
    the focus, so the attendant never leaves the keyboard's home row.
    """

    selected: reactive[str] = reactive("car")

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.accepted: dict[str, int] = {}

    def set_free(self, free: dict[str, int | None]) -> None:
        """Free spaces per type (None: the lot does not take that type)."""
        self.accepted = {code: n for code, n in free.items() if n is not None}
        self.refresh()

    def step(self, delta: int) -> str:
        """Move the choice by `delta` (wrapping) and return it."""
        codes = list(VEHICLE_TYPES)
        index = codes.index(self.selected) if self.selected in codes else 0
        self.selected = codes[(index + delta) % len(codes)]
        return self.selected

    def render(self) -> Text:
        text = Text()
        for i, code in enumerate(VEHICLE_TYPES):
            if i:
                text.append(" ")
            label = type_label(code)
            if code in self.accepted:
                label += " " + _("({n} free)").format(n=self.accepted[code])
            elif self.accepted:
                label += " " + _("(not accepted)")
            if code != self.selected:
                label = f" {label} "
            if code == self.selected:
                text.append(f"[{label}]", style="bold reverse")
            elif code in self.accepted or not self.accepted:
                text.append(label)
            else:
                text.append(label, style="dim")
        return text
