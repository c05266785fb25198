"""Check-out's buyer dialog (B at the method step), driven by keys."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import Input, Static

from booth.core import stays
from booth.core.audit import SignedIn
from booth.core.clock import FixedClock
from booth.core.db import run_read
from booth.core.models import Invoice
from booth.tui.context import BoothContext
from booth.tui.screens.buyer import BuyerDialog
from booth.tui.screens.checkout import CheckoutScreen
from booth.tui.screens.invoice import InvoiceScreen
from tests.tui_pay.conftest import PayHarness, settle

SIZE = (100, 32)


def invoices(engine: Engine) -> list[Invoice]:
    return list(run_read(engine, lambda s: s.exec(select(Invoice).order_by(col(Invoice.id))).all()))


def text_of(app: PayHarness, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def checkout_of(app: PayHarness) -> CheckoutScreen:
    screen = app.screen_stack[1]
    assert isinstance(screen, CheckoutScreen)
    return screen


async def to_method_step(pilot: Pilot[None], plate: str = "ABC123") -> None:
    await pilot.press(*plate, "enter")
    await settle(pilot)
    assert checkout_of(pilot.app).step == "method"  # type: ignore[arg-type]


async def type_buyer(pilot: Pilot[None], buyer_id: str, name: str) -> None:
    """B, the ID, Enter, the name, Enter."""
    await pilot.press("b")
    assert isinstance(pilot.app.screen, BuyerDialog)
    assert pilot.app.focused is pilot.app.screen.query_one("#buyer-id", Input)
    await pilot.press(*buyer_id, "enter")
    if name:
        await pilot.press(*name)
    await pilot.press("enter")
    await pilot.pause()


async def test_buyer_is_chosen_shown_and_put_on_the_invoice(
    ctx: BoothContext, engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    clock.advance(minutes=61)
    app = PayHarness(ctx, CheckoutScreen)
    async with app.run_test(size=SIZE) as pilot:
        await to_method_step(pilot)
        assert text_of(app, "#co-buyer") == "Buyer  Consumidor final (222222222222)"
        assert "B buyer" in text_of(app, "#co-hint")
        await type_buyer(pilot, "900.123.456-8", "Transportes SAS")
        screen = checkout_of(app)
        assert app.screen is screen and screen.step == "method"
        assert screen.buyer == ("900123456-8", "Transportes SAS")
        assert text_of(app, "#co-buyer") == "Buyer  Transportes SAS (900123456-8)"
        assert invoices(engine) == []  # choosing a buyer writes nothing
        await pilot.press("2", "enter")  # card
        await settle(pilot)
        assert isinstance(app.screen, InvoiceScreen)
    [inv] = invoices(engine)
    assert (inv.buyer_id, inv.buyer_name) == ("900123456-8", "Transportes SAS")
    assert inv.payment_method == "card" and inv.amount == 2257


async def test_shift_b_and_cash_keep_the_buyer_through_the_amount_step(
    ctx: BoothContext, engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    clock.advance(minutes=61)
    app = PayHarness(ctx, CheckoutScreen)
    async with app.run_test(size=SIZE) as pilot:
        await to_method_step(pilot)
        await pilot.press("B")
        assert isinstance(app.screen, BuyerDialog)
        await pilot.press(*"1020304050", "enter", "enter")  # no name: optional
        await pilot.pause()
        screen = checkout_of(app)
        assert app.screen is screen
        assert text_of(app, "#co-buyer") == "Buyer  1020304050"
        await pilot.press("enter")  # cash: the amount
        assert screen.step == "amount"
        await pilot.press(*"3000", "enter")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceScreen)
    [inv] = invoices(engine)
    assert (inv.buyer_id, inv.buyer_name) == ("1020304050", "")
    assert inv.tendered == 3000 and inv.change == 743


async def test_refusals_stay_in_the_dialog_and_escape_changes_nothing(
    ctx: BoothContext, engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    clock.advance(minutes=61)
    app = PayHarness(ctx, CheckoutScreen)
    async with app.run_test(size=SIZE) as pilot:
        await to_method_step(pilot)
        await pilot.press("b", *"900123456-7", "enter")
        dialog = app.screen
        assert isinstance(dialog, BuyerDialog)
        assert text_of(app, "#message") == "The NIT check digit does not match: 900123456 needs -8."
        assert app.focused is dialog.query_one("#buyer-id", Input)
        await pilot.press(*"xyz")  # letters never reach the ID field
        assert dialog.query_one("#buyer-id", Input).value == "900123456-7"
        await pilot.press("backspace", *"8", "enter", *"Ana")
        assert app.focused is dialog.query_one("#buyer-name", Input)
        await pilot.press("escape")
        await pilot.pause()
        screen = checkout_of(app)
        assert app.screen is screen and screen.buyer == stays.DEFAULT_BUYER
        assert text_of(app, "#co-buyer") == "Buyer  Consumidor final (222222222222)"
        # A name without an ID is refused; emptying both goes back to Consumidor final.
        await type_buyer(pilot, "", "Ana")
        assert isinstance(app.screen, BuyerDialog)
        assert text_of(app, "#message") == (
            "Type the buyer's C.C. or NIT too, or leave the name empty."
        )
        await pilot.press("shift+tab", *"12345", "enter", *"Ana [b]Café[/b]", "enter")
        await pilot.pause()
        assert app.screen is screen and screen.buyer == ("12345", "Ana [b]Café[/b]")
        assert text_of(app, "#co-buyer") == "Buyer  Ana [b]Café[/b] (12345)"  # no markup
        await pilot.press("b")  # the dialog opens filled in: clear both fields
        assert isinstance(app.screen, BuyerDialog)
        assert [field.value for field in app.screen.query(Input)] == ["12345", "Ana [b]Café[/b]"]
        await pilot.press(*["backspace"] * 5, "tab", "ctrl+u", "enter")
        await pilot.pause()
        assert app.screen is screen and screen.buyer == stays.DEFAULT_BUYER
    assert invoices(engine) == []


async def test_b_works_only_at_the_method_step_and_a_new_search_forgets_the_buyer(
    ctx: BoothContext, engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    stays.check_in(engine, clock=clock, who=ana, plate="XYZ789")
    clock.advance(minutes=61)
    app = PayHarness(ctx, CheckoutScreen)
    async with app.run_test(size=SIZE) as pilot:
        screen = checkout_of(app)
        await pilot.press("b")  # at the lookup it is a letter of the plate
        assert app.screen is screen
        assert screen.query_one("#co-query", Input).value == "b"
        await pilot.press("backspace")
        await to_method_step(pilot)
        await type_buyer(pilot, "1020304050", "Ana")
        await pilot.press("enter", "b")  # in the amount field B is no key
        assert app.screen is screen and screen.step == "amount"
        await pilot.press("backspace")
        await pilot.press("escape", "escape")  # back to a new search
        assert screen.step == "lookup" and screen.buyer == stays.DEFAULT_BUYER
        await to_method_step(pilot, "XYZ789")
        assert text_of(app, "#co-buyer") == "Buyer  Consumidor final (222222222222)"
        await pilot.press("3", "enter")
        await settle(pilot)
    [inv] = invoices(engine)
    assert (inv.buyer_id, inv.buyer_name) == stays.DEFAULT_BUYER
