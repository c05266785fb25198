"""Snapshots of check-out and invoice with a FixedClock and fixed data.

Update after a deliberate change: `python3 -m pytest tests/tui_pay --snapshot-update`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from textual.pilot import Pilot
from textual.widgets import Input

from booth.core import stays
from booth.core.audit import SignedIn
from booth.core.clock import FixedClock
from booth.core.db import run_write
from booth.core.lot import SetupOptions, configure
from booth.tui.context import BoothContext
from booth.tui.screens.checkout import CheckoutScreen
from booth.tui.screens.invoice import InvoiceScreen
from tests.tui_pay.conftest import PayHarness, settle

SIZE = (100, 34)


def with_resolution(engine: Engine, clock: FixedClock, ana: SignedIn) -> None:
    run_write(
        engine,
        lambda s: configure(
            s,
            clock=clock,
            actor=ana.actor,
            options=SetupOptions(resolution="18764000001234", resolution_date="2026-01-15"),
        ),
    )


async def steady(pilot: Pilot[None]) -> None:
    """Settle, with the cursor shown steadily (a blinking cursor makes the picture random)."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await settle(pilot)


class TestCheckoutSnapshots:
    def test_cash_payment_with_change(
        self,
        snap_compare: Any,
        ctx: BoothContext,
        engine: Engine,
        clock: FixedClock,
        ana: SignedIn,
        fixed_tickets: list[str],
    ) -> None:
        stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
        clock.advance(hours=2, minutes=17, seconds=40)

        async def run_before(pilot: Pilot[None]) -> None:
            await pilot.press(*"abc123", "enter")
            await settle(pilot)
            await pilot.press("enter", *"10000")
            await steady(pilot)

        assert fixed_tickets == ["K7M4QX"]
        assert snap_compare(
            PayHarness(ctx, CheckoutScreen), run_before=run_before, terminal_size=SIZE
        )

    def test_refused_underpayment(
        self,
        snap_compare: Any,
        ctx: BoothContext,
        engine: Engine,
        clock: FixedClock,
        ana: SignedIn,
        fixed_tickets: list[str],
    ) -> None:
        stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
        clock.advance(minutes=95)

        async def run_before(pilot: Pilot[None]) -> None:
            await pilot.press(*"abc123", "enter")
            await settle(pilot)
            await pilot.press("enter", *"2000", "enter")
            await steady(pilot)

        assert snap_compare(
            PayHarness(ctx, CheckoutScreen), run_before=run_before, terminal_size=SIZE
        )


class TestInvoiceSnapshots:
    def test_invoice_after_cash_check_out(
        self,
        snap_compare: Any,
        ctx: BoothContext,
        engine: Engine,
        clock: FixedClock,
        ana: SignedIn,
        fixed_tickets: list[str],
    ) -> None:
        with_resolution(engine, clock, ana)
        ci = stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
        clock.advance(hours=2, minutes=17)
        inv = stays.check_out(
            engine,
            clock=clock,
            who=ana,
            stay_id=ci.stay.id or 0,
            tendered=10000,
            quoted_at=clock.now(),
        )

        async def run_before(pilot: Pilot[None]) -> None:
            await settle(pilot)

        app = PayHarness(ctx, lambda c: InvoiceScreen(c, inv.id or 0))
        assert snap_compare(app, run_before=run_before, terminal_size=(100, 48))
