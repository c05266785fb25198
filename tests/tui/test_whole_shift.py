"""A whole shift at the keyboard, through the real app: float, check-in, cash
payment with change, a cash drop, X report, count, close and Z report."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from booth.core import shift_reports
from booth.core.clock import FixedClock
from booth.core.db import run_read
from booth.core.models import CashMovement, Invoice, Shift, Stay
from booth.tui.app import BoothApp
from booth.tui.screens.checkin import CheckInScreen
from booth.tui.screens.checkout import CheckoutScreen
from booth.tui.screens.dashboard import DashboardScreen
from booth.tui.screens.invoice import InvoiceScreen
from booth.tui.screens.shift_close import ShiftCloseScreen
from booth.tui.screens.shift_movement import CashMovementScreen
from booth.tui.screens.shift_open import ShiftOpenScreen
from booth.tui.screens.shift_reports import XReportScreen, ZReportScreen
from tests.conftest import ATTENDANT_PASSWORD
from tests.tui.pilot import login, paste, settle, wait_until


async def test_float_to_z_report_by_keys(app: BoothApp, engine: Engine, clock: FixedClock) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await login(pilot, "ana", ATTENDANT_PASSWORD)
        assert isinstance(app.screen, ShiftOpenScreen)
        await paste(pilot, "50000")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)

        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        await paste(pilot, "ABC123")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)

        clock.advance(minutes=61, seconds=30)  # 2257 pesos at 37 per minute
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, CheckoutScreen)
        await paste(pilot, "ABC123")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")  # cash (the default): on to the amount received
        await settle(pilot)
        await paste(pilot, "10000")
        await pilot.press("enter")
        await settle(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, InvoiceScreen))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)

        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, CashMovementScreen)
        await pilot.press("escape")  # nothing recorded
        await settle(pilot)

        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, XReportScreen)
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, ShiftCloseScreen)
        await paste(pilot, "52000")  # expected 50000 + 2257: 257 short
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, ZReportScreen))

    [shift] = run_read(engine, lambda s: list(s.exec(select(Shift))))
    [invoice] = run_read(engine, lambda s: list(s.exec(select(Invoice))))
    [stay] = run_read(engine, lambda s: list(s.exec(select(Stay))))
    assert run_read(engine, lambda s: list(s.exec(select(CashMovement)))) == []
    assert (invoice.amount, invoice.tendered, invoice.change) == (2257, 10000, 7743)
    assert invoice.shift_id == shift.id and stay.exited_at is not None
    assert (shift.opening_float, shift.expected_cash, shift.counted_cash) == (50000, 52257, 52000)
    assert shift.closed_at is not None
    report = shift_reports.shift_report(engine, clock=clock, shift_id=shift.id or 0)
    assert report.expected_cash - (report.counted_cash or 0) == 257
