import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from typer.testing import CliRunner

from booth.cli import app
from booth.core import shifts, stays
from booth.core.audit import SignedIn
from booth.core.clock import FixedClock
from booth.core.db import run_read
from booth.core.models import AuditEvent, Shift
from tests.conftest import ATTENDANT_PASSWORD, OPERATOR_PASSWORD

REPO = Path(__file__).resolve().parents[2]


def close_args(db: Path, shift_id: int, counted: str, *extra: str) -> list[str]:
    return [
        "shift",
        "close",
        str(shift_id),
        "--counted",
        counted,
        "--user",
        "admin",
        "--password-stdin",
        "--db",
        str(db),
        *extra,
    ]


@pytest.fixture
def busy_shift(engine: Engine, clock: FixedClock, ana: SignedIn) -> Shift:
    """Ana's open shift: float 50.000, one cash invoice of 2.220, a drop of 20.000."""
    shift = shifts.open_shift(engine, clock=clock, who=ana, opening_float=50_000)
    ci = stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    clock.advance(minutes=60)
    stays.check_out(
        engine, clock=clock, who=ana, stay_id=ci.stay.id or 0, tendered=10_000, shift_id=shift.id
    )
    shifts.record_movement(engine, clock=clock, who=ana, kind="drop", amount=20_000, reason="safe")
    return shift


def test_list_and_show(runner: CliRunner, db_path: Path, busy_shift: Shift) -> None:
    r = runner.invoke(app, ["shift", "list", "--json", "--db", str(db_path)])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert [(x["id"], x["status"], x["expected_cash"]) for x in rows] == [
        (busy_shift.id, "open", 32_220)
    ]
    assert set(rows[0]) == {
        "id",
        "booth",
        "attendant",
        "status",
        "opened_at",
        "closed_at",
        "closed_by",
        "opening_float",
        "expected_cash",
        "counted_cash",
        "difference",
    }
    r = runner.invoke(app, ["shift", "list", "--db", str(db_path)])
    assert r.exit_code == 0 and "Ana Pérez (ana)" in r.stdout and "$ 32.220" in r.stdout
    r = runner.invoke(app, ["shift", "list", "--date", "2026-03-11", "--db", str(db_path)])
    assert r.exit_code == 0 and r.stdout.strip() == "No shifts."
    r = runner.invoke(app, ["shift", "show", str(busy_shift.id), "--db", str(db_path)])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert "X REPORT - SHIFT OPEN" in lines[2]
    assert "= Expected cash".ljust(33) + " $ 32.220" in lines
    assert max(len(line) for line in lines) <= 42
    r = runner.invoke(
        app, ["shift", "show", str(busy_shift.id), "--format", "json", "--db", str(db_path)]
    )
    data = json.loads(r.stdout)
    assert data["report"] == "X" and data["expected_cash"] == 32_220
    assert data["by_method"]["cash"] == {"count": 1, "amount": 2_220}
    assert data["movements"] == [
        {"kind": "drop", "amount": 20_000, "reason": "safe", "at": "2026-03-10T10:00:00-05:00"}
    ]


def test_operator_closes_an_abandoned_shift(
    runner: CliRunner, db_path: Path, engine: Engine, busy_shift: Shift
) -> None:
    sid = busy_shift.id or 0
    r = runner.invoke(
        app,
        close_args(db_path, sid, "32.000", "--reason", "Ana went home"),
        input=OPERATOR_PASSWORD + "\n",
    )
    assert r.exit_code == 0, r.output
    assert r.stdout.strip() == (
        f"Shift {sid} closed: expected $ 32.220, counted $ 32.000, short $ 220."
    )
    stored = run_read(engine, lambda s: s.get(Shift, sid))
    assert stored is not None and stored.closed_at is not None
    assert (stored.counted_cash, stored.expected_cash, stored.close_reason) == (
        32_000,
        32_220,
        "Ana went home",
    )
    r = runner.invoke(app, ["shift", "show", str(sid), "--format", "json", "--db", str(db_path)])
    data = json.loads(r.stdout)
    assert (data["report"], data["counted_cash"], data["difference"]) == ("Z", 32_000, -220)
    assert data["closed_by"] == "admin"
    # A closed shift is refused before any password is asked.
    r = runner.invoke(app, close_args(db_path, sid, "1"), input="")
    assert r.exit_code == 1
    assert r.stderr.strip() == (f"Shift {sid} was already closed at 2026-03-10 10:00 by admin.")


@pytest.mark.parametrize(
    "counted,password,user,message",
    [
        ("", OPERATOR_PASSWORD, "admin", "Type the counted cash (0 if there is none)."),
        ("12x", OPERATOR_PASSWORD, "admin", "Type the counted cash in whole pesos, like 20000."),
        ("100", "wrong-password", "admin", "Invalid username or password"),
        ("100", ATTENDANT_PASSWORD, "ana", "Only an operator can do this."),
    ],
)
def test_close_refused_writes_nothing(
    runner: CliRunner,
    db_path: Path,
    engine: Engine,
    busy_shift: Shift,
    counted: str,
    password: str,
    user: str,
    message: str,
) -> None:
    args = close_args(db_path, busy_shift.id or 0, counted)
    args[args.index("admin")] = user
    r = runner.invoke(app, args, input=password + "\n")
    assert r.exit_code == 1
    assert r.stderr.strip() == message
    stored = run_read(engine, lambda s: s.get(Shift, busy_shift.id))
    assert stored is not None and stored.closed_at is None
    closes = run_read(
        engine,
        lambda s: s.exec(select(AuditEvent).where(AuditEvent.action == "shift.close")).all(),
    )
    assert closes == []


def test_unknown_shift_and_bad_date(runner: CliRunner, db_path: Path, engine: Engine) -> None:
    r = runner.invoke(app, ["shift", "show", "9", "--db", str(db_path)])
    assert (r.exit_code, r.stderr.strip()) == (1, "No shift 9.")
    r = runner.invoke(app, close_args(db_path, 9, "100"), input=OPERATOR_PASSWORD + "\n")
    assert (r.exit_code, r.stderr.strip()) == (1, "No shift 9.")
    r = runner.invoke(app, ["shift", "list", "--date", "March 10", "--db", str(db_path)])
    assert (r.exit_code, r.stderr.strip()) == (1, "A date looks like YYYY-MM-DD, e.g. 2026-03-10.")
    r = runner.invoke(app, ["shift", "show", "1", "--format", "xml", "--db", str(db_path)])
    assert r.exit_code == 2


def test_shift_group_registered_in_the_real_command(db_path: Path, engine: Engine) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "booth", "shift", "list", "--open", "--json", "--db", str(db_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
