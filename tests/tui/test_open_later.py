"""The booth screen before its database: first frame first, database opened behind it."""

from __future__ import annotations

import os
import pty
import select
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from booth.core.audit import Actor
from booth.core.clock import FixedClock
from booth.core.lot import SetupOptions
from booth.core.setup import run_setup
from booth.tui import app as app_module
from booth.tui import startup
from booth.tui.app import Opened, create_app
from booth.tui.screens.firstrun import FirstRunScreen
from booth.tui.screens.login import LoginScreen
from booth.tui.screens.shift_open import ShiftOpenScreen
from tests.conftest import ATTENDANT_PASSWORD
from tests.tui.pilot import field, focused_id, message, paste, plain, settle

REPO = Path(__file__).resolve().parents[2]


class Gate:
    """Holds the app's opening of the database until the test lets it go."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.release = threading.Event()
        self.started = threading.Event()
        real = app_module.open_checked

        def held(target: str) -> Opened:
            self.started.set()
            assert self.release.wait(10), "the test never released the database"
            return real(target)

        monkeypatch.setattr(app_module, "open_checked", held)


async def test_login_is_shown_and_typed_into_before_the_database_is_open(
    engine: Engine, db_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(monkeypatch)
    app = create_app(str(db_path), clock=clock, booth="B1", open_later=True)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, LoginScreen)
            assert not app.database_ready
            assert plain(app, "#login-lot") == "booth"  # the lot's name comes with the database
            assert plain(app, "#login-booth") == "Booth B1"
            assert focused_id(app) == "username"
            await paste(pilot, "ana")
            await pilot.press("tab")
            await paste(pilot, ATTENDANT_PASSWORD)
            await pilot.press("enter")
            await pilot.pause()
            assert message(app, "#login-message") == "Checking…"  # waits for the database
            assert isinstance(app.screen, LoginScreen)
            assert gate.started.wait(5)
            gate.release.set()
            await settle(pilot)
            assert app.database_ready
            assert app.ctx.user is not None and app.ctx.user.username == "ana"
            assert isinstance(app.screen, ShiftOpenScreen)  # the login went through
            assert app.fatal_error is None
    finally:
        gate.release.set()
        app.dispose()


async def test_the_lots_name_appears_once_the_database_is_open(
    engine: Engine, db_path: Path, clock: FixedClock
) -> None:
    app = create_app(str(db_path), clock=clock, open_later=True)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, LoginScreen)
            assert app.database_ready
            assert plain(app, "#login-lot") == "Parqueadero Central"
            assert message(app, "#login-message") == ""
            assert focused_id(app) == "username"
    finally:
        app.dispose()


async def test_a_lot_without_an_operator_turns_to_the_first_run_form(
    db_path: Path, clock: FixedClock
) -> None:
    run_setup(
        str(db_path),
        clock=clock,
        actor=Actor("test", "B1"),
        options=SetupOptions(lot_name="Lote Norte"),
    )
    app = create_app(str(db_path), clock=clock, open_later=True)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, FirstRunScreen)
            assert field(app, "#lot-name").value == "Lote Norte"
            assert focused_id(app) == "lot-name"
    finally:
        app.dispose()


async def test_a_database_found_unusable_behind_the_screen_ends_the_app_with_its_sentence(
    tmp_path: Path, clock: FixedClock
) -> None:
    target = tmp_path / "booth.db"
    target.write_bytes(b"this is not sqlite" * 100)
    app = create_app(str(target), clock=clock, open_later=True)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
        assert app.return_code == 1
        assert app.fatal_error == (
            f"{target} is not a readable booth database (damaged or another file)."
        )
    finally:
        app.dispose()


def test_the_screen_imports_no_database_code() -> None:
    """What `booth` loads before its first frame: no SQLAlchemy, SQLModel or booth.core.db."""
    code = (
        "import sys, booth.cli, booth.cli.run, booth.tui.app, booth.tui.screens.login; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'sqlmodel', 'pydantic', 'bcrypt', 'alembic') "
        "or m in ('booth.core.db', 'booth.core.models', 'booth.core.auth')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
        check=True,
    )
    assert result.stdout == "[]\n"


class TestLooksReady:
    """The standard-library check that lets `booth run` draw before opening the database."""

    def test_a_set_up_lot(self, engine: Engine, db_path: Path) -> None:
        assert startup.looks_ready(str(db_path)) is True

    def test_anything_else_takes_the_careful_way(self, tmp_path: Path) -> None:
        damaged = tmp_path / "damaged.db"
        damaged.write_bytes(b"this is not sqlite" * 100)
        empty = tmp_path / "empty.db"
        sqlite3.connect(empty).close()
        assert startup.looks_ready(str(tmp_path / "missing.db")) is False
        assert startup.looks_ready(str(damaged)) is False
        assert startup.looks_ready(str(empty)) is False
        assert startup.looks_ready(str(tmp_path)) is False
        assert startup.looks_ready(f"sqlite:///{tmp_path / 'x.db'}") is False
        assert startup.looks_ready(":memory:") is False
        assert not (tmp_path / "missing.db").exists()

    def test_another_schema_or_no_lot(self, engine: Engine, db_path: Path) -> None:
        with sqlite3.connect(db_path) as conn:
            conn.execute("PRAGMA foreign_keys=OFF")
            conn.execute("DELETE FROM lot_settings")
        assert startup.looks_ready(str(db_path)) is False
        with sqlite3.connect(db_path) as conn:
            conn.execute("UPDATE alembic_version SET version_num = 'f00000000099'")
        assert startup.looks_ready(str(db_path)) is False


def test_booth_run_draws_first_and_exits_1_with_the_sentence_when_the_database_fails(
    engine: Engine, db_path: Path
) -> None:
    """A database that passes the quick check but cannot be opened: screen, then one sentence."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("DROP TABLE users")
    assert startup.looks_ready(str(db_path))
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "booth", "run", "--db", str(db_path), "--booth", "B1"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm-256color"},
        close_fds=True,
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            ready, _w, _x = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
            elif proc.poll() is not None:
                break
        code = proc.wait(timeout=10)
    finally:
        proc.kill()
        os.close(master)
    text = seen.decode(errors="replace")
    sentence = f"The database {db_path} cannot be used: no such table: users."
    assert code == 1
    assert "Enter: log in" in text  # the login was drawn before the database was open
    assert text.rstrip().endswith(sentence)  # printed after the screen closed
    assert "Traceback" not in text
