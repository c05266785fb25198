"""F6: a cash drop, paid-out or cash in on the attendant's open shift.

Dismisses with the id of the recorded cash movement, or None when cancelled.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, RadioButton, RadioSet, Static

from booth.core import shift_reports, shifts
from booth.core.i18n import _
from booth.core.money import format_cop
from booth.tui.screens.shift_common import AMOUNT_CHARS, Failed, ShiftDialog, dialog_css

KINDS = ("drop", "payout", "cash_in")


class CashMovementScreen(ShiftDialog[int | None]):
    """Record cash taken out of (drop, paid-out) or put into (cash in) the drawer."""

    DEFAULT_CSS = dialog_css(
        "CashMovementScreen",
        """
        CashMovementScreen #form { height: auto; }
        CashMovementScreen RadioSet { width: 100%; margin-bottom: 1; }
        CashMovementScreen #drawer { margin-bottom: 1; }
        """,
    )
    BINDINGS = [Binding("escape", "cancel", _("Cancel"))]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(_("Cash movement"), classes="title")
            with Vertical(id="form"):
                yield Static("", id="drawer", classes="hint")
                with RadioSet(id="kind"):
                    yield RadioButton(_("Cash drop (to the safe)"), value=True, id="kind-drop")
                    yield RadioButton(_("Paid-out"), id="kind-payout")
                    yield RadioButton(_("Cash in"), id="kind-cash_in")
                yield Static(_("Amount in pesos"), classes="hint")
                yield Input(
                    placeholder=_("e.g. 100000"),
                    restrict=AMOUNT_CHARS,
                    max_length=20,
                    id="amount",
                )
                yield Static(_("Reason"), classes="hint")
                yield Input(
                    placeholder=_("e.g. to the safe, change for the day"),
                    max_length=shifts.REASON_MAX,
                    id="reason",
                )
                yield Static(
                    _("Arrows + Space: kind   Tab: next   Enter: record   Esc: cancel"),
                    classes="keys",
                )
            yield Static("", classes="message", id="message")
            yield Static(_("Esc: back"), classes="keys", id="leave-keys")

    def on_mount(self) -> None:
        self.query_one("#form").display = False
        self.load()

    @work(exclusive=True, group="shift-movement")
    async def load(self) -> None:
        """Show what the drawer should hold; refuse when there is no own open shift."""
        report = await self.call(
            shift_reports.own_report,
            self.ctx.engine,
            clock=self.ctx.clock,
            who=self.ctx.require_user(),
        )
        if isinstance(report, Failed):
            return
        self.query_one("#drawer", Static).update(
            _("Shift {id}: the drawer should hold {cash}.").format(
                id=report.shift_id, cash=format_cop(report.expected_cash)
            )
        )
        self.query_one("#leave-keys").display = False
        self.query_one("#form").display = True
        self.query_one("#kind", RadioSet).focus()

    @property
    def kind(self) -> str:
        pressed = self.query_one("#kind", RadioSet).pressed_button
        return pressed.id.removeprefix("kind-") if pressed and pressed.id else "drop"

    @on(Input.Submitted, "#amount")
    def amount_entered(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    def reason_entered(self) -> None:
        if not self.busy:
            self.record(
                self.kind,
                self.query_one("#amount", Input).value,
                self.query_one("#reason", Input).value,
            )

    @work(exclusive=True, group="shift-movement")
    async def record(self, kind: str, typed_amount: str, reason: str) -> None:
        """Parse and write the movement."""
        self.busy = True
        try:
            amount = await self.call(shifts.parse_amount, typed_amount, what=_("the amount"))
            if isinstance(amount, Failed):
                self.query_one("#amount", Input).focus()
                return
            move = await self.call(
                shifts.record_movement,
                self.ctx.engine,
                clock=self.ctx.clock,
                who=self.ctx.require_user(),
                kind=kind,
                amount=amount,
                reason=reason,
            )
            if isinstance(move, Failed):
                return
            self.app.notify(
                _("{what} of {amount} recorded.").format(
                    what=shifts.movement_label(move.kind), amount=format_cop(move.amount)
                )
            )
            self.dismiss(move.id)
        finally:
            self.busy = False

    def action_cancel(self) -> None:
        self.dismiss(None)
