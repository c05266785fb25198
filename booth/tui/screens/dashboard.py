"""The dashboard: who and where, occupancy, the vehicles inside (live, searchable)."""

from __future__ import annotations

import re

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, Static
from textual.widgets.data_table import CellDoesNotExist
from textual.worker import get_current_worker

from booth.core.i18n import _
from booth.core.lot_status import InsideRow, Snapshot, read_snapshot
from booth.core.money import format_cop
from booth.core.stays import NumberingStatus
from booth.tui.context import BoothContext
from booth.tui.labels import duration, local_time, type_label
from booth.tui.problems import EXPECTED_ERRORS, describe
from booth.tui.widgets.notice import Notice
from booth.tui.widgets.occupancy import OccupancyBar
from booth.tui.workers import deliver


def numbering_warning(status: NumberingStatus | None) -> str:
    """A sentence when invoice numbers run out (at 90 % of the range), else ''."""
    if status is None:
        return _(
            "No invoice numbering is set up: check-out cannot issue invoices. Tell the operator."
        )
    if status.remaining == 0:
        return _(
            "The authorised invoice numbers are used up: check-out is blocked. "
            "The operator must enter the new DIAN authorisation."
        )
    if status.warn:
        return _(
            "{pct} % of the invoice numbers are used ({left} left, last {prefix}{last}): "
            "ask the operator for a new DIAN authorisation."
        ).format(
            pct=(status.total - status.remaining) * 100 // status.total,
            left=status.remaining,
            prefix=status.prefix,
            last=status.range_to,
        )
    return ""


def search_key(text: str) -> str:
    """What was typed in the search box, compared like a plate (no spaces or dashes)."""
    return re.sub(r"[\s\-]", "", text).upper()


class DashboardScreen(Screen[None]):
    """The attendant's home screen after login."""

    AUTO_FOCUS = "#search"
    BINDINGS = [
        Binding("escape", "clear_search", _("Clear search"), show=False),
        Binding("down", "cursor(1)", show=False),
        Binding("up", "cursor(-1)", show=False),
        Binding("pagedown", "cursor(10)", show=False),
        Binding("pageup", "cursor(-10)", show=False),
    ]

    def __init__(self, ctx: BoothContext, *, refresh_seconds: float = 5.0) -> None:
        super().__init__()
        self.ctx = ctx
        self.refresh_seconds = refresh_seconds
        self.snapshot: Snapshot | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Static("", id="top-lot")
            yield Static("", id="top-who")
            yield Static("", id="top-clock")
        yield OccupancyBar(id="occupancy")
        yield Notice(id="numbering-warning")
        with Horizontal(id="search-row"):
            yield Label(_("Search"), id="search-label")
            yield Input(
                id="search", placeholder=_("type a plate or ticket to filter"), max_length=20
            )
        table: DataTable[str | Text] = DataTable(id="inside", cursor_type="row", zebra_stripes=True)
        table.add_column(_("Plate"), key="plate")
        table.add_column(_("Type"), key="type")
        table.add_column(_("Entered"), key="entered")
        table.add_column(_("Inside"), key="inside")
        table.add_column(Text(_("Fee so far"), justify="right"), key="fee")
        yield table
        yield Notice(id="dashboard-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#top-who", Static).update(
            _("Booth {booth} · {user}").format(
                booth=self.ctx.booth, user=self.ctx.user.username if self.ctx.user else ""
            )
        )
        self.query_one("#numbering-warning", Notice).display = False
        self.set_interval(1.0, self._tick, name="clock")
        self.set_interval(self.refresh_seconds, self.reload, name="dashboard-refresh")
        # The first load happens even if a dialog (the shift float) already covers us.
        self._load()

    def on_screen_resume(self) -> None:
        # Back from check-in or check-out: show what they changed at once.
        if self.snapshot is not None:
            self.reload()

    def reload(self) -> None:
        """Read the lot again in a worker (only while this screen is on top)."""
        if self.app.screen is self and self.ctx.user is not None:
            self._load()

    @work(thread=True, exclusive=True, group="dashboard")
    def _load(self) -> None:
        worker = get_current_worker()
        try:
            snapshot = self.ctx_read()
        except EXPECTED_ERRORS as exc:
            if not worker.is_cancelled:
                deliver(self, self._show_problem, describe(exc, self.ctx.target))
            return
        if not worker.is_cancelled:
            deliver(self, self._show, snapshot)

    def ctx_read(self) -> Snapshot:
        """One read-only transaction for the whole dashboard."""
        from booth.core.db import run_read

        user_id = self.ctx.user.user_id if self.ctx.user is not None else None
        now = self.ctx.clock.now()
        return run_read(self.ctx.engine, lambda s: read_snapshot(s, now=now, user_id=user_id))

    def _show_problem(self, message: str) -> None:
        self.query_one("#dashboard-status", Notice).say(message, "error")

    def _show(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.query_one("#top-lot", Static).update(snapshot.lot_name)
        if snapshot.attendant:
            self.query_one("#top-who", Static).update(
                _("Booth {booth} · {user}").format(booth=self.ctx.booth, user=snapshot.attendant)
            )
        self._tick()
        self.query_one(OccupancyBar).show(snapshot.occupancy)
        warning = self.query_one("#numbering-warning", Notice)
        text = numbering_warning(snapshot.numbering)
        warning.say(text, "error")
        warning.display = bool(text)
        self._fill_table()

    def _tick(self) -> None:
        if self.snapshot is None:
            return  # the lot's time zone is not known yet
        now = self.ctx.clock.now().astimezone(self.snapshot.zone)
        self.query_one("#top-clock", Static).update(now.strftime("%Y-%m-%d %H:%M:%S"))

    def visible_rows(self) -> list[InsideRow]:
        """The vehicles inside that match the search box."""
        if self.snapshot is None:
            return []
        key = search_key(self.query_one("#search", Input).value)
        return [
            row for row in self.snapshot.inside if not key or key in row.plate or key in row.ticket
        ]

    def _fill_table(self) -> None:
        if self.snapshot is None:
            return
        table: DataTable[str | Text] = self.query_one("#inside", DataTable)
        current = None
        if table.row_count and table.cursor_row >= 0:
            try:
                current = table.coordinate_to_cell_key(
                    Coordinate(table.cursor_row, 0)
                ).row_key.value
            except CellDoesNotExist:
                current = None
        table.clear()
        rows = self.visible_rows()
        for row in rows:
            table.add_row(
                row.plate,
                type_label(row.vehicle_type),
                local_time(row.entered_at, self.snapshot.zone, self.snapshot.taken_at),
                duration(row.minutes),
                Text(format_cop(row.fee), justify="right"),
                key=row.plate,
            )
        if current is not None:
            for index, row in enumerate(rows):
                if row.plate == current:
                    table.move_cursor(row=index, animate=False)
                    break
        total = len(self.snapshot.inside)
        status = self.query_one("#dashboard-status", Notice)
        if self.query_one("#search", Input).value.strip():
            status.say(
                _("{shown} of {total} vehicles inside match.").format(shown=len(rows), total=total)
            )
        elif total == 1:
            status.say(_("1 vehicle inside."))
        else:
            status.say(_("{total} vehicles inside.").format(total=total))

    @on(Input.Changed, "#search")
    def _search_changed(self) -> None:
        self._fill_table()

    def action_clear_search(self) -> None:
        """Esc: show every vehicle again."""
        self.query_one("#search", Input).value = ""

    def action_cursor(self, delta: int) -> None:
        """Up/Down/PageUp/PageDown move through the table while typing stays in the search."""
        table: DataTable[str] = self.query_one("#inside", DataTable)
        if table.row_count:
            row = min(max(0, table.cursor_row + delta), table.row_count - 1)
            table.move_cursor(row=row, animate=False)
