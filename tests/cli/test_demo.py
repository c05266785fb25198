import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from booth.cli import app
from tests.reliability import invariants


def test_demo_command_fills_a_new_database(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    r = runner.invoke(app, ["demo", "--db", str(db), "--days", "2", "--seed", "3"])
    assert r.exit_code == 0, r.output
    assert f"Demo lot written to {db}: 2026-03-09 to 2026-03-10." in r.stdout
    for line in (
        "demo-admin   operator   demo-operator-pass",
        "demo-ana     attendant  demo-attendant-pass",
        "disable every demo user first (booth users disable NAME)",
    ):
        assert line in r.stdout
    totals = invariants.assert_sound(db)
    assert f"{totals.stays} stays ({totals.open_stays} vehicles inside now)" in r.stdout
    r = runner.invoke(app, ["users", "list", "--json", "--db", str(db)])
    assert r.exit_code == 0 and "demo-sofia" in r.stdout


def test_demo_refuses_a_used_database(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    assert runner.invoke(app, ["demo", "--db", str(db), "--days", "1"]).exit_code == 0
    before = sqlite3.connect(db).execute("SELECT count(*) FROM stays").fetchone()
    r = runner.invoke(app, ["demo", "--db", str(db), "--days", "1"])
    assert r.exit_code == 1
    assert "already holds data" in r.stderr and "Traceback" not in r.output
    assert sqlite3.connect(db).execute("SELECT count(*) FROM stays").fetchone() == before


def test_demo_option_mistakes(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    r = runner.invoke(app, ["demo", "--db", str(db), "--days", "2", "--stays", "100"])
    assert (r.exit_code, r.stderr.strip()) == (1, "Give --days or --stays, not both.")
    r = runner.invoke(app, ["demo", "--db", str(db), "--days", "0"])
    assert (r.exit_code, r.stderr.strip()) == (1, "--days must be between 1 and 3650.")
    r = runner.invoke(app, ["demo", "--db", str(db), "--stays", "lots"])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert not db.exists()
