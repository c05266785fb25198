"""Invoices (F4): today's invoices at this lot, newest first, searchable; Enter opens one."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, Static

from booth.core import receipts, stays
from booth.core.db import describe_operational_error, run_read
from booth.core.errors import BoothError
from booth.core.i18n import _
from booth.core.money import format_cop
from booth.tui.context import BoothContext


class InvoicesScreen(Screen[None]):
    """Today's invoices. Type to filter by number or plate; Enter opens the highlighted one."""

    DEFAULT_CSS = """
    InvoicesScreen { padding: 0 1; }
    InvoicesScreen #invs-title { text-style: bold; width: 1fr; background: $primary; color: $text; padding: 0 1; }
    InvoicesScreen #invs-search { width: 48; margin-top: 1; }
    InvoicesScreen #invs-table { height: 1fr; }
    InvoicesScreen #invs-message { height: auto; }
    InvoicesScreen #invs-message.-error { color: $error; text-style: bold; }
    """

    BINDINGS = [
        Binding("escape", "back", _("Back")),
        Binding("enter", "open", _("Open"), show=True),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(self, ctx: BoothContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.rows: list[receipts.InvoiceRow] = []

    def compose(self) -> ComposeResult:
        yield Label(_("Invoices today, all booths"), id="invs-title")
        yield Input(placeholder=_("Search by number or plate"), id="invs-search", max_length=24)
        yield DataTable(id="invs-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="invs-message")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            _("Number"),
            _("Time"),
            _("Plate"),
            _("Type"),
            _("Min"),
            _("Total"),
            _("Payment"),
            _("Booth"),
            _("Status"),
        )
        self.query_one("#invs-search", Input).focus()
        self._reload()

    def on_screen_resume(self) -> None:
        # Back from an invoice: its print count may have changed.
        if self.rows or self.query_one(DataTable).row_count:
            self._reload()

    def _set_message(self, text: str) -> None:
        msg = self.query_one("#invs-message", Static)
        msg.update(text)
        msg.set_class(bool(text), "-error")

    @work(thread=True, exclusive=True, group="invoices")
    def _reload(self) -> None:
        try:
            rows = receipts.invoices_of_day(self.ctx.engine, clock=self.ctx.clock)
        except (BoothError, SQLAlchemyError) as exc:
            text = (
                exc.message
                if isinstance(exc, BoothError)
                else describe_operational_error(exc, self.ctx.target)
            )
            self.app.call_from_thread(self._set_message, text)
            return
        self.app.call_from_thread(self._loaded, rows)

    def _loaded(self, rows: list[receipts.InvoiceRow]) -> None:
        self.rows = rows
        self._fill()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        search = self.query_one("#invs-search", Input).value
        table.clear()
        for row in self.rows:
            if not row.matches(search):
                continue
            if row.voided:
                status = "ANULADA"
            elif row.print_count:
                status = _("printed x{n}").format(n=row.print_count)
            else:
                status = ""
            table.add_row(
                row.number,
                row.issued,
                row.plate,
                receipts.vehicle_label(row.vehicle_type),
                str(row.minutes),
                format_cop(row.amount),
                receipts.method_label(row.payment_method),
                row.booth,
                status,
                key=str(row.id),
            )
        if not self.rows:
            self._set_message(_("No invoices yet today."))
        elif table.row_count == 0:
            self._set_message(
                _(
                    "No invoice today matches '{text}'; Enter looks the number up on any day."
                ).format(text=search.strip())
            )
        else:
            self._set_message("")

    @on(Input.Changed, "#invs-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._fill()

    @on(Input.Submitted, "#invs-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_open()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_move(self, delta: int) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + delta)))

    def action_back(self) -> None:
        self.dismiss()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            if key is not None:
                self._open(int(key))
            return
        search = self.query_one("#invs-search", Input).value.strip()
        if search:
            self._find_any_day(search)

    def _open(self, invoice_id: int) -> None:
        from booth.tui.screens.invoice import InvoiceScreen

        self.app.push_screen(InvoiceScreen(self.ctx, invoice_id, copy=True))

    @work(thread=True, exclusive=True, group="invoices-find")
    def _find_any_day(self, text: str) -> None:
        try:
            invoice = run_read(self.ctx.engine, lambda s: stays.get_invoice(s, text))
        except (BoothError, SQLAlchemyError) as exc:
            message = (
                exc.message
                if isinstance(exc, BoothError)
                else describe_operational_error(exc, self.ctx.target)
            )
            self.app.call_from_thread(self._set_message, message)
            return
        self.app.call_from_thread(self._open, invoice.id or 0)
