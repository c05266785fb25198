"""Check-in (F2): plate, inferred type, Enter; every refusal writes nothing."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from booth.core.clock import FixedClock
from booth.core.db import run_read, run_write
from booth.core.models import AuditEvent, Stay, VehicleType
from booth.tui.app import BoothApp
from booth.tui.screens.checkin import CheckInScreen
from booth.tui.screens.dashboard import DashboardScreen
from booth.tui.screens.login import LoginScreen
from booth.tui.widgets.type_picker import TypePicker
from booth.tui.workers import deliver
from tests.conftest import START
from tests.tui.conftest import add_tariff, park
from tests.tui.pilot import (
    field,
    focused_id,
    message,
    paste,
    plain,
    settle,
    sign_in,
    table_rows,
    type_text,
)


def set_capacity(engine: Engine, **capacities: int) -> None:
    def work(session: Session) -> None:
        for code, capacity in capacities.items():
            vt = session.get(VehicleType, code)
            assert vt is not None
            vt.capacity = capacity
            session.add(vt)

    run_write(engine, work)


def counts(engine: Engine) -> tuple[int, int]:
    """(stays, audit events): both unchanged after a refusal."""
    return run_read(
        engine,
        lambda s: (
            s.exec(select(func.count()).select_from(Stay)).one(),
            s.exec(select(func.count()).select_from(AuditEvent)).one(),
        ),
    )


def picker(app: BoothApp) -> TypePicker:
    return app.screen.query_one(TypePicker)


async def open_checkin(pilot, app: BoothApp) -> None:  # type: ignore[no-untyped-def]
    await sign_in(pilot)
    await pilot.press("f2")
    await settle(pilot)
    assert isinstance(app.screen, CheckInScreen)


async def confirm(pilot, plate: str) -> None:  # type: ignore[no-untyped-def]
    await type_text(pilot, plate)
    await pilot.press("enter")
    await settle(pilot)


async def test_f2_opens_check_in_with_the_plate_field_focused(app: BoothApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checkin(pilot, app)
        assert focused_id(app) == "plate"
        keys = [(k.key_display, k.description) for k in app.screen.query(FooterKey)]
        assert keys == [
            ("↑↓", "Type"),
            ("Esc", "Dashboard"),
            ("F3", "Check-out"),
            ("F4", "Invoices"),
            ("^L", "Lock"),
            ("^Q", "Quit"),
        ]
        assert picker(app).accepted == {"car": 50}
        await pilot.press("f2")  # pressing it again keeps the same screen
        await settle(pilot)
        assert len([s for s in app.screen_stack if isinstance(s, CheckInScreen)]) == 1


async def test_enter_checks_in_and_shows_the_ticket(app: BoothApp, engine: Engine) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checkin(pilot, app)
        await confirm(pilot, "abc-123")
        stay = run_read(engine, lambda s: s.exec(select(Stay)).one())
        assert (stay.plate, stay.vehicle_type, stay.entry_booth) == ("ABC123", "car", "B1")
        assert stay.entered_at == START
        ticket = f"{stay.ticket_code[:3]}-{stay.ticket_code[3:]}"
        assert re.fullmatch(r"[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}", ticket)
        assert message(app, "#checkin-message") == "ABC123 checked in."
        assert plain(app, "#confirmation") == (
            f"ABC123  ·  Car  ·  2026-03-10 09:00\nTicket  {ticket}"
        )
        assert app.screen.query_one("#confirmation", Static).display is True
        assert field(app, "#plate").value == ""
        assert focused_id(app) == "plate"
        assert plain(app, "#occ-car") == "49 free\n1 / 50 used"
        # The next car right away, same screen.
        await confirm(pilot, "DEF456")
        assert message(app, "#checkin-message") == "DEF456 checked in."
        assert counts(engine)[0] == 2


async def test_escape_returns_to_the_dashboard_which_shows_the_car(app: BoothApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checkin(pilot, app)
        await confirm(pilot, "ABC123")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert table_rows(app, "#inside") == [("ABC123", "Car", "09:00", "0 min", "$ 0")]


async def test_type_is_inferred_from_the_plate_and_changed_with_arrows(
    app: BoothApp, engine: Engine
) -> None:
    set_capacity(engine, motorcycle=5, bicycle=3)
    add_tariff(engine, "motorcycle", 20, START)
    add_tariff(engine, "bicycle", 5, START)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checkin(pilot, app)
        await type_text(pilot, "xyz12")
        assert picker(app).selected == "motorcycle"
        await type_text(pilot, "d")
        assert picker(app).selected == "motorcycle"
        await pilot.press("backspace", "backspace", "3", "4")
        assert picker(app).selected == "car"  # XYZ134
        await pilot.press("down")
        assert picker(app).selected == "motorcycle"
        await pilot.press("down")
        assert picker(app).selected == "bicycle"
        await pilot.press("down")
        assert picker(app).selected == "car"
        await pilot.press("up")
        assert picker(app).selected == "bicycle"
        await type_text(pilot, "5")  # a chosen type is kept while typing
        assert picker(app).selected == "bicycle"
        await pilot.press("backspace", "enter")
        await settle(pilot)
        stay = run_read(engine, lambda s: s.exec(select(Stay)).one())
        assert (stay.plate, stay.vehicle_type) == ("XYZ134", "bicycle")
        assert plain(app, "#confirmation").startswith("XYZ134  ·  Bicycle  ·  ")
        # The next car starts from the plate again.
        await type_text(pilot, "KLM12")
        assert picker(app).selected == "motorcycle"


class TestRefusals:
    """Each refusal: one clear sentence, nothing written, the plate kept to fix it."""

    async def test_refusals_from_the_lot(self, app: BoothApp, engine: Engine) -> None:
        park(engine, START, "ABC123", "car", booth="B2")
        async with app.run_test(size=(80, 24)) as pilot:
            await open_checkin(pilot, app)
            before = counts(engine)  # after the login's own audit event

            await confirm(pilot, "ABC 123")
            assert message(app, "#checkin-message") == (
                "ABC123 is already inside since 2026-03-10 09:00 (booth B2)."
            )
            assert field(app, "#plate").value == "ABC 123"
            assert app.screen.query_one("#confirmation", Static).display is False

            await pilot.press("ctrl+u")
            await confirm(pilot, "XYZ12D")
            assert message(app, "#checkin-message") == "This lot does not accept motorcycles."
            assert picker(app).selected == "motorcycle"
            await pilot.press("down", "enter")
            await settle(pilot)
            assert message(app, "#checkin-message") == "This lot does not accept bicycles."
            assert field(app, "#plate").value == "XYZ12D"

            set_capacity(engine, motorcycle=5)
            await pilot.press("up", "enter")
            await settle(pilot)
            assert message(app, "#checkin-message") == (
                "There is no tariff for motorcycles; the operator must set one."
            )

            set_capacity(engine, car=1)
            await pilot.press("up", "enter")
            await settle(pilot)
            assert picker(app).selected == "car"
            assert message(app, "#checkin-message") == "The lot is full for cars (1 / 1)."
            assert field(app, "#plate").value == "XYZ12D"
            assert counts(engine) == before

            set_capacity(engine, car=2)  # a space frees: the same plate goes in as a car
            await pilot.press("enter")
            await settle(pilot)
            assert message(app, "#checkin-message") == "XYZ12D checked in."
        stay = run_read(engine, lambda s: s.exec(select(Stay).where(Stay.plate == "XYZ12D")).one())
        assert stay.vehicle_type == "car"

    async def test_plates_that_cannot_be(self, app: BoothApp, engine: Engine) -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await open_checkin(pilot, app)
            before = counts(engine)
            await pilot.press("enter")
            assert message(app, "#checkin-message") == "Type the plate."
            await type_text(pilot, "ñ")
            await pilot.press("enter")
            assert message(app, "#checkin-message") == (
                "A plate has only letters A-Z and digits (spaces and dashes are ignored)."
            )
            for typed, expected in (
                ("AB", "A plate has at least 3 letters or digits."),
                ("ABC12345X", "A plate has at most 8 letters or digits."),
                (
                    "AB.123",
                    "A plate has only letters A-Z and digits (spaces and dashes are ignored).",
                ),
                ("  -  ", "Type the plate."),
            ):
                await pilot.press("ctrl+u")
                await paste(pilot, typed)
                await pilot.press("enter")
                await settle(pilot)
                assert message(app, "#checkin-message") == expected, typed
                assert field(app, "#plate").value == typed
            assert counts(engine) == before


async def test_clock_going_on_shows_in_the_confirmation(
    app: BoothApp, engine: Engine, clock: FixedClock
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checkin(pilot, app)
        clock.advance(minutes=75)
        await confirm(pilot, "ABC123")
        assert plain(app, "#confirmation").startswith("ABC123  ·  Car  ·  2026-03-10 10:15")
    entered = run_read(engine, lambda s: s.exec(select(col(Stay.entered_at))).one())
    assert entered == START + timedelta(minutes=75)


async def test_a_result_arriving_after_the_lock_is_dropped(app: BoothApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checkin(pilot, app)
        screen = app.screen
        assert isinstance(screen, CheckInScreen)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert not screen.is_attached
        # What a check-in worker still running at the lock would hand back.
        await asyncio.to_thread(deliver, screen, screen._refused, "late")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.is_running
