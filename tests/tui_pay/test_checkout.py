"""Check-out screen driven by keys: every path, every refusal, Esc at every step, the race."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import col, select
from textual.widgets import Digits, Input, Static

from booth.core import stays
from booth.core.audit import SignedIn
from booth.core.clock import FixedClock
from booth.core.db import open_database, run_read, run_write
from booth.core.lot import SetupOptions, configure
from booth.core.models import AuditEvent, Invoice, Shift, Stay
from booth.tui.context import BoothContext
from booth.tui.screens.checkout import CheckoutScreen
from booth.tui.screens.invoice import InvoiceScreen
from tests.tui_pay.conftest import PayHarness, settle

SIZE = (100, 32)


def invoices(engine: Engine) -> list[Invoice]:
    return list(run_read(engine, lambda s: s.exec(select(Invoice).order_by(col(Invoice.id))).all()))


def stay_of(engine: Engine, plate: str) -> Stay:
    stay = run_read(
        engine,
        lambda s: s.exec(
            select(Stay).where(Stay.plate == plate).order_by(col(Stay.id).desc())
        ).first(),
    )
    assert stay is not None
    return stay


def message(app: PayHarness) -> str:
    return str(app.screen.query_one("#co-message", Static).render())


def checkout_screen(app: PayHarness) -> CheckoutScreen:
    screen = app.screen
    assert isinstance(screen, CheckoutScreen)
    return screen


async def look_up(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*text, "enter")
    await settle(pilot)


async def test_cash_with_change_issues_and_opens_the_invoice(
    ctx: BoothContext, engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    clock.advance(minutes=61, seconds=30)
    app = PayHarness(ctx, CheckoutScreen)
    async with app.run_test(size=SIZE) as pilot:
        screen = checkout_screen(app)
        assert app.focused is screen.query_one("#co-query", Input)
        await look_up(pilot, "abc 123")
        assert screen.step == "method" and screen.method == "cash"
        assert screen.query_one("#co-total", Digits).value == "$2.257"
        shown = str(screen.query_one("#co-times", Static).render())
        assert "Entry  2026-03-10 09:00 (B1)" in shown and "1 h 01 min (61 min)" in shown
        assert "61 min = 61 x $ 37 = $ 2.257" in str(
            screen.query_one("#co-breakdown", Static).render()
        )
        taxes = str(screen.query_one("#co-taxes", Static).render())
        assert "$ 1.897" in taxes and "IVA 19 %" in taxes and "$ 360" in taxes
        await pilot.press("enter")
        assert screen.step == "amount"
        assert app.focused is screen.query_one("#co-tendered", Input)
        await pilot.press(*"5.000")
        assert screen.query_one("#co-change", Digits).value == "$2.743"
        assert invoices(engine) == []  # nothing written before Enter
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceScreen)
        receipt = str(app.screen.query_one("#inv-receipt", Static).render())
        assert "No. FV1" in receipt and "$ 2.743" in receipt
        assert app.screen.query_one("#inv-change", Digits).value == "$2.743"
        await pilot.press("escape")
        assert app.screen.query_one("#dashboard", Static)  # back on the dashboard
    [inv] = invoices(engine)
    assert (inv.amount, inv.tendered, inv.change, inv.payment_method) == (2257, 5000, 2743, "cash")
    assert inv.full_number == "FV1" and inv.booth == "B1" and inv.user_id == ana.user_id
    stay = stay_of(engine, "ABC123")
    # Charged at the quoted instant: 61 whole minutes.
    assert stay.exited_at == clock.now() and inv.minutes == 61
    actions = run_read(
        engine, lambda s: list(s.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))))
    )
    assert actions[-1] == "stay.checkout"


async def test_exact_cash_when_amount_left_empty(
    ctx: BoothContext, engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    clock.advance(minutes=10)
    app = PayHarness(ctx, CheckoutScreen)
    async with app.run_test(size=SIZE) as pilot:
        await look_up(pilot, "ABC123")
        await pilot.press("1")  # cash, straight to the amount
        screen = checkout_screen(app)
        assert screen.step == "amount"
        assert screen.query_one("#co-change", Digits).value == "$0"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceScreen)
    [inv] = invoices(engine)
    assert (inv.amount, inv.tendered, inv.change) == (370, 370, 0)


async def test_card_by_ticket_code_and_transfer(
    ctx: BoothContext, engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    card = stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    stays.check_in(engine, clock=clock, who=ana, plate="XYZ789")
    clock.advance(minutes=30)
    app = PayHarness(ctx, CheckoutScreen)
    async with app.run_test(size=SIZE) as pilot:
        code = card.stay.ticket_code
        await look_up(pilot, f"{code[:3].lower()}-{code[3:]}")
        screen = checkout_screen(app)
        assert screen.quote is not None and screen.quote.stay.plate == "ABC123"
        await pilot.press("1")
        assert screen.step == "amount" and screen.has_class("-cash")
        await pilot.press("escape", "2")  # changed their mind: card
        assert screen.method == "card" and screen.step == "method"
        assert not screen.has_class("-cash")  # no amount field for a card
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceScreen)
        await pilot.press("escape")
        app.push_screen(CheckoutScreen(ctx))
        await settle(pilot)
        await look_up(pilot, "XYZ789")
        await pilot.press("3", "enter")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceScreen)
    first, second = invoices(engine)
    assert (first.payment_method, first.tendered, first.change) == ("card", 1110, 0)
    assert (second.payment_method, second.full_number) == ("transfer", "FV2")


async def test_underpaid_and_unreadable_amounts_are_refused(
    ctx: BoothContext, engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    clock.advance(minutes=100)
    app = PayHarness(ctx, CheckoutScreen)
    async with app.run_test(size=SIZE) as pilot:
        await look_up(pilot, "ABC123")
        await pilot.press("enter", *"1000")
        screen = checkout_screen(app)
        note = str(screen.query_one("#co-change-note", Static).render())
        assert "Missing $ 2.700" in note
        assert screen.query_one("#co-change", Digits).value == ""
        await pilot.press("enter")
        await settle(pilot)
        assert message(app) == "Received $ 1.000 is less than the total $ 3.700."
        assert screen.step == "amount"
        await pilot.press(*"abc", "enter")
        await settle(pilot)
        assert message(app) == "Type the amount received in whole pesos, like 20000."
        assert isinstance(app.screen, CheckoutScreen)
    assert invoices(engine) == []
    assert stay_of(engine, "ABC123").exited_at is None


async def test_lookup_refusals(
    ctx: BoothContext, engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    gone = stays.check_in(engine, clock=clock, who=ana, plate="OLD111")
    stays.check_out(engine, clock=clock, who=ana, stay_id=gone.stay.id or 0)
    app = PayHarness(ctx, CheckoutScreen)
    async with app.run_test(size=SIZE) as pilot:
        await look_up(pilot, "QQQ999")
        assert message(app) == "No vehicle inside with plate or ticket 'QQQ999'."
        screen = checkout_screen(app)
        assert screen.step == "lookup" and app.focused is screen.query_one("#co-query", Input)
        await pilot.press("backspace")
        await look_up(pilot, "ab")
        assert message(app) == "Type a plate or a ticket code."
        await pilot.press("backspace")
        await look_up(pilot, gone.stay.ticket_code)
        assert "was already checked out" in message(app)
        assert screen.step == "lookup"
    assert len(invoices(engine)) == 1


async def test_escape_goes_back_one_step_and_writes_nothing(
    ctx: BoothContext, engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    clock.advance(minutes=45)
    app = PayHarness(ctx, CheckoutScreen)
    async with app.run_test(size=SIZE) as pilot:
        screen = checkout_screen(app)
        await look_up(pilot, "ABC123")
        await pilot.press("enter", *"20000")
        assert screen.step == "amount"
        await pilot.press("escape")
        assert screen.step == "method" and screen.method == "cash"
        assert app.focused is screen.query_one("#co-methods")
        await pilot.press("3")  # the keys work again here
        assert screen.method == "transfer"
        await pilot.press("escape")
        assert screen.step == "lookup" and screen.quote is None
        query = screen.query_one("#co-query", Input)
        assert app.focused is query and query.value == "ABC123"
        await pilot.press("escape")
        assert app.screen.query_one("#dashboard", Static)
        assert not isinstance(app.screen, CheckoutScreen)
    assert invoices(engine) == []
    assert stay_of(engine, "ABC123").exited_at is None


async def test_quote_older_than_15_minutes_is_priced_again_before_issuing(
    ctx: BoothContext, engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    clock.advance(minutes=10)
    app = PayHarness(ctx, CheckoutScreen)
    async with app.run_test(size=SIZE) as pilot:
        await look_up(pilot, "ABC123")
        screen = checkout_screen(app)
        assert screen.query_one("#co-total", Digits).value == "$370"
        await pilot.press("enter", *"500")
        clock.advance(minutes=16)  # the customer went to find change
        await pilot.press("enter")
        await settle(pilot)
        assert "more than 15 minutes old; it is now $ 962" in message(app)
        assert screen.query_one("#co-total", Digits).value == "$962"
        assert "Missing $ 462" in str(screen.query_one("#co-change-note", Static).render())
        assert invoices(engine) == []
        await pilot.press("enter")
        await settle(pilot)
        assert message(app) == "Received $ 500 is less than the total $ 962."
        await pilot.press("backspace", "backspace", "backspace", *"1000")
        clock.advance(minutes=5)  # within 15 minutes of the new price: that price holds
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceScreen)
    [inv] = invoices(engine)
    assert (inv.amount, inv.minutes, inv.change) == (962, 26, 38)


async def test_quote_within_15_minutes_charges_the_quoted_instant(
    ctx: BoothContext, engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    clock.advance(minutes=10)
    app = PayHarness(ctx, CheckoutScreen)
    async with app.run_test(size=SIZE) as pilot:
        await look_up(pilot, "ABC123")
        clock.advance(minutes=15)
        await pilot.press("2", "enter")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceScreen)
    [inv] = invoices(engine)
    assert (inv.amount, inv.minutes) == (370, 10)


async def test_numbering_used_up_refuses_with_what_to_do(
    ctx: BoothContext, engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    run_write(
        engine,
        lambda s: configure(
            s,
            clock=clock,
            actor=ana.actor,
            options=SetupOptions(invoice_prefix="X", invoice_from=1, invoice_to=1),
        ),
    )
    first = stays.check_in(engine, clock=clock, who=ana, plate="AAA111")
    stays.check_in(engine, clock=clock, who=ana, plate="BBB222")
    stays.check_out(engine, clock=clock, who=ana, stay_id=first.stay.id or 0)
    app = PayHarness(ctx, CheckoutScreen)
    async with app.run_test(size=SIZE) as pilot:
        await look_up(pilot, "BBB222")
        await pilot.press("2", "enter")
        await settle(pilot)
        assert "authorised invoice numbers are used up" in message(app)
        assert "booth setup --invoice-from" in message(app)
        screen = checkout_screen(app)
        assert screen.step == "method"  # the car is still inside; Esc leads out
    assert len(invoices(engine)) == 1
    assert stay_of(engine, "BBB222").exited_at is None


async def test_invoice_belongs_to_the_open_shift_of_this_booth(
    ctx: BoothContext, engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    def open_shifts(session):  # type: ignore[no-untyped-def]
        session.add(Shift(booth="B2", user_id=ana.user_id, opened_at=clock.now()))
        session.add(Shift(booth="B1", user_id=ana.user_id, opened_at=clock.now()))

    run_write(engine, open_shifts)
    stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    app = PayHarness(ctx, CheckoutScreen)
    async with app.run_test(size=SIZE) as pilot:
        await look_up(pilot, "ABC123")
        await pilot.press("enter", "enter")
        await settle(pilot)
    [inv] = invoices(engine)
    b1 = run_read(engine, lambda s: s.exec(select(Shift.id).where(Shift.booth == "B1")).one())
    assert inv.shift_id == b1


async def test_two_booths_one_car_exactly_one_succeeds(
    db_path: Path, engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    clock.advance(minutes=20)
    engines = [open_database(str(db_path)) for _ in range(2)]
    apps = [
        PayHarness(
            BoothContext(
                engine=e,
                clock=clock,
                booth=f"B{i + 1}",
                target=str(db_path),
                user=SignedIn(ana.user_id, ana.username, ana.role, f"B{i + 1}"),
            ),
            CheckoutScreen,
        )
        for i, e in enumerate(engines)
    ]
    try:
        async with apps[0].run_test(size=SIZE) as one, apps[1].run_test(size=SIZE) as two:
            for pilot in (one, two):
                await look_up(pilot, "ABC123")
                await pilot.press("2")
            # Both booths show the car and its price; then both press Enter.
            await one.press("enter")
            await two.press("enter")
            await settle(one)
            await settle(two)
            outcomes = [isinstance(app.screen, InvoiceScreen) for app in apps]
            assert sorted(outcomes) == [False, True]
            loser = apps[outcomes.index(False)]
            assert "already checked out" in message(loser)
            loser_screen = checkout_screen(loser)
            assert loser_screen.step == "lookup"  # nothing left to pay for
    finally:
        for e in engines:
            e.dispose()
    assert len(invoices(engine)) == 1
