"""F9: count the drawer, see expected vs counted, confirm, close the shift, show the Z report.

Dismisses with the id of the closed shift (after its Z report is closed), or
None when nothing was closed.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import Input, Static

from booth.core import shift_reports, shifts
from booth.core.errors import Refused
from booth.core.i18n import _
from booth.core.money import format_cop
from booth.tui.context import BoothContext
from booth.tui.screens.shift_common import AMOUNT_CHARS, Failed, ShiftDialog, dialog_css
from booth.tui.screens.shift_reports import ZReportScreen


def denomination_id(denom: shifts.Denomination) -> str:
    """The id of the input for one bill or coin."""
    return f"count-{denom.key}"


class ShiftCloseScreen(ShiftDialog[int | None]):
    """Close the signed-in attendant's open shift at this booth."""

    DEFAULT_CSS = dialog_css(
        "ShiftCloseScreen",
        """
        ShiftCloseScreen #count, ShiftCloseScreen #review { height: auto; }
        ShiftCloseScreen #denominations {
            grid-size: 4;
            grid-columns: 16 10 16 10;
            grid-rows: 1;
            grid-gutter: 0 1;
            height: auto;
            margin-top: 1;
        }
        ShiftCloseScreen #denominations Static { content-align: right middle; }
        ShiftCloseScreen #review-text { margin-top: 1; }
        """,
    )
    BINDINGS = [
        Binding("escape", "back", _("Back")),
        Binding("f2", "denominations", _("Count by bill and coin")),
        Binding("y,Y", "confirm", _("Close the shift"), show=False),
    ]

    def __init__(self, ctx: BoothContext) -> None:
        super().__init__(ctx)
        self.shift_id: int | None = None
        self.counted: int | None = None
        self.counts: dict[str, int] | None = None
        self.expected_seen: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(_("Close your shift"), classes="title", id="title")
            with Vertical(id="count"):
                yield Static(_("Count the cash in the drawer and type the total."), classes="hint")
                yield Input(
                    placeholder=_("Counted cash, e.g. 152000"),
                    restrict=AMOUNT_CHARS,
                    max_length=20,
                    id="counted",
                )
                with Grid(id="denominations"):
                    for denom in shifts.DENOMINATIONS:
                        yield Static(denom.label)
                        yield Input(
                            placeholder="0",
                            restrict=r"[0-9]*",
                            max_length=6,
                            compact=True,
                            id=denomination_id(denom),
                        )
                yield Static(
                    _("Enter: review   F2: count by bill and coin   Esc: cancel"), classes="keys"
                )
            with Vertical(id="review"):
                yield Static("", id="review-text", markup=False)
                yield Static(_("Y: close the shift   Esc: back to the count"), classes="keys")
            yield Static("", classes="message", id="message")
            yield Static(_("Esc: back"), classes="keys", id="leave-keys")

    def on_mount(self) -> None:
        self.query_one("#count").display = False
        self.query_one("#review").display = False
        self.query_one("#denominations").display = False
        self.load()

    @property
    def step(self) -> str:
        if self.query_one("#review").display:
            return "review"
        if self.query_one("#count").display:
            return "count"
        return "none"

    @work(exclusive=True, group="shift-close")
    async def load(self) -> None:
        """Find the own open shift; without one, say so and offer only Esc."""
        state = await self.call(shifts.shift_state, self.ctx.engine, who=self.ctx.require_user())
        if isinstance(state, Failed):
            return
        if state.own is None:
            self.say(state.message, error=True)
            return
        self.shift_id = state.own.id
        self.query_one("#title", Static).update(_("Close shift {id}").format(id=self.shift_id))
        self.query_one("#leave-keys").display = False
        self.query_one("#count").display = True
        self.query_one("#counted", Input).focus()

    # --- counting -----------------------------------------------------------------------

    def action_denominations(self) -> None:
        if self.step != "count":
            return
        grid = self.query_one("#denominations")
        grid.display = not grid.display
        counted = self.query_one("#counted", Input)
        counted.disabled = bool(grid.display)
        if grid.display:
            self.query_one(f"#{denomination_id(shifts.DENOMINATIONS[0])}", Input).focus()
            self.update_total()
        else:
            counted.focus()

    def read_counts(self) -> dict[str, int]:
        """Pieces per denomination as typed (Refused on a bad entry)."""
        return {
            d.key: shifts.parse_pieces(self.query_one(f"#{denomination_id(d)}", Input).value, d)
            for d in shifts.DENOMINATIONS
        }

    @on(Input.Changed, "#denominations Input")
    def update_total(self) -> None:
        try:
            total = shifts.denominations_total(self.read_counts())
        except Refused as exc:
            self.say(exc.message, error=True)
            return
        self.query_one("#counted", Input).value = str(total)
        self.say(_("Total of the bills and coins: {total}").format(total=format_cop(total)))

    @on(Input.Submitted, "#counted")
    @on(Input.Submitted, "#denominations Input")
    def count_entered(self) -> None:
        if not self.busy:
            self.review()

    @work(exclusive=True, group="shift-close")
    async def review(self) -> None:
        """Show expected against counted and the difference; ask for confirmation."""
        self.busy = True
        try:
            if self.query_one("#denominations").display:
                try:
                    counts: dict[str, int] | None = self.read_counts()
                    counted = shifts.denominations_total(counts or {})
                except Refused as exc:
                    self.say(exc.message, error=True)
                    return
            else:
                counts = None
                parsed = await self.call(
                    shifts.parse_amount,
                    self.query_one("#counted", Input).value,
                    what=_("the counted cash"),
                )
                if isinstance(parsed, Failed):
                    return
                counted = parsed
            report = await self.call(
                shift_reports.own_report,
                self.ctx.engine,
                clock=self.ctx.clock,
                who=self.ctx.require_user(),
            )
            if isinstance(report, Failed):
                return
            self.counted, self.counts = counted, counts
            self.expected_seen = report.expected_cash
            difference = counted - report.expected_cash
            width = 34
            lines = [
                shift_reports.pair_line(
                    _("Expected cash"), format_cop(report.expected_cash), width
                ),
                shift_reports.pair_line(_("Counted cash"), format_cop(counted), width),
                shift_reports.pair_line(
                    shift_reports.difference_label(difference), format_cop(difference), width
                ),
                "",
                _("Close shift {id} now? It cannot be reopened.").format(id=self.shift_id),
            ]
            self.query_one("#review-text", Static).update("\n".join(lines))
            self.query_one("#count").display = False
            self.query_one("#review").display = True
            self.set_focus(None)
            self.say("")
        finally:
            self.busy = False

    # --- confirming ---------------------------------------------------------------------

    def action_confirm(self) -> None:
        if self.step == "review" and not self.busy:
            self.close_now()

    @work(exclusive=True, group="shift-close")
    async def close_now(self) -> None:
        """Close the shift, then show its Z report; dismiss when the report is closed."""
        assert self.shift_id is not None
        self.busy = True
        try:
            closed = await self.call(
                shifts.close_shift,
                self.ctx.engine,
                clock=self.ctx.clock,
                who=self.ctx.require_user(),
                shift_id=self.shift_id,
                counted=None if self.counts is not None else self.counted,
                denominations=self.counts,
                expected_seen=self.expected_seen,
            )
            if isinstance(closed, Failed):
                return
            shift_id = closed.id
            self.app.notify(_("Shift {id} closed.").format(id=shift_id))
            self.app.push_screen(
                ZReportScreen(self.ctx, shift_id or 0), lambda _result: self.dismiss(shift_id)
            )
        finally:
            self.busy = False

    def action_back(self) -> None:
        if self.busy:
            return
        if self.step == "review":
            self.query_one("#review").display = False
            self.query_one("#count").display = True
            self.say("")
            focus = (
                f"#{denomination_id(shifts.DENOMINATIONS[0])}"
                if self.query_one("#denominations").display
                else "#counted"
            )
            self.query_one(focus, Input).focus()
            return
        self.dismiss(None)
