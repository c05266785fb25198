"""Check-out (F3): look a vehicle up, show what it owes, take payment, issue the invoice.

Three steps, each with its own Esc:
  lookup  -- plate or ticket field focused; Enter prices the stay; Esc leaves the screen.
  method  -- 1 cash (default), 2 card, 3 transfer; B buyer (C.C. or NIT and name, else
             "Consumidor final"); Enter goes on; Esc back to lookup.
  amount  -- cash only: amount received (empty = exact), change in large digits;
             Enter issues the invoice; Esc back to method.
Nothing is written before the invoice is issued, in one transaction, by
`stays.check_out`, which charges the instant of the quote; a quote older than
15 minutes is priced again (and shown) before anything is issued.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Digits, Footer, Input, Label, Static

from booth.core import shifts, stays
from booth.core.db import describe_operational_error, run_read
from booth.core.errors import BoothError
from booth.core.i18n import _
from booth.core.models import Stay
from booth.core.money import format_cop, format_rate
from booth.core.plates import format_ticket
from booth.core.receipts import duration_label, method_label, vehicle_label
from booth.core.tariff import Fee
from booth.tui.context import BoothContext
from booth.tui.screens.buyer import Buyer, BuyerDialog, buyer_label

METHOD_KEYS = {"1": "cash", "2": "card", "3": "transfer"}


def big_money(amount: int) -> str:
    """An amount for the Digits widget: `$2.743` (no space, dot as thousands mark)."""
    return format_cop(amount).replace(" ", "")


def breakdown_lines(
    fee: Fee, unit_minutes: int, unit_price: int, grace: int, daily_max: int
) -> list[str]:
    """How the fee was reached, one line per 24-hour period."""
    tariff = _("Tariff {price} per {unit} min").format(
        price=format_cop(unit_price), unit=unit_minutes
    )
    extras = []
    if grace:
        extras.append(_("first {n} min free").format(n=grace))
    if daily_max:
        extras.append(_("at most {cap} a day").format(cap=format_cop(daily_max)))
    lines = [tariff + (f" ({', '.join(extras)})" if extras else "")]
    if fee.within_grace:
        lines.append(_("{minutes} min, within the free minutes: $ 0").format(minutes=fee.minutes))
        return lines
    for p in fee.periods:
        line = _("{minutes} min = {blocks} x {price} = {amount}").format(
            minutes=p.minutes,
            blocks=p.blocks,
            price=format_cop(unit_price),
            amount=format_cop(p.uncapped),
        )
        if len(fee.periods) > 1:
            line = _("Day {i}: ").format(i=p.index) + line
        if p.capped:
            line += " " + _("-> day cap {amount}").format(amount=format_cop(p.amount))
        lines.append(line)
    if fee.amount != fee.subtotal:
        lines.append(
            _("Rounded from {subtotal} to {amount}").format(
                subtotal=format_cop(fee.subtotal), amount=format_cop(fee.amount)
            )
        )
    return lines


class MethodChoice(Static, can_focus=True):
    """`1 Cash  2 Card  3 Transfer` with the chosen one highlighted."""

    DEFAULT_CSS = """
    MethodChoice { height: 1; width: auto; }
    MethodChoice:focus { text-style: bold; }
    """

    def show(self, method: str) -> None:
        parts = []
        for key, name in METHOD_KEYS.items():
            label = f" {key} {method_label(name)} "
            parts.append(f"[reverse b]{label}[/]" if name == method else label)
        self.update("  ".join(parts))


class CheckoutScreen(Screen[None]):
    """Check-out: lookup, payment, invoice. Esc goes back one step."""

    DEFAULT_CSS = """
    CheckoutScreen { padding: 0 1; }
    CheckoutScreen Horizontal, CheckoutScreen Vertical { height: auto; }
    CheckoutScreen #co-title { text-style: bold; width: 1fr; background: $primary; color: $text; padding: 0 1; }
    CheckoutScreen #co-query { width: 48; margin-top: 1; }
    CheckoutScreen #co-quote { height: auto; display: none; margin-top: 1; }
    CheckoutScreen.-quoted #co-quote { display: block; }
    CheckoutScreen #co-details { width: 1fr; height: auto; padding-right: 1; }
    CheckoutScreen #co-money { width: 42; height: auto; }
    CheckoutScreen #co-vehicle { text-style: bold; }
    CheckoutScreen #co-breakdown { color: $text-muted; margin-top: 1; }
    CheckoutScreen #co-taxes { margin-top: 1; }
    CheckoutScreen #co-buyer { margin-top: 1; }
    CheckoutScreen .co-biglabel { width: 10; height: 3; content-align: left middle; text-style: bold; }
    CheckoutScreen #co-total { width: auto; }
    CheckoutScreen #co-methods-row { height: 1; margin-top: 1; }
    CheckoutScreen #co-cash { height: auto; display: none; }
    CheckoutScreen.-cash #co-cash { display: block; }
    CheckoutScreen #co-tendered { width: 28; }
    CheckoutScreen #co-tendered-row { height: 3; margin-top: 1; }
    CheckoutScreen #co-tendered-label { width: 10; height: 3; content-align: left middle; }
    CheckoutScreen #co-change-row { height: 3; }
    CheckoutScreen #co-change { width: auto; color: $success; text-style: bold; }
    CheckoutScreen #co-change-note { height: auto; }
    CheckoutScreen #co-message { margin-top: 1; height: auto; }
    CheckoutScreen #co-message.-error { color: $error; text-style: bold; }
    CheckoutScreen #co-message.-info { color: $warning; }
    CheckoutScreen #co-hint { color: $text-muted; height: 1; }
    """

    BINDINGS = [
        Binding("escape", "back", _("Back")),
        Binding("enter", "confirm", _("Continue"), show=False),
        Binding("1", "method('cash')", _("Cash")),
        Binding("2", "method('card')", _("Card")),
        Binding("3", "method('transfer')", _("Transfer")),
        Binding("b,B", "buyer", _("Buyer")),
    ]

    def __init__(self, ctx: BoothContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.step = "lookup"
        self.method = "cash"
        self.buyer: Buyer = stays.DEFAULT_BUYER
        self.busy = False
        self.quote: stays.Quote | None = None
        self.quoted_at: datetime | None = None
        self.zone = ZoneInfo("America/Bogota")

    # --- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        user = self.ctx.require_user()
        yield Label(
            _("Check-out - booth {booth} - {user}").format(
                booth=self.ctx.booth, user=user.username
            ),
            id="co-title",
        )
        yield Input(placeholder=_("Plate or ticket code"), id="co-query", max_length=24)
        with Horizontal(id="co-quote"):
            with Vertical(id="co-details"):
                yield Static(id="co-vehicle")
                yield Static(id="co-times")
                yield Static(id="co-breakdown")
                yield Static(id="co-taxes")
                yield Static(id="co-buyer")
            with Vertical(id="co-money"):
                with Horizontal(id="co-total-row", classes="co-row"):
                    yield Label(_("TOTAL"), classes="co-biglabel")
                    yield Digits(id="co-total")
                with Horizontal(id="co-methods-row"):
                    yield MethodChoice(id="co-methods")
                with Vertical(id="co-cash"):
                    with Horizontal(id="co-tendered-row"):
                        yield Label(_("Received"), id="co-tendered-label")
                        yield Input(
                            placeholder=_("empty = exact"),
                            id="co-tendered",
                            max_length=16,
                        )
                    with Horizontal(id="co-change-row"):
                        yield Label(_("CHANGE"), classes="co-biglabel")
                        yield Digits(id="co-change")
                    yield Static(id="co-change-note")
        yield Static(id="co-message")
        yield Static(id="co-hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._to_lookup()

    # --- steps ---------------------------------------------------------------------------

    def _set_message(self, text: str = "", kind: str = "error") -> None:
        msg = self.query_one("#co-message", Static)
        msg.update(text)
        msg.set_class(bool(text) and kind == "error", "-error")
        msg.set_class(bool(text) and kind == "info", "-info")

    def _hint(self, text: str) -> None:
        self.query_one("#co-hint", Static).update(text)

    def _to_lookup(self) -> None:
        self.step = "lookup"
        self.quote = None
        self.quoted_at = None
        self.buyer = stays.DEFAULT_BUYER  # a buyer belongs to one vehicle's invoice
        self.set_class(False, "-quoted")
        self.set_class(False, "-cash")
        query = self.query_one("#co-query", Input)
        query.disabled = False
        query.focus()
        query.select_all()
        self._hint(_("Enter: look up   Esc: back to the dashboard"))
        self.refresh_bindings()

    def _to_method(self) -> None:
        self.step = "method"
        self.set_class(True, "-quoted")
        self.set_class(False, "-cash")
        self.query_one("#co-query", Input).disabled = True
        self.query_one("#co-methods", MethodChoice).show(self.method)
        self.query_one("#co-tendered", Input).disabled = True
        self.query_one("#co-methods", MethodChoice).focus()
        if self.method == "cash":
            self._hint(
                _("1 cash  2 card  3 transfer  B buyer   Enter: amount received   Esc: new search")
            )
        else:
            self._hint(
                _(
                    "1 cash  2 card  3 transfer  B buyer   Enter: issue the invoice   Esc: new search"
                )
            )
        self._show_buyer()
        self._update_change()
        self.refresh_bindings()

    def _to_amount(self) -> None:
        self.step = "amount"
        self.set_class(True, "-cash")
        tendered = self.query_one("#co-tendered", Input)
        tendered.disabled = False
        tendered.focus()
        self._hint(_("Enter: issue the invoice   Esc: payment method"))
        self._update_change()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("method", "buyer"):
            return self.step == "method" and not self.busy
        return True

    # --- showing a quote -----------------------------------------------------------------

    def _show_quote(self, q: stays.Quote) -> None:
        settings_zone = self.zone
        stay = q.stay
        self.query_one("#co-vehicle", Static).update(
            f"{stay.plate}  {vehicle_label(stay.vehicle_type)}  "
            + _("ticket {code}").format(code=format_ticket(stay.ticket_code))
        )
        entered = stay.entered_at.astimezone(settings_zone).strftime("%Y-%m-%d %H:%M")
        quoted = q.exit_at.astimezone(settings_zone).strftime("%H:%M")
        self.query_one("#co-times", Static).update(
            "\n".join(
                [
                    _("Entry  {entered} ({booth})").format(entered=entered, booth=stay.entry_booth),
                    _("Inside {duration} ({minutes} min)").format(
                        duration=duration_label(q.fee.minutes), minutes=q.fee.minutes
                    ),
                    _("Priced at {at}").format(at=quoted),
                ]
            )
        )
        t = q.tariff
        self.query_one("#co-breakdown", Static).update(
            "\n".join(
                breakdown_lines(q.fee, t.unit_minutes, t.unit_price, t.grace_minutes, t.daily_max)
            )
        )
        money = [
            (_("Base"), format_cop(q.base)),
            (f"IVA {format_rate(q.iva_rate_bp)}", format_cop(q.tax)),
            (_("Total"), format_cop(q.amount)),
        ]
        self.query_one("#co-taxes", Static).update(
            "\n".join(f"{label:<10}{value:>14}" for label, value in money)
        )
        self.query_one("#co-total", Digits).update(big_money(q.amount))

    def _show_buyer(self) -> None:
        # Plain text: a name like "Café [Centro]" is no markup.
        self.query_one("#co-buyer", Static).update(
            Content(_("Buyer  {buyer}").format(buyer=buyer_label(self.buyer)))
        )

    def _update_change(self) -> None:
        change = self.query_one("#co-change", Digits)
        note = self.query_one("#co-change-note", Static)
        if self.quote is None or self.method != "cash":
            change.update("")
            note.update("")
            return
        total = self.quote.amount
        try:
            tendered = stays.parse_tendered(self.query_one("#co-tendered", Input).value)
        except BoothError as exc:
            change.update("")
            note.update(exc.message)
            return
        if tendered is None:
            change.update(big_money(0))
            note.update(_("Exact amount: no change."))
        elif tendered < total:
            change.update("")
            note.update(_("Missing {missing}.").format(missing=format_cop(total - tendered)))
        else:
            change.update(big_money(tendered - total))
            note.update(
                _("Received {paid}, give back {change}.").format(
                    paid=format_cop(tendered), change=format_cop(tendered - total)
                )
            )

    # --- keys ----------------------------------------------------------------------------

    def action_back(self) -> None:
        if self.busy:
            return
        self._set_message()
        if self.step == "amount":
            self.query_one("#co-tendered", Input).value = ""
            self._to_method()
        elif self.step == "method":
            self._to_lookup()
        else:
            self.dismiss()

    def action_method(self, method: str) -> None:
        if self.step != "method" or self.busy:
            return
        self.method = method
        self._set_message()
        self._to_method()
        if method == "cash":
            self._to_amount()

    def action_buyer(self) -> None:
        if self.step != "method" or self.busy:
            return
        self._set_message()
        self.app.push_screen(BuyerDialog(self.buyer), self._buyer_chosen)

    def _buyer_chosen(self, buyer: Buyer | None) -> None:
        if buyer is not None and self.step == "method":
            self.buyer = buyer
            self._show_buyer()

    def action_confirm(self) -> None:
        if self.busy:
            return
        if self.step == "method":
            if self.method == "cash":
                self._to_amount()
            else:
                self._issue(None)

    @on(Input.Submitted, "#co-query")
    def _query_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.busy or self.step != "lookup":
            return
        self._set_message()
        # Keys typed while the lookup runs must not land in the field.
        self.query_one("#co-query", Input).disabled = True
        self._lookup(event.value)

    @on(Input.Changed, "#co-tendered")
    def _tendered_changed(self, event: Input.Changed) -> None:
        self._update_change()

    @on(Input.Submitted, "#co-tendered")
    def _tendered_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.busy or self.step != "amount" or self.quote is None:
            return
        try:
            tendered = stays.parse_tendered(event.value)
        except BoothError as exc:
            self._set_message(exc.message)
            return
        if tendered is not None and tendered < self.quote.amount:
            self._set_message(
                _("Received {paid} is less than the total {total}.").format(
                    paid=format_cop(tendered), total=format_cop(self.quote.amount)
                )
            )
            return
        self._issue(tendered)

    # --- database work (in worker threads, so the screen never freezes) ------------------

    def _error_text(self, exc: Exception) -> str:
        if isinstance(exc, BoothError):
            return exc.message
        return describe_operational_error(exc, self.ctx.target)

    @work(thread=True, exclusive=True, group="checkout")
    def _lookup(self, text: str) -> None:
        self.app.call_from_thread(self._set_busy, True)
        try:
            q = stays.quote(self.ctx.engine, clock=self.ctx.clock, query=text)
            tz = run_read(self.ctx.engine, _lot_timezone)
        except (BoothError, SQLAlchemyError) as exc:
            message = self._error_text(exc)
            self.app.call_from_thread(self._lookup_failed, message)
            return
        finally:
            self.app.call_from_thread(self._set_busy, False)
        self.app.call_from_thread(self._quoted, q, tz)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.refresh_bindings()

    def _lookup_failed(self, message: str) -> None:
        self._set_message(message)
        query = self.query_one("#co-query", Input)
        query.disabled = False
        query.focus()
        query.select_all()

    def _quoted(self, q: stays.Quote, tz: str, note: str = "") -> None:
        self.zone = ZoneInfo(tz)
        self.quote = q
        self.quoted_at = q.exit_at
        self._show_quote(q)
        if self.step == "lookup":
            self.method = "cash"
            self.query_one("#co-tendered", Input).value = ""
            self._to_method()
        else:
            self._update_change()
        if note:
            self._set_message(note, "info")

    @work(thread=True, exclusive=True, group="checkout")
    def _issue(self, tendered: int | None) -> None:
        q, quoted_at, buyer = self.quote, self.quoted_at, self.buyer
        if q is None or quoted_at is None:
            return
        self.app.call_from_thread(self._set_busy, True)
        ctx = self.ctx
        try:
            age = ctx.clock.now() - quoted_at
            if not timedelta(0) <= age <= stays.QUOTE_VALID:
                fresh = stays.quote(ctx.engine, clock=ctx.clock, query=q.stay.plate)
                if fresh.amount != q.amount:
                    note = _(
                        "The price was more than 15 minutes old; it is now {total}. "
                        "Check it with the customer and press Enter again."
                    ).format(total=format_cop(fresh.amount))
                    tz = run_read(ctx.engine, _lot_timezone)
                    self.app.call_from_thread(self._quoted, fresh, tz, note)
                    return
                q, quoted_at = fresh, fresh.exit_at
            # Check-out needs the attendant's own open shift; the sentence says what to do.
            shift_id = shifts.payment_shift(ctx.engine, who=ctx.require_user()).id
            invoice = stays.check_out(
                ctx.engine,
                clock=ctx.clock,
                who=ctx.require_user(),
                stay_id=q.stay.id or 0,
                payment_method=self.method,
                tendered=tendered if self.method == "cash" else None,
                quoted_at=quoted_at,
                shift_id=shift_id,
                **_buyer_arguments(buyer),
            )
        except (BoothError, SQLAlchemyError) as exc:
            message = self._error_text(exc)
            still_inside = _still_inside(ctx, q.stay.id or 0)
            self.app.call_from_thread(self._issue_failed, message, still_inside)
            return
        finally:
            self.app.call_from_thread(self._set_busy, False)
        self.app.call_from_thread(self._issued, invoice.id or 0)

    def _issue_failed(self, message: str, still_inside: bool) -> None:
        if not still_inside:
            self._to_lookup()
        self._set_message(message)

    def _issued(self, invoice_id: int) -> None:
        from booth.tui.screens.invoice import InvoiceScreen

        self.app.switch_screen(InvoiceScreen(self.ctx, invoice_id))


def _buyer_arguments(buyer: Buyer) -> dict[str, str]:
    if buyer == stays.DEFAULT_BUYER:
        return {}
    return {"buyer_id": buyer[0], "buyer_name": buyer[1]}


def _lot_timezone(session: Session) -> str:
    from booth.core import lot

    return lot.get_settings(session).timezone


def _still_inside(ctx: BoothContext, stay_id: int) -> bool:
    try:
        stay = run_read(ctx.engine, lambda s: s.get(Stay, stay_id))
    except SQLAlchemyError:
        return True
    return stay is not None and stay.exited_at is None
