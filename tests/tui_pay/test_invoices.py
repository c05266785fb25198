"""Invoice screen (print, copy, void) and the day's invoices list, driven by keys."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy.engine import Engine
from textual.widgets import DataTable, Static

from booth.core import stays
from booth.core.audit import SignedIn
from booth.core.clock import FixedClock
from booth.core.db import run_read, run_write
from booth.core.models import Invoice, LotSettings
from booth.tui.context import BoothContext
from booth.tui.screens.invoice import InvoiceScreen
from booth.tui.screens.invoices import InvoicesScreen
from tests.tui_pay.conftest import PayHarness, settle

SIZE = (100, 40)


def issue(
    engine: Engine, clock: FixedClock, who: SignedIn, plate: str, minutes: int = 30
) -> Invoice:
    ci = stays.check_in(engine, clock=clock, who=who, plate=plate)
    clock.advance(minutes=minutes)
    return stays.check_out(
        engine, clock=clock, who=who, stay_id=ci.stay.id or 0, tendered=None, quoted_at=clock.now()
    )


def stored(engine: Engine, invoice_id: int) -> Invoice:
    inv = run_read(engine, lambda s: s.get(Invoice, invoice_id))
    assert inv is not None
    return inv


def shown(app: PayHarness, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def open_invoice(ctx: BoothContext, invoice_id: int, copy: bool = False) -> PayHarness:
    return PayHarness(ctx, lambda c: InvoiceScreen(c, invoice_id, copy=copy))


async def test_print_writes_the_receipt_file_then_copies(
    ctx: BoothContext, engine: Engine, clock: FixedClock, ana: SignedIn, db_path: Path
) -> None:
    inv = issue(engine, clock, ana, "ABC123")
    app = open_invoice(ctx, inv.id or 0)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        receipt = shown(app, "#inv-receipt")
        assert "Factura de venta" in receipt and "COPIA" not in receipt
        assert "Prints so far: 0." in shown(app, "#inv-status")
        await pilot.press("p")
        await settle(pilot)
        first = db_path.parent / "receipts" / "FV1.txt"
        assert shown(app, "#inv-message") == f"Printed (original) to {first}"
        assert "COPIA" not in first.read_text(encoding="utf-8")
        assert "*** COPIA ***" in shown(app, "#inv-receipt")  # the next print is a copy
        await pilot.press("p")
        await settle(pilot)
        copy = db_path.parent / "receipts" / "FV1-copia-2.txt"
        assert shown(app, "#inv-message") == f"Printed (COPIA) to {copy}"
        assert "*** COPIA ***" in copy.read_text(encoding="utf-8")
        assert "Prints so far: 2." in shown(app, "#inv-status")
        await pilot.press("escape")
        assert app.screen.query_one("#dashboard", Static)
    assert stored(engine, inv.id or 0).print_count == 2


async def test_failed_print_is_one_sentence_and_counts_nothing(
    ctx: BoothContext, engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    def printer(session):  # type: ignore[no-untyped-def]
        settings = session.get(LotSettings, 1)
        settings.printer_command = f"{sys.executable} -c 'import sys; sys.exit(2)'"
        session.add(settings)

    run_write(engine, printer)
    inv = issue(engine, clock, ana, "ABC123")
    app = open_invoice(ctx, inv.id or 0)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert shown(app, "#inv-message") == (
            "The printer command failed (exit 2); check the printer."
        )
        assert "COPIA" not in shown(app, "#inv-receipt")
    assert stored(engine, inv.id or 0).print_count == 0


async def test_voided_invoice_says_anulada_with_reason(
    ctx: BoothContext, engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    inv = issue(engine, clock, ana, "ABC123")

    def void(session):  # type: ignore[no-untyped-def]
        row = session.get(Invoice, inv.id)
        row.voided_at, row.voided_by, row.void_reason = clock.now(), ana.user_id, "Cobro doble"
        session.add(row)

    run_write(engine, void)
    app = open_invoice(ctx, inv.id or 0)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "*** ANULADA ***" in shown(app, "#inv-receipt")
        assert "Reason: Cobro doble" in shown(app, "#inv-receipt")
        assert "ANULADA: Cobro doble" in shown(app, "#inv-status")
        assert not app.screen.has_class("-change")


async def test_unknown_invoice_is_a_message(ctx: BoothContext) -> None:
    app = open_invoice(ctx, 42)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert shown(app, "#inv-message") == "That invoice does not exist."
        await pilot.press("p")  # nothing to print; no crash
        await settle(pilot)
        assert isinstance(app.screen, InvoiceScreen)


def table_column(app: PayHarness, index: int) -> list[str]:
    table = app.screen.query_one(DataTable)
    return [str(table.get_row_at(i)[index]) for i in range(table.row_count)]


async def test_list_today_newest_first_search_open_and_reprint(
    ctx: BoothContext, engine: Engine, clock: FixedClock, ana: SignedIn, db_path: Path
) -> None:
    old = issue(engine, clock, ana, "OLD111", minutes=10)
    clock.advance(days=1)
    issue(engine, clock, ana, "AAA111")
    issue(engine, clock, ana, "BBB222")
    issue(engine, clock, ana, "CCC333")
    app = PayHarness(ctx, InvoicesScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert table_column(app, 0) == ["FV4", "FV3", "FV2"]
        assert table_column(app, 2) == ["CCC333", "BBB222", "AAA111"]
        await pilot.press(*"bbb")
        assert table_column(app, 2) == ["BBB222"]
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InvoiceScreen) and screen.copy
        assert "No. FV3" in shown(app, "#inv-receipt")
        assert "*** COPIA ***" in shown(app, "#inv-receipt")
        await pilot.press("p")  # first print from the list is still a copy
        await settle(pilot)
        assert (db_path.parent / "receipts" / "FV3-copia-1.txt").exists()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, InvoicesScreen)
        assert table_column(app, 8) == ["printed x1"]
        # A number from another day: not in today's list, Enter finds it anyway.
        await pilot.press("ctrl+a", "ctrl+k", *"fv1")
        assert "No invoice today matches 'fv1'" in shown(app, "#invs-message")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceScreen)
        assert app.screen.invoice_id == old.id
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+a", "ctrl+k", *"fv99", "enter")
        await settle(pilot)
        assert shown(app, "#invs-message") == "No invoice FV99."
        await pilot.press("escape")
        assert app.screen.query_one("#dashboard", Static)


async def test_arrows_move_while_typing_and_empty_day(
    ctx: BoothContext, engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    app = PayHarness(ctx, InvoicesScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert shown(app, "#invs-message") == "No invoices yet today."
    issue(engine, clock, ana, "AAA111")
    issue(engine, clock, ana, "BBB222")
    app = PayHarness(ctx, InvoicesScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceScreen)
        assert "AAA111" in shown(app, "#inv-receipt")
