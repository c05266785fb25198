"""Starting the booth: first run on a new database, and databases that cannot be used."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from booth.core import auth, lot
from booth.core.audit import Actor
from booth.core.clock import FixedClock
from booth.core.db import open_database, run_read
from booth.core.lot import SetupOptions
from booth.core.setup import run_setup
from booth.tui.app import create_app, run
from booth.tui.screens.dashboard import DashboardScreen
from booth.tui.screens.firstrun import FirstRunScreen
from booth.tui.screens.login import LoginScreen
from booth.tui.screens.shift_open import ShiftOpenScreen
from tests.tui.conftest import AppFactory
from tests.tui.pilot import field, focused_id, message, paste, plain, settle, type_text

REPO = Path(__file__).resolve().parents[2]


async def fill_first_run(pilot, lot_name: str, username: str, first: str, second: str) -> None:  # type: ignore[no-untyped-def]
    """Type into the four fields from the top, Enter after each."""
    for selector, text in (
        ("#lot-name", lot_name),
        ("#operator", username),
        ("#operator-password", first),
        ("#operator-repeat", second),
    ):
        assert focused_id(pilot.app) == selector[1:]
        await pilot.press("ctrl+u")
        await paste(pilot, text)
        await pilot.press("enter")
    await settle(pilot)


async def test_new_database_first_run_then_login(
    db_path: Path, make_app: AppFactory, clock: FixedClock
) -> None:
    app = make_app()
    assert not db_path.exists()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        assert focused_id(app) == "lot-name"
        assert not db_path.exists()  # nothing is written before the form is complete
        await paste(pilot, "Mi Lote")
        await pilot.press("enter")
        await type_text(pilot, "Admin")
        await pilot.press("enter")
        await paste(pilot, "first-pass-1")
        await pilot.press("enter")
        await paste(pilot, "first-pass-1")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert message(app, "#login-message") == "Lot 'Mi Lote' is ready. Log in as admin."
        assert field(app, "#username").value == "admin"
        assert focused_id(app) == "password"
        assert plain(app, "#login-lot") == "Mi Lote"
        await paste(pilot, "first-pass-1")
        await pilot.press("enter")
        await settle(pilot)
        # No shift yet: the app asks for the opening float; Esc goes on without one.
        assert isinstance(app.screen, ShiftOpenScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert plain(app, "#top-lot") == "Mi Lote"
    engine = open_database(str(db_path))
    try:
        admin = run_read(engine, lambda s: auth.get_user(s, "admin"))
        assert admin.role == "operator"
        assert run_read(engine, lambda s: lot.get_settings(s).name) == "Mi Lote"
        assert run_read(engine, lambda s: lot.active_authorization(s)) is not None
    finally:
        engine.dispose()


async def test_first_run_refusals_write_nothing(db_path: Path, make_app: AppFactory) -> None:
    app = make_app()

    async def enter_until_submitted() -> None:
        while focused_id(app) != "operator-repeat":
            await pilot.press("enter")
        await pilot.press("enter")
        await settle(pilot)

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # no lot name
        await type_text(pilot, "bad user!")
        await pilot.press("enter")
        await paste(pilot, "short")
        await pilot.press("enter")
        await paste(pilot, "short")
        await pilot.press("enter")
        await settle(pilot)
        assert message(app, "#firstrun-message") == "Type the lot's name."
        assert focused_id(app) == "lot-name"

        await paste(pilot, "Mi Lote")
        await enter_until_submitted()
        assert message(app, "#firstrun-message") == (
            "A username uses only letters a-z, digits, '.', '_' or '-', "
            "starting with a letter or digit."
        )
        assert focused_id(app) == "operator"

        await pilot.press("ctrl+u")
        await type_text(pilot, "admin")
        await enter_until_submitted()
        assert message(app, "#firstrun-message") == "A password needs at least 8 characters."
        assert focused_id(app) == "operator-password"
        assert field(app, "#operator-password").value == ""
        assert field(app, "#operator-repeat").value == ""

        await paste(pilot, "first-pass-1")
        await pilot.press("enter")
        await paste(pilot, "first-pass-2")
        await pilot.press("enter")
        await settle(pilot)
        assert message(app, "#firstrun-message") == "The two passwords differ; type them again."
        assert focused_id(app) == "operator-password"
        assert field(app, "#operator-repeat").value == ""
        assert isinstance(app.screen, FirstRunScreen)
    assert not db_path.exists()


async def test_first_run_shows_a_setup_failure_on_screen(tmp_path: Path, clock: FixedClock) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    target = blocker / "booth.db"
    app = create_app(str(target), clock=clock)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await fill_first_run(pilot, "Mi Lote", "admin", "first-pass-1", "first-pass-1")
            assert isinstance(app.screen, FirstRunScreen)
            assert message(app, "#firstrun-message").startswith(
                f"Cannot create the folder for {target}:"
            )
            assert field(app, "#operator-password").value == ""
    finally:
        app.dispose()


async def test_lot_without_operator_asks_for_one_and_keeps_its_name(
    db_path: Path, make_app: AppFactory, clock: FixedClock
) -> None:
    run_setup(
        str(db_path),
        clock=clock,
        actor=Actor("test", "B1"),
        options=SetupOptions(lot_name="Lote Norte"),
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        assert field(app, "#lot-name").value == "Lote Norte"
        await fill_first_run(pilot, "Lote Norte", "jefe", "first-pass-1", "first-pass-1")
        assert isinstance(app.screen, LoginScreen)
        assert field(app, "#username").value == "jefe"
        assert focused_id(app) == "password"
        await paste(pilot, "first-pass-1")
        await pilot.press("enter")
        await settle(pilot)
        # No shift yet: the app asks for the opening float; Esc goes on without one.
        assert isinstance(app.screen, ShiftOpenScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


class TestUnusableDatabase:
    """One sentence on stderr and exit 1, never a traceback."""

    def run_and_fail(self, target: Path, capsys: pytest.CaptureFixture[str]) -> str:
        with pytest.raises(SystemExit) as exit_info:
            run(target=str(target), booth="B1")
        assert exit_info.value.code == 1
        out, err = capsys.readouterr()
        assert out == ""
        assert err.count("\n") == 1
        return err.strip()

    def test_damaged_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        target = tmp_path / "booth.db"
        target.write_bytes(b"this is not sqlite" * 100)
        assert self.run_and_fail(target, capsys) == (
            f"{target} is not a readable booth database (damaged or another file)."
        )

    def test_folder_instead_of_a_file(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert self.run_and_fail(tmp_path, capsys) == f"Cannot open the database {tmp_path}."

    def test_database_from_a_newer_booth(
        self, engine: Engine, db_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        with sqlite3.connect(db_path) as conn:
            conn.execute("UPDATE alembic_version SET version_num = 'f00000000099'")
        assert self.run_and_fail(db_path, capsys) == (
            "This database was written by a newer version of booth (schema f00000000099); "
            "install that version to use it."
        )

    def test_operator_without_a_lot(
        self, engine: Engine, db_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        with sqlite3.connect(db_path) as conn:
            conn.execute("PRAGMA foreign_keys=OFF")
            conn.execute("DELETE FROM lot_settings")
        assert self.run_and_fail(db_path, capsys) == (
            "This lot is not set up yet. Run `booth setup` first."
        )

    def test_from_the_command_line(self, tmp_path: Path) -> None:
        target = tmp_path / "booth.db"
        target.write_bytes(b"\x00garbage" * 64)
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        result = subprocess.run(
            [sys.executable, "-m", "booth", "run", "--db", str(target), "--booth", "B1"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert result.stderr == (
            f"{target} is not a readable booth database (damaged or another file).\n"
        )
