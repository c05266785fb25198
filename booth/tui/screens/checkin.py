"""Check-in (F2): plate, inferred vehicle type, Enter; the ticket code on screen."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from sqlmodel import Session
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from booth.core import lot, plates, stays
from booth.core.audit import SignedIn
from booth.core.db import run_read
from booth.core.errors import Refused
from booth.core.i18n import _
from booth.tui.context import BoothContext
from booth.tui.labels import type_label
from booth.tui.problems import EXPECTED_ERRORS, describe
from booth.tui.screens.dashboard import search_key
from booth.tui.widgets.notice import Kind, Notice
from booth.tui.widgets.occupancy import OccupancyBar
from booth.tui.widgets.type_picker import TypePicker
from booth.tui.workers import deliver

PLATE_FIELD_MAX = 12  # a plate has at most 8 symbols; room for spaces and dashes


@dataclass(frozen=True)
class LotView:
    """Lot name and spaces, for the header and the type picker."""

    name: str
    occupancy: dict[str, tuple[int, int]]

    @property
    def free(self) -> dict[str, int | None]:
        """Free spaces per type; None where the lot takes none of that type."""
        return {
            code: (max(0, cap - used) if cap > 0 else None)
            for code, (used, cap) in self.occupancy.items()
        }


@dataclass(frozen=True)
class Confirmation:
    """What the attendant reads back after a check-in."""

    plate: str
    vehicle_type: str
    entered: str
    ticket: str


def _lot_view(session: Session) -> LotView:
    return LotView(name=lot.get_settings(session).name, occupancy=stays.occupancy(session))


class CheckInScreen(Screen[None]):
    """Check vehicles in, one after the other, without leaving the plate field."""

    AUTO_FOCUS = "#plate"
    BINDINGS = [
        Binding("escape", "back", _("Dashboard"), key_display="Esc", priority=True),
        # Priority: the plate field (a scrollable widget) would otherwise claim the arrows.
        Binding("down", "change_type(1)", _("Type"), key_display="↑↓", priority=True),
        Binding("up", "change_type(-1)", _("Type"), show=False, priority=True),
    ]

    def __init__(self, ctx: BoothContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.type_chosen = False  # the attendant overrode the inferred type
        self.busy = False
        self.pending: tuple[str, bool, str] | None = None  # field text, chosen?, type

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Static(_("Check-in"), id="top-title")
            yield Static(_("Booth {booth}").format(booth=self.ctx.booth), id="top-who")
        yield OccupancyBar(id="occupancy")
        with Horizontal(classes="form-row"):
            yield Label(_("Plate"), classes="form-label")
            yield Input(id="plate", max_length=PLATE_FIELD_MAX)
        with Horizontal(classes="form-row short"):
            yield Label(_("Type"), classes="form-label")
            yield TypePicker(id="type-picker")
        yield Notice(id="checkin-message")
        confirmation = Static(id="confirmation")
        confirmation.border_title = _("Last check-in")
        confirmation.display = False
        yield confirmation
        yield Static(_("Enter: check in · ↑↓: change type · Esc: dashboard"), classes="hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._load_lot()

    @work(thread=True, exclusive=True, group="checkin-lot")
    def _load_lot(self) -> None:
        try:
            view = run_read(self.ctx.engine, _lot_view)
        except EXPECTED_ERRORS as exc:
            deliver(self, self._say, describe(exc, self.ctx.target), "error")
            return
        deliver(self, self._show_lot, view)

    def _show_lot(self, view: LotView) -> None:
        self.query_one(OccupancyBar).show(view.occupancy)
        self.query_one(TypePicker).set_free(view.free)

    def _say(self, message: str, kind: Kind) -> None:
        self.query_one("#checkin-message", Notice).say(message, kind)

    @on(Input.Changed, "#plate")
    def _plate_changed(self, event: Input.Changed) -> None:
        if not event.value.strip():
            self.type_chosen = False  # an empty field starts the next car afresh
        if not self.type_chosen:
            self.query_one(TypePicker).selected = plates.infer_vehicle_type(search_key(event.value))

    def action_change_type(self, delta: int) -> None:
        """Up/Down: another vehicle type than the one the plate suggests."""
        self.query_one(TypePicker).step(delta)
        self.type_chosen = True

    def action_back(self) -> None:
        """Esc: back to the dashboard."""
        self.app.pop_screen()

    @on(Input.Submitted, "#plate")
    def submit(self) -> None:
        """Enter: check the plate in (one transaction, in a worker)."""
        if self.busy:
            return
        try:
            plate = plates.normalise_plate(self.query_one("#plate", Input).value)
        except Refused as exc:
            self._refused(exc.message)
            return
        user = self.ctx.user
        if user is None:
            return  # locked meanwhile
        self.busy = True
        field = self.query_one("#plate", Input)
        # Cleared now, so the next plate can be typed while this one is written.
        self.pending = (field.value, self.type_chosen, self.query_one(TypePicker).selected)
        field.value = ""
        self._say(_("Checking in {plate}…").format(plate=plate), "busy")
        self._check_in(user, plate, self.pending[2])

    @work(thread=True, exclusive=True, group="checkin")
    def _check_in(self, user: SignedIn, plate: str, vehicle_type: str) -> None:
        ctx = self.ctx
        try:
            done = stays.check_in(
                ctx.engine, clock=ctx.clock, who=user, plate=plate, vehicle_type=vehicle_type
            )
        except EXPECTED_ERRORS as exc:
            deliver(self, self._refused, describe(exc, ctx.target))
            return
        stay = done.stay

        def after(session: Session) -> tuple[LotView, str]:
            return _lot_view(session), stays.local_label(lot.get_settings(session), stay.entered_at)

        view: LotView | None
        try:
            view, entered = run_read(ctx.engine, after)
        except EXPECTED_ERRORS:
            # The check-in is written; only the read-back failed.
            view, entered = None, stay.entered_at.strftime("%Y-%m-%d %H:%M UTC")
        confirmation = Confirmation(
            plate=stay.plate,
            vehicle_type=stay.vehicle_type,
            entered=entered,
            ticket=plates.format_ticket(stay.ticket_code),
        )
        deliver(self, self._checked_in, confirmation, view)

    def _refused(self, message: str) -> None:
        self.busy = False
        self._say(message, "error")
        field = self.query_one("#plate", Input)
        if self.pending is not None and not field.value:
            text, chosen, vehicle_type = self.pending
            self.type_chosen = chosen
            self.query_one(TypePicker).selected = vehicle_type
            field.value = text
            field.action_end()  # keep typing where the attendant left off
        self.pending = None
        self.query_one("#confirmation", Static).display = False
        self.query_one("#plate", Input).focus()

    def _checked_in(self, confirmation: Confirmation, view: LotView | None) -> None:
        self.busy = False
        self.pending = None
        self._say(_("{plate} checked in.").format(plate=confirmation.plate), "ok")
        text = Text()
        text.append(confirmation.plate, style="bold")
        text.append("  ·  " + type_label(confirmation.vehicle_type))
        text.append("  ·  " + confirmation.entered + "\n")
        text.append(_("Ticket") + "  ")
        text.append(confirmation.ticket, style="bold reverse")
        box = self.query_one("#confirmation", Static)
        box.update(text)
        box.display = True
        self.query_one("#plate", Input).focus()
        if view is not None:
            self._show_lot(view)
