"""After login: open the attendant's shift with the opening float, resume it, or wait.

Dismisses with the id of the attendant's open shift at this booth (newly
opened or resumed), or None when they go on without one (check-ins only).
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from booth.core import shifts
from booth.core.i18n import _
from booth.tui.screens.shift_common import AMOUNT_CHARS, Failed, ShiftDialog, dialog_css


class ShiftOpenScreen(ShiftDialog[int | None]):
    """Open a shift (opening float), resume one, or show whose shift blocks this booth."""

    DEFAULT_CSS = dialog_css(
        "ShiftOpenScreen",
        """
        ShiftOpenScreen #open-form, ShiftOpenScreen #blocked { height: auto; }
        ShiftOpenScreen #float { margin-top: 1; }
        """,
    )
    BINDINGS = [
        Binding("escape", "later", _("Later")),
        Binding("f5", "check_again", _("Check again")),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(_("Your shift"), classes="title", id="title")
            with Vertical(id="open-form"):
                yield Static(
                    _(
                        "Count the cash you put in the drawer and type it "
                        "(0 if the drawer is empty)."
                    ),
                    classes="hint",
                )
                yield Input(
                    placeholder=_("Opening float, e.g. 50000"),
                    restrict=AMOUNT_CHARS,
                    max_length=20,
                    id="float",
                )
                yield Static(
                    _("Enter: open the shift   Esc: later (check-ins only)"), classes="keys"
                )
            with Vertical(id="blocked"):
                yield Static("", id="blocked-text")
                yield Static(_("F5: check again   Esc: go on with check-ins only"), classes="keys")
            yield Static("", classes="message", id="message")

    def on_mount(self) -> None:
        self.query_one("#open-form").display = False
        self.query_one("#blocked").display = False
        self.load_state()

    @work(exclusive=True, group="shift-open")
    async def load_state(self) -> None:
        """Resume the own shift, or show the float form or whose shift blocks the booth."""
        state = await self.call(shifts.shift_state, self.ctx.engine, who=self.ctx.require_user())
        if isinstance(state, Failed):
            return
        if state.own is not None:
            self.app.notify(_("Shift {id} resumed.").format(id=state.own.id))
            self.dismiss(state.own.id)
            return
        form = self.query_one("#open-form")
        blocked = self.query_one("#blocked")
        form.display = not state.blocked
        blocked.display = state.blocked
        if state.blocked:
            self.query_one("#title", Static).update(_("Another shift is open here"))
            self.query_one("#blocked-text", Static).update(
                state.message + "\n" + _("Until then you can check vehicles in, not take payments.")
            )
            self.say("")
        else:
            self.query_one("#title", Static).update(_("Open your shift"))
            self.query_one("#float", Input).focus()

    @on(Input.Submitted, "#float")
    def submit_float(self, event: Input.Submitted) -> None:
        if not self.busy:
            self.open_with(event.value)

    @work(exclusive=True, group="shift-open")
    async def open_with(self, typed: str) -> None:
        """Parse the float and open the shift."""
        self.busy = True
        try:
            amount = await self.call(shifts.parse_amount, typed, what=_("the opening float"))
            if isinstance(amount, Failed):
                return
            shift = await self.call(
                shifts.open_shift,
                self.ctx.engine,
                clock=self.ctx.clock,
                who=self.ctx.require_user(),
                opening_float=amount,
            )
            if isinstance(shift, Failed):
                return
            self.app.notify(_("Shift {id} opened.").format(id=shift.id))
            self.dismiss(shift.id)
        finally:
            self.busy = False

    def action_later(self) -> None:
        self.dismiss(None)

    def action_check_again(self) -> None:
        if self.query_one("#blocked").display:
            self.load_state()
