"""Dashboard: who and where, occupancy, vehicles inside (live, searchable), warnings."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session
from textual.widgets import DataTable

from booth.core import lot
from booth.core.clock import FixedClock
from booth.core.db import run_write
from booth.tui.app import BoothApp
from booth.tui.screens.checkin import CheckInScreen
from booth.tui.screens.dashboard import DashboardScreen
from booth.tui.widgets.occupancy import OccupancyBox
from tests.tui.conftest import AppFactory, park
from tests.tui.pilot import (
    message,
    plain,
    settle,
    sign_in,
    table_rows,
    type_text,
    wait_until,
)

ALL_ROWS = [
    ("XYZ12D", "Motorcycle", "08:50", "10 min", "$ 200"),
    ("DEF456", "Car", "08:15", "45 min", "$ 1.665"),
    ("ABC123", "Car", "06:30", "2 h 30 min", "$ 5.550"),
    ("GHI789", "Car", "03-09 07:00", "1 d 02 h", "$ 57.720"),
]


def set_next_invoice(engine: Engine, next_number: int) -> None:
    def work(session: Session) -> None:
        auth = lot.active_authorization(session)
        assert auth is not None
        auth.next_number = next_number
        session.add(auth)

    run_write(engine, work)


async def test_header_shows_lot_booth_attendant_and_the_lots_local_time(
    busy_app: BoothApp,
) -> None:
    async with busy_app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        assert plain(busy_app, "#top-lot") == "Parqueadero Central"
        assert plain(busy_app, "#top-who") == "Booth B1 · Ana Pérez (ana)"
        # START is 09:00 in Bogotá (14:00 UTC): the clock shows the lot's zone.
        assert plain(busy_app, "#top-clock") == "2026-03-10 09:00:00"


async def test_occupancy_per_type_with_free_spaces_first(busy_app: BoothApp) -> None:
    async with busy_app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        assert plain(busy_app, "#occ-car") == "47 free\n3 / 50 used"
        assert plain(busy_app, "#occ-motorcycle") == "9 free\n1 / 10 used"
        bicycles = busy_app.screen.query_one("#occ-bicycle", OccupancyBox)
        assert bicycles.display is False  # the lot takes no bicycles


async def test_table_lists_vehicles_inside_newest_first_with_time_and_fee(
    busy_app: BoothApp,
) -> None:
    async with busy_app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        assert table_rows(busy_app, "#inside") == ALL_ROWS
        assert message(busy_app, "#dashboard-status") == "4 vehicles inside."


async def test_table_updates_live_from_the_clock_and_other_booths(
    busy_engine: Engine, make_app: AppFactory, clock: FixedClock
) -> None:
    app = make_app(refresh_seconds=0.05)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        clock.advance(minutes=10)
        park(busy_engine, clock.now(), "NEW111", "car", "B2")
        await wait_until(pilot, lambda: len(table_rows(app, "#inside")) == 5)
        rows = table_rows(app, "#inside")
        assert rows[0] == ("NEW111", "Car", "09:10", "0 min", "$ 0")
        assert rows[2] == ("DEF456", "Car", "08:15", "55 min", "$ 2.035")
        assert plain(app, "#occ-car") == "46 free\n4 / 50 used"
        assert plain(app, "#top-clock") == "2026-03-10 09:10:00"


async def test_no_reload_while_another_screen_is_on_top(
    busy_engine: Engine, make_app: AppFactory
) -> None:
    app = make_app(refresh_seconds=0.05)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        seen = dashboard.snapshot
        await pilot.pause(0.3)
        assert dashboard.snapshot is seen
        await pilot.press("escape")
        await wait_until(pilot, lambda: dashboard.snapshot is not seen)


async def test_typing_filters_by_plate_or_ticket(busy_app: BoothApp) -> None:
    ticket = "MNP567"  # ABC123's ticket (see BUSY_STAYS)
    async with busy_app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await type_text(pilot, "de")
        assert [r[0] for r in table_rows(busy_app, "#inside")] == ["DEF456"]
        assert message(busy_app, "#dashboard-status") == "1 of 4 vehicles inside match."
        await pilot.press("escape")
        assert table_rows(busy_app, "#inside") == ALL_ROWS
        await type_text(pilot, "c-1")  # dashes and case do not matter
        assert [r[0] for r in table_rows(busy_app, "#inside")] == ["ABC123"]
        await pilot.press("escape")
        await type_text(pilot, ticket[:3].lower() + "-" + ticket[3:])
        assert [r[0] for r in table_rows(busy_app, "#inside")] == ["ABC123"]
        await pilot.press("escape")
        await type_text(pilot, "qq")
        assert table_rows(busy_app, "#inside") == []
        assert message(busy_app, "#dashboard-status") == "0 of 4 vehicles inside match."


async def test_arrow_keys_move_through_the_table_while_typing_stays_in_search(
    busy_app: BoothApp,
) -> None:
    async with busy_app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        table = busy_app.screen.query_one("#inside", DataTable)
        await pilot.press("down", "down")
        assert table.cursor_row == 2
        await pilot.press("pagedown")
        assert table.cursor_row == 3
        await pilot.press("up")
        assert table.cursor_row == 2
        assert busy_app.focused is not None and busy_app.focused.id == "search"


async def test_empty_lot_and_the_numbering_warning_from_ninety_percent(
    app: BoothApp, engine: Engine
) -> None:
    set_next_invoice(engine, 90_000)  # 89 999 of 100 000 numbers used
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen)
        assert table_rows(app, "#inside") == []
        assert plain(app, "#occ-car") == "50 free\n0 / 50 used"
        assert message(app, "#dashboard-status") == "0 vehicles inside."
        warning = app.screen.query_one("#numbering-warning")
        assert warning.display is False

        set_next_invoice(engine, 90_001)
        dashboard.reload()
        await settle(pilot)
        assert warning.display is True
        assert message(app, "#numbering-warning") == (
            "90 % of the invoice numbers are used (10000 left, last FV100000): "
            "ask the operator for a new DIAN authorisation."
        )

        set_next_invoice(engine, 100_001)
        dashboard.reload()
        await settle(pilot)
        assert message(app, "#numbering-warning") == (
            "The authorised invoice numbers are used up: check-out is blocked. "
            "The operator must enter the new DIAN authorisation."
        )
