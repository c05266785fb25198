"""Login screen, forced password change, lock and idle lock, driven by keys."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from booth.core import auth, shifts
from booth.core.clock import FixedClock
from booth.core.db import run_read, run_write
from booth.core.models import AuditEvent, Shift
from booth.tui.app import BoothApp
from booth.tui.screens.dashboard import DashboardScreen
from booth.tui.screens.login import LoginScreen
from booth.tui.screens.password import PasswordScreen
from booth.tui.screens.shift_open import ShiftOpenScreen
from tests.conftest import ATTENDANT_PASSWORD, signed_in
from tests.tui.conftest import AppFactory
from tests.tui.pilot import (
    field,
    focused_id,
    login,
    message,
    paste,
    settle,
    type_text,
    wait_until,
)

INVALID = "Invalid username or password"


@pytest.fixture
def ana_shift(engine: Engine, clock: FixedClock) -> int:
    """Ana's shift at B1 is open already (logging in resumes it)."""
    shift = shifts.open_shift(engine, clock=clock, who=signed_in(engine, "ana"), opening_float=0)
    assert shift.id is not None
    return shift.id


def footer_keys(app: BoothApp) -> list[tuple[str, str]]:
    return [(key.key_display, key.description) for key in app.screen.query(FooterKey)]


def set_user(engine: Engine, username: str, **values: object) -> None:
    def work(session) -> None:  # type: ignore[no-untyped-def]
        user = auth.get_user(session, username)
        for name, value in values.items():
            setattr(user, name, value)
        session.add(user)

    run_write(engine, work)


def audit_actions(engine: Engine) -> list[tuple[str, str, dict[str, object]]]:
    rows = run_read(engine, lambda s: s.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all())
    return [(row.action, row.subject, json.loads(row.details)) for row in rows]


async def test_login_screen_fields_keys_and_empty_fields(app: BoothApp, engine: Engine) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#login-lot", Static).content == "Parqueadero Central"
        assert focused_id(app) == "username"
        assert field(app, "#password").password is True
        assert footer_keys(app) == [("^Q", "Quit")]
        await pilot.press("f2", "ctrl+l")  # nothing to open or lock before a login
        assert isinstance(app.screen, LoginScreen)
        await pilot.press("enter")
        assert message(app, "#login-message") == "Type your username."
        await pilot.press("tab")
        assert focused_id(app) == "password"
        await pilot.press("enter")
        assert message(app, "#login-message") == "Type your username."
        assert focused_id(app) == "username"
        await type_text(pilot, "ana")
        await pilot.press("enter")  # Enter on the username goes on to the password
        assert focused_id(app) == "password"
        await pilot.press("enter")
        await settle(pilot)
        assert message(app, "#login-message") == "Type your password."
        assert isinstance(app.screen, LoginScreen)
    assert [a for a, _s, _d in audit_actions(engine) if a.startswith("login")] == []
    assert run_read(engine, lambda s: auth.get_user(s, "ana")).failed_attempts == 0


async def test_good_login_asks_for_the_float_then_shows_the_dashboard(
    app: BoothApp, engine: Engine
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "Ana", ATTENDANT_PASSWORD)
        assert isinstance(app.screen, ShiftOpenScreen)
        assert focused_id(app) == "float"
        await paste(pilot, "50.000")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.ctx.user is not None and app.ctx.user.username == "ana"
        assert app.ctx.user.booth == "B1"
        assert footer_keys(app) == [
            ("F2", "Check-in"),
            ("F3", "Check-out"),
            ("F4", "Invoices"),
            ("F6", "Cash"),
            ("F7", "Report"),
            ("F9", "Shift"),
            ("^L", "Lock"),
            ("^Q", "Quit"),
        ]
    [shift] = run_read(engine, lambda s: list(s.exec(select(Shift))))
    assert (shift.booth, shift.opening_float, shift.closed_at) == ("B1", 50000, None)


async def test_login_resumes_the_own_open_shift_without_asking(
    app: BoothApp, engine: Engine, ana_shift: int
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "ana", ATTENDANT_PASSWORD)
        assert isinstance(app.screen, DashboardScreen)
    assert len(run_read(engine, lambda s: list(s.exec(select(Shift))))) == 1


async def test_login_while_another_attendants_shift_is_open_says_whose(
    app: BoothApp, engine: Engine, clock: FixedClock
) -> None:
    admin = signed_in(engine, "admin", booth="B1")
    shifts.open_shift(engine, clock=clock, who=admin, opening_float=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "ana", ATTENDANT_PASSWORD)
        assert isinstance(app.screen, ShiftOpenScreen)
        text = str(app.screen.query_one("#blocked-text", Static).render())
        assert "The shift of admin is still open at this booth" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, ShiftOpenScreen)  # F9 shows the same, no payments


async def test_wrong_password_unknown_user_and_disabled_user_get_the_same_sentence(
    app: BoothApp, engine: Engine
) -> None:
    set_user(engine, "admin", active=False)
    async with app.run_test(size=(80, 24)) as pilot:
        for username, password in (
            ("ana", "not-the-password"),
            ("nobody", ATTENDANT_PASSWORD),
            ("admin", "operator-pass-1"),
        ):
            if focused_id(app) == "password":
                await pilot.press("shift+tab")  # back to the username, all selected
            await login(pilot, username, password)
            assert isinstance(app.screen, LoginScreen)
            assert message(app, "#login-message") == INVALID
            assert field(app, "#password").value == ""
            assert field(app, "#username").value == username
            assert focused_id(app) == "password"
    reasons = [d["reason"] for a, _s, d in audit_actions(engine) if a == "login.failed"]
    assert reasons == ["wrong password", "unknown user", "disabled"]


@pytest.mark.usefixtures("ana_shift")
async def test_locked_account_stays_locked_with_the_right_password(
    app: BoothApp, engine: Engine, clock: FixedClock
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "ana", "wrong-1")
        for attempt in range(2, 6):
            await paste(pilot, f"wrong-{attempt}")
            await pilot.press("enter")
            await settle(pilot)
        assert run_read(engine, lambda s: auth.get_user(s, "ana")).locked_until is not None
        await paste(pilot, ATTENDANT_PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert message(app, "#login-message") == INVALID
        assert app.ctx.user is None
        clock.advance(minutes=15)  # the lockout is over
        await paste(pilot, ATTENDANT_PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


@pytest.mark.usefixtures("ana_shift")
async def test_forced_password_change(app: BoothApp, engine: Engine) -> None:
    """After an operator reset the user sets a new password (twice) before anything else."""
    set_user(engine, "ana", must_change_password=True)
    before = run_read(engine, lambda s: auth.get_user(s, "ana")).password_hash
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "ana", ATTENDANT_PASSWORD)
        assert isinstance(app.screen, PasswordScreen)
        assert focused_id(app) == "new-password"
        assert app.ctx.user is None
        assert footer_keys(app) == [("Esc", "Back to login"), ("^L", "Lock"), ("^Q", "Quit")]
        await pilot.press("f2")
        assert isinstance(app.screen, PasswordScreen)
        # Esc: back to the login, which asks again.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert message(app, "#login-message") == (
            "The password was not changed. Log in again to change it."
        )
        assert app.session_open is False
        await login(pilot, "ana", ATTENDANT_PASSWORD)
        assert isinstance(app.screen, PasswordScreen)
        for first, second, expected in (
            ("short", "short", "A password needs at least 8 characters."),
            ("long-enough-1", "long-enough-2", "The two passwords differ; type them again."),
            (
                ATTENDANT_PASSWORD,
                ATTENDANT_PASSWORD,
                "Choose a password different from the current one.",
            ),
            (
                "ñ" * 40,
                "ñ" * 40,
                "A password can be at most 72 bytes long (UTF-8); this one is too long.",
            ),
        ):
            await paste(pilot, first)
            await pilot.press("enter")
            await paste(pilot, second)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, PasswordScreen)
            assert message(app, "#password-message") == expected
            assert field(app, "#new-password").value == ""
            assert field(app, "#repeat-password").value == ""
            assert focused_id(app) == "new-password"
        after = run_read(engine, lambda s: auth.get_user(s, "ana"))
        assert (after.password_hash, after.must_change_password) == (before, True)
        await paste(pilot, "brand-new-pass")
        await pilot.press("enter")
        assert focused_id(app) == "repeat-password"
        await paste(pilot, "brand-new-pass")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.ctx.user is not None
    user = run_read(engine, lambda s: auth.get_user(s, "ana"))
    assert user.must_change_password is False
    assert auth.check_password("brand-new-pass", user.password_hash)
    assert ("user.password_change", "ana", {}) in audit_actions(engine)


class TestLock:
    async def test_ctrl_l_ends_the_session(self, app: BoothApp, engine: Engine) -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await login(pilot, "ana", ATTENDANT_PASSWORD)
            await pilot.press("f2")
            await settle(pilot)
            await pilot.press("ctrl+l")
            await settle(pilot)
            assert isinstance(app.screen, LoginScreen)
            assert len(app.screen_stack) == 2  # Textual's default screen, then the login
            assert app.ctx.user is None
            assert message(app, "#login-message") == "Locked. Log in again."
            assert field(app, "#username").value == ""
            assert focused_id(app) == "username"
            await pilot.press("f2")
            assert isinstance(app.screen, LoginScreen)
        assert audit_actions(engine)[-1] == ("logout", "ana", {"reason": "key"})

    @pytest.mark.usefixtures("ana_shift")
    async def test_idle_minutes_lock_the_screen(
        self, app: BoothApp, engine: Engine, clock: FixedClock
    ) -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            clock.advance(hours=3)
            assert app.check_idle_lock() is False  # nobody logged in: nothing to lock
            await login(pilot, "ana", ATTENDANT_PASSWORD)
            clock.advance(minutes=4, seconds=59)
            assert app.check_idle_lock() is False
            await pilot.press("a")  # typing in the search box is activity
            clock.advance(minutes=4, seconds=59)
            assert app.check_idle_lock() is False
            assert isinstance(app.screen, DashboardScreen)
            clock.advance(seconds=1)
            assert app.check_idle_lock() is True
            await settle(pilot)
            assert isinstance(app.screen, LoginScreen)
            assert (
                message(app, "#login-message")
                == "Locked: nothing was typed for 5 min. Log in again."
            )
        assert audit_actions(engine)[-1] == ("logout", "ana", {"reason": "idle"})

    @pytest.mark.usefixtures("ana_shift")
    async def test_idle_minutes_come_from_the_lot_and_the_timer_checks(
        self, engine: Engine, make_app: AppFactory, clock: FixedClock
    ) -> None:
        from booth.core.models import LotSettings

        def two_minutes(session) -> None:  # type: ignore[no-untyped-def]
            settings = session.get(LotSettings, 1)
            settings.idle_lock_minutes = 2
            session.add(settings)

        run_write(engine, two_minutes)
        app = make_app(idle_check_seconds=0.05)
        async with app.run_test(size=(80, 24)) as pilot:
            await login(pilot, "ana", ATTENDANT_PASSWORD)
            await pilot.pause(0.2)
            assert isinstance(app.screen, DashboardScreen)
            clock.advance(minutes=2)
            await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
            assert (
                message(app, "#login-message")
                == "Locked: nothing was typed for 2 min. Log in again."
            )

    async def test_idle_during_a_forced_password_change_also_locks(
        self, app: BoothApp, engine: Engine, clock: FixedClock
    ) -> None:
        set_user(engine, "ana", must_change_password=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await login(pilot, "ana", ATTENDANT_PASSWORD)
            assert isinstance(app.screen, PasswordScreen)
            clock.advance(minutes=5)
            assert app.check_idle_lock() is True
            await settle(pilot)
            assert isinstance(app.screen, LoginScreen)
