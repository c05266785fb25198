"""The shift keys of the booth screen, for the app to bind.

F6 cash movement, F7 X report, F9 shift: close the own open shift, or open
one when the attendant has none (e.g. after choosing "later" at login).
"""

from __future__ import annotations

from textual.screen import ModalScreen

from booth.core import shifts
from booth.tui.context import BoothContext
from booth.tui.screens.shift_close import ShiftCloseScreen
from booth.tui.screens.shift_movement import CashMovementScreen
from booth.tui.screens.shift_open import ShiftOpenScreen
from booth.tui.screens.shift_reports import XReportScreen

SHIFT_KEYS = {"f6": "cash_movement", "f7": "x_report", "f9": "shift"}


def f9_screen(ctx: BoothContext) -> ModalScreen[int | None]:
    """Close the own open shift at this booth, else open one (or show whose shift blocks it)."""
    state = shifts.shift_state(ctx.engine, who=ctx.require_user())
    if state.own is not None:
        return ShiftCloseScreen(ctx)
    return ShiftOpenScreen(ctx)


def f6_screen(ctx: BoothContext) -> CashMovementScreen:
    """Record a cash drop, paid-out or cash in."""
    return CashMovementScreen(ctx)


def f7_screen(ctx: BoothContext) -> XReportScreen:
    """The X report of the own open shift."""
    return XReportScreen(ctx)
