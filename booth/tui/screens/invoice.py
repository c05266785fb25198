"""Invoice: the receipt exactly as it prints, with P to print and Esc to go back."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Digits, Footer, Label, Static

from booth.core import receipts
from booth.core.db import describe_operational_error
from booth.core.errors import BoothError
from booth.core.i18n import _
from booth.core.money import format_cop
from booth.tui.context import BoothContext


class InvoiceScreen(Screen[None]):
    """One invoice's receipt. `copy` marks it (and any print from here) COPIA."""

    DEFAULT_CSS = """
    InvoiceScreen { padding: 0 1; }
    InvoiceScreen #inv-title { text-style: bold; width: 1fr; background: $primary; color: $text; padding: 0 1; }
    InvoiceScreen #inv-body { height: 1fr; margin-top: 1; }
    InvoiceScreen #inv-paper { width: auto; height: auto; max-height: 100%; border: round $secondary; padding: 0 1; scrollbar-gutter: stable; scrollbar-size-vertical: 1; }
    InvoiceScreen #inv-receipt { width: auto; }
    InvoiceScreen #inv-side { width: 1fr; height: auto; padding-left: 2; }
    InvoiceScreen #inv-change-box { height: auto; display: none; }
    InvoiceScreen.-change #inv-change-box { display: block; }
    InvoiceScreen #inv-change-label { text-style: bold; }
    InvoiceScreen #inv-change { width: auto; color: $success; text-style: bold; }
    InvoiceScreen #inv-status { margin-top: 1; height: auto; }
    InvoiceScreen #inv-message { margin-top: 1; height: auto; }
    InvoiceScreen #inv-message.-error { color: $error; text-style: bold; }
    InvoiceScreen #inv-message.-ok { color: $success; }
    """

    BINDINGS = [
        Binding("p", "print", _("Print")),
        Binding("escape", "back", _("Back")),
    ]

    def __init__(self, ctx: BoothContext, invoice_id: int, copy: bool = False) -> None:
        super().__init__()
        self.ctx = ctx
        self.invoice_id = invoice_id
        self.copy = copy
        self.printing = False
        self.data: receipts.ReceiptData | None = None

    def compose(self) -> ComposeResult:
        yield Label(_("Invoice"), id="inv-title")
        with Horizontal(id="inv-body"):
            with VerticalScroll(id="inv-paper"):
                yield Static(id="inv-receipt")
            with Vertical(id="inv-side"):
                with Vertical(id="inv-change-box"):
                    yield Label(_("CHANGE"), id="inv-change-label")
                    yield Digits(id="inv-change")
                yield Static(id="inv-status")
                yield Static(id="inv-message")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        # Focused so arrows and PgUp/PgDn scroll a receipt taller than the screen.
        self.query_one("#inv-paper", VerticalScroll).focus()
        self._load()

    def _set_message(self, text: str, kind: str = "error") -> None:
        msg = self.query_one("#inv-message", Static)
        msg.update(text)
        msg.set_class(kind == "error", "-error")
        msg.set_class(kind == "ok", "-ok")

    def _error_text(self, exc: Exception) -> str:
        if isinstance(exc, BoothError):
            return exc.message
        return describe_operational_error(exc, self.ctx.target)

    @work(thread=True, exclusive=True, group="invoice")
    def _load(self) -> None:
        try:
            data = receipts.load_receipt(self.ctx.engine, self.invoice_id)
        except (BoothError, SQLAlchemyError) as exc:
            self.app.call_from_thread(self._set_message, self._error_text(exc))
            return
        self.app.call_from_thread(self._show, data)

    def _show(self, data: receipts.ReceiptData) -> None:
        self.data = data
        inv = data.invoice
        next_is_copy = self.copy or inv.print_count > 0
        self.query_one("#inv-title", Label).update(
            _("Invoice {number}").format(number=inv.full_number)
            + (f"  - {_('reprint')} (COPIA)" if self.copy else "")
        )
        text = receipts.render(data, copy=next_is_copy)
        paper = self.query_one("#inv-paper", VerticalScroll)
        # Border, padding and a one-column scrollbar around the printed width.
        paper.styles.width = max(len(line) for line in text.splitlines()) + 5
        self.query_one("#inv-receipt", Static).update(text.rstrip("\n"))
        show_change = inv.payment_method == "cash" and not self.copy and inv.voided_at is None
        self.set_class(show_change, "-change")
        if show_change:
            self.query_one("#inv-change", Digits).update(format_cop(inv.change).replace(" ", ""))
        status = [
            _("Total {total}, payment: {method}.").format(
                total=format_cop(inv.amount), method=receipts.method_label(inv.payment_method)
            ),
            _("Prints so far: {n}.").format(n=inv.print_count),
        ]
        if next_is_copy:
            status.append(_("A print from here is marked COPIA."))
        if inv.voided_at is not None:
            status.append(_("ANULADA: {reason}").format(reason=inv.void_reason or "-"))
        self.query_one("#inv-status", Static).update("\n".join(status))

    def action_back(self) -> None:
        if not self.printing:
            self.dismiss()

    def action_print(self) -> None:
        if self.printing or self.data is None:
            return
        self.printing = True
        self._set_message(_("Printing..."), "ok")
        self._print()

    @work(thread=True, exclusive=True, group="invoice-print")
    def _print(self) -> None:
        ctx = self.ctx
        try:
            result = receipts.print_receipt(
                ctx.engine,
                clock=ctx.clock,
                actor=ctx.require_user().actor,
                invoice_id=self.invoice_id,
                copy=self.copy,
            )
            data = receipts.load_receipt(ctx.engine, self.invoice_id)
        except (BoothError, SQLAlchemyError) as exc:
            self.app.call_from_thread(self._printed, None, self._error_text(exc))
            return
        what = "COPIA" if result.copy else _("original")
        if result.to_file:
            text = _("Printed ({what}) to {path}").format(what=what, path=result.destination)
        else:
            text = _("Sent ({what}) to the printer.").format(what=what)
        self.app.call_from_thread(self._show, data)
        self.app.call_from_thread(self._printed, text, None)

    def _printed(self, ok: str | None, error: str | None) -> None:
        self.printing = False
        if error is not None:
            self._set_message(error)
        elif ok is not None:
            self._set_message(ok, "ok")
