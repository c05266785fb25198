from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import func, select
from textual.widgets import Input

from booth.core import auth, shift_reports, shifts, stays
from booth.core.audit import Actor, SignedIn
from booth.core.clock import FixedClock
from booth.core.db import run_read, run_write
from booth.core.models import CashMovement, Invoice, Shift
from booth.tui.context import BoothContext
from booth.tui.screens.shift_close import ShiftCloseScreen
from booth.tui.screens.shift_keys import f9_screen
from booth.tui.screens.shift_movement import CashMovementScreen
from booth.tui.screens.shift_open import ShiftOpenScreen
from booth.tui.screens.shift_reports import XReportScreen, ZReportScreen
from tests.conftest import ATTENDANT_PASSWORD, signed_in
from tests.tui_shifts.conftest import Harness, text_of, until


def shift_rows(engine: Engine) -> list[Shift]:
    return list(run_read(engine, lambda s: s.exec(select(Shift)).all()))


def cash_sale(
    engine: Engine, clock: FixedClock, who: SignedIn, plate: str, minutes: int, shift_id: int
) -> Invoice:
    ci = stays.check_in(engine, clock=clock, who=who, plate=plate)
    clock.advance(minutes=minutes)
    return stays.check_out(engine, clock=clock, who=who, stay_id=ci.stay.id or 0, shift_id=shift_id)


async def test_open_shift_with_float(ctx: BoothContext, engine: Engine) -> None:
    app = Harness(ctx, ShiftOpenScreen)
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.screen.query_one("#float", Input).has_focus)
        await until(pilot, lambda: text_of(app.screen, "#title") == "Open your shift")
        await pilot.press("enter")
        await until(pilot, lambda: text_of(app.screen, "#message") != "")
        assert text_of(app.screen, "#message") == "Type the opening float (0 if there is none)."
        assert shift_rows(engine) == []
        await pilot.press(*"50.000", "enter")
        await until(pilot, lambda: app.results != [])
    rows = shift_rows(engine)
    assert [(r.id, r.opening_float, r.user_id, r.booth) for r in rows] == [
        (app.results[0], 50_000, ctx.require_user().user_id, "B1")
    ]


async def test_login_again_resumes_the_open_shift(
    ctx: BoothContext, engine: Engine, clock: FixedClock
) -> None:
    shift = shifts.open_shift(engine, clock=clock, who=ctx.require_user(), opening_float=0)
    app = Harness(ctx, ShiftOpenScreen)
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.results != [])
    assert app.results == [shift.id] and len(shift_rows(engine)) == 1


async def test_second_attendant_blocked_at_a_booth_with_an_open_shift(
    ctx: BoothContext, engine: Engine, clock: FixedClock
) -> None:
    run_write(
        engine,
        lambda s: auth.create_user(
            s,
            clock=clock,
            actor=Actor("admin", "B1"),
            username="beto",
            password=ATTENDANT_PASSWORD,
            role="attendant",
        ),
    )
    ana = ctx.require_user()
    shift = shifts.open_shift(engine, clock=clock, who=ana, opening_float=10_000)
    ctx.user = signed_in(engine, "beto", "B1")
    app = Harness(ctx, f9_screen)
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.screen.query_one("#blocked").display)
        screen = app.screen
        assert isinstance(screen, ShiftOpenScreen)
        assert text_of(screen, "#title") == "Another shift is open here"
        assert text_of(screen, "#blocked-text") == (
            f"The shift of ana is still open at this booth: they close it, or an operator "
            f"runs `booth shift close {shift.id}`.\n"
            "Until then you can check vehicles in, not take payments."
        )
        assert not screen.query_one("#open-form").display
        # Typing a float does nothing here: there is no form to type into.
        await pilot.press(*"5000", "enter")
        assert len(shift_rows(engine)) == 1
        shifts.close_shift(engine, clock=clock, who=ana, shift_id=shift.id or 0, counted=10_000)
        await pilot.press("f5")
        await until(pilot, lambda: screen.query_one("#open-form").display)
        assert text_of(screen, "#title") == "Open your shift"
        await pilot.press("escape")
        await until(pilot, lambda: app.results != [])
    assert app.results == [None]
    assert [r.closed_at is not None for r in shift_rows(engine)] == [True]


async def test_cash_drop_and_payout(ctx: BoothContext, engine: Engine, clock: FixedClock) -> None:
    shift = shifts.open_shift(engine, clock=clock, who=ctx.require_user(), opening_float=80_000)
    app = Harness(ctx, CashMovementScreen)
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.screen.query_one("#form").display)
        assert text_of(app.screen, "#drawer") == (
            f"Shift {shift.id}: the drawer should hold $ 80.000."
        )
        await pilot.press("tab", *"90000", "enter", *"too much", "enter")
        await until(pilot, lambda: text_of(app.screen, "#message") != "")
        assert text_of(app.screen, "#message") == (
            "The drawer should hold $ 80.000; cash drop of $ 90.000 is more than that."
        )
        amount = app.screen.query_one("#amount", Input)
        amount.value = "60000"
        amount.focus()
        await pilot.press("enter", "enter")
        await until(pilot, lambda: app.results != [])
    moves = run_read(engine, lambda s: s.exec(select(CashMovement)).all())
    assert [(m.id, m.kind, m.amount, m.reason) for m in moves] == [
        (app.results[0], "drop", 60_000, "too much")
    ]
    # A paid-out: the kind is picked with the arrow keys and space.
    app = Harness(ctx, CashMovementScreen)
    async with app.run_test() as pilot:
        await until(pilot, lambda: app.screen.query_one("#form").display)
        await pilot.press("down", "space", "tab", *"1500", "enter", *"window cleaning", "enter")
        await until(pilot, lambda: app.results != [])
    payout = run_read(engine, lambda s: s.get(CashMovement, app.results[0]))
    assert payout is not None and (payout.kind, payout.amount, payout.reason) == (
        "payout",
        1_500,
        "window cleaning",
    )
    report = shift_reports.own_report(engine, clock=clock, who=ctx.require_user())
    assert report.expected_cash == 80_000 - 60_000 - 1_500


async def test_x_report_shows_the_shift_so_far_and_prints(
    ctx: BoothContext, engine: Engine, clock: FixedClock, db_path: Path
) -> None:
    ana = ctx.require_user()
    shift = shifts.open_shift(engine, clock=clock, who=ana, opening_float=30_000)
    sid = shift.id or 0
    a = cash_sale(engine, clock, ana, "AAA111", 60, sid)
    b = cash_sale(engine, clock, ana, "BBB222", 15, sid)
    shifts.record_movement(engine, clock=clock, who=ana, kind="drop", amount=20_000, reason="safe")
    invoices = run_read(
        engine, lambda s: s.exec(select(func.sum(Invoice.amount)).where(Invoice.shift_id == sid))
    ).one()
    assert invoices == a.amount + b.amount == 2_775
    app = Harness(ctx, XReportScreen)
    async with app.run_test(size=(100, 50)) as pilot:
        await until(pilot, lambda: text_of(app.screen, "#report") != "")
        lines = text_of(app.screen, "#report").splitlines()
        assert text_of(app.screen, "#title") == "X report"
        assert "X REPORT - SHIFT OPEN" in lines[2]
        width = 42
        assert shift_reports.pair_line("Invoices", "2", width) in lines
        assert shift_reports.pair_line("  Cash (2)", "$ 2.775", width) in lines
        assert shift_reports.pair_line("  Total", "$ 2.775", width) in lines
        assert shift_reports.pair_line("Opening float", "$ 30.000", width) in lines
        assert shift_reports.pair_line("- Cash drops (1)", "$ 20.000", width) in lines
        assert shift_reports.pair_line("= Expected cash", "$ 12.775", width) in lines
        await pilot.press("p")
        await until(pilot, lambda: text_of(app.screen, "#message") != "")
        saved = db_path.parent / "receipts" / f"shift-{sid}-X-20260310T101500.txt"
        assert text_of(app.screen, "#message") == f"Saved to {saved}."
        assert saved.read_text(encoding="utf-8").splitlines() == lines
        await pilot.press("escape")
        await until(pilot, lambda: app.results != [])
    assert app.results == [None]
    stored = shift_rows(engine)[0]
    assert stored.closed_at is None


async def test_keys_without_an_own_shift_say_so(ctx: BoothContext) -> None:
    for make in (XReportScreen, CashMovementScreen, ShiftCloseScreen):
        app = Harness(ctx, make)
        async with app.run_test() as pilot:
            await until(pilot, lambda: text_of(app.screen, "#message") != "")  # noqa: B023
            assert text_of(app.screen, "#message") == (
                "Open your shift first: press F9 and type the float."
            )
            if make is not XReportScreen:
                assert app.screen.query_one("#leave-keys").display
            await pilot.press("escape")
            await until(pilot, lambda: app.results != [])  # noqa: B023
        assert app.results == [None]


async def test_close_short_then_z_report(
    ctx: BoothContext, engine: Engine, clock: FixedClock
) -> None:
    ana = ctx.require_user()
    shift = shifts.open_shift(engine, clock=clock, who=ana, opening_float=20_000)
    sid = shift.id or 0
    cash_sale(engine, clock, ana, "AAA111", 100, sid)  # 3.700
    app = Harness(ctx, ShiftCloseScreen)
    async with app.run_test(size=(100, 50)) as pilot:
        await until(pilot, lambda: app.screen.query_one("#counted", Input).has_focus)
        assert text_of(app.screen, "#title") == f"Close shift {sid}"
        await pilot.press(*"23000", "enter")
        await until(pilot, lambda: app.screen.query_one("#review").display)
        assert text_of(app.screen, "#review-text").splitlines() == [
            shift_reports.pair_line("Expected cash", "$ 23.700", 34),
            shift_reports.pair_line("Counted cash", "$ 23.000", 34),
            shift_reports.pair_line("Short", "-$ 700", 34),
            "",
            f"Close shift {sid} now? It cannot be reopened.",
        ]
        # Esc goes back to the count: nothing closed yet.
        await pilot.press("escape")
        await until(pilot, lambda: app.screen.query_one("#counted", Input).has_focus)
        assert shift_rows(engine)[0].closed_at is None
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.query_one("#review").display)
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ZReportScreen))
        await until(pilot, lambda: text_of(app.screen, "#report") != "")
        lines = text_of(app.screen, "#report").splitlines()
        assert text_of(app.screen, "#title") == "Z report"
        assert "Z REPORT - SHIFT CLOSED" in lines[2]
        assert shift_reports.pair_line("Counted cash", "$ 23.000", 42) in lines
        assert shift_reports.pair_line("Short", "-$ 700", 42) in lines
        await pilot.press("escape")
        await until(pilot, lambda: app.results != [])
    assert app.results == [sid]
    stored = shift_rows(engine)[0]
    assert (stored.expected_cash, stored.counted_cash, stored.closed_by) == (
        23_700,
        23_000,
        ana.user_id,
    )


async def test_close_over_counted_by_denomination(
    ctx: BoothContext, engine: Engine, clock: FixedClock
) -> None:
    ana = ctx.require_user()
    shift = shifts.open_shift(engine, clock=clock, who=ana, opening_float=71_000)
    sid = shift.id or 0
    app = Harness(ctx, ShiftCloseScreen)
    async with app.run_test(size=(100, 50)) as pilot:
        await until(pilot, lambda: app.screen.query_one("#counted", Input).has_focus)
        await pilot.press("f2")
        counted = app.screen.query_one("#counted", Input)
        assert counted.disabled
        # 1 x 50.000 bill, 1 x 20.000 bill, then 3 x 500 coins.
        await pilot.press("tab", "1", "tab", "1")
        for _ in range(6):
            await pilot.press("tab")
        await pilot.press("3")
        await until(pilot, lambda: counted.value == "71500")
        assert text_of(app.screen, "#message") == "Total of the bills and coins: $ 71.500"
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.query_one("#review").display)
        assert text_of(app.screen, "#review-text").splitlines()[2] == shift_reports.pair_line(
            "Over", "$ 500", 34
        )
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, ZReportScreen))
        await until(pilot, lambda: text_of(app.screen, "#report") != "")
        lines = text_of(app.screen, "#report").splitlines()
        assert shift_reports.pair_line("  3 x $ 500 coin", "$ 1.500", 42) in lines
        assert shift_reports.pair_line("Over", "$ 500", 42) in lines
        await pilot.press("escape")
        await until(pilot, lambda: app.results != [])
    assert app.results == [sid]
    stored = shift_rows(engine)[0]
    assert (stored.expected_cash, stored.counted_cash) == (71_000, 71_500)


async def test_close_refused_when_the_expected_cash_changed(
    ctx: BoothContext, engine: Engine, clock: FixedClock
) -> None:
    ana = ctx.require_user()
    shift = shifts.open_shift(engine, clock=clock, who=ana, opening_float=10_000)
    app = Harness(ctx, ShiftCloseScreen)
    async with app.run_test(size=(100, 50)) as pilot:
        await until(pilot, lambda: app.screen.query_one("#counted", Input).has_focus)
        await pilot.press(*"10000", "enter")
        await until(pilot, lambda: app.screen.query_one("#review").display)
        cash_sale(engine, clock, ana, "AAA111", 10, shift.id or 0)  # 370 more, meanwhile
        await pilot.press("y")
        await until(pilot, lambda: text_of(app.screen, "#message") != "")
        assert text_of(app.screen, "#message") == (
            "The expected cash changed to $ 10.370 meanwhile; "
            "check the difference again before closing."
        )
        assert isinstance(app.screen, ShiftCloseScreen)
    assert shift_rows(engine)[0].closed_at is None
