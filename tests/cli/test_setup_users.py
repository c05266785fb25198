import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from booth.cli import app


def setup_lot(runner: CliRunner, db: Path, *extra: str) -> None:
    result = runner.invoke(
        app,
        [
            "setup",
            "--db",
            str(db),
            "--lot-name",
            "Centro",
            "--operator",
            "admin",
            "--password-stdin",
            "--yes",
            *extra,
        ],
        input="operator-pass\n",
    )
    assert result.exit_code == 0, result.output


def test_setup_then_users(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    setup_lot(
        runner, db, "--capacity", "car=30", "--capacity", "motorcycle=20", "--nit", "800197268"
    )
    r = runner.invoke(
        app,
        [
            "users",
            "add",
            "Ana",
            "--role",
            "attendant",
            "--name",
            "Ana P",
            "--db",
            str(db),
            "--password-stdin",
        ],
        input="attendant-pass\n",
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["users", "list", "--json", "--db", str(db)])
    rows = json.loads(r.stdout)
    assert [set(x) for x in rows] == [{"username", "name", "role", "active", "locked"}] * 2
    assert [(x["username"], x["role"]) for x in rows] == [
        ("admin", "operator"),
        ("ana", "attendant"),
    ]
    r = runner.invoke(app, ["users", "disable", "ANA", "--db", str(db)])
    assert r.exit_code == 0
    rows = json.loads(runner.invoke(app, ["users", "list", "--json", "--db", str(db)]).stdout)
    assert rows[1]["active"] is False
    assert runner.invoke(app, ["users", "enable", "ana", "--db", str(db)]).exit_code == 0


def test_rerun_setup_keeps_data(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    setup_lot(runner, db)
    r = runner.invoke(app, ["setup", "--db", str(db), "--address", "Calle 1", "--yes"])
    assert r.exit_code == 0, r.output
    rows = json.loads(runner.invoke(app, ["users", "list", "--json", "--db", str(db)]).stdout)
    assert [x["username"] for x in rows] == ["admin"]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--capacity", "car:5"], "Capacity must look like TYPE=N"),
        (["--timezone", "Nowhere/Town"], "Unknown time zone"),
        (["--nit", "90A12"], "A NIT has only digits"),
        (["--invoice-from", "10", "--invoice-to", "2"], "range is empty"),
    ],
)
def test_setup_errors_are_one_sentence(
    runner: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    db = tmp_path / "b.db"
    r = runner.invoke(
        app,
        [
            "setup",
            "--db",
            str(db),
            "--lot-name",
            "X",
            "--operator",
            "admin",
            "--password-stdin",
            "--yes",
            *args,
        ],
        input="operator-pass\n",
    )
    assert r.exit_code == 1
    assert message in r.output
    assert "Traceback" not in r.output
    assert not db.exists()


def test_missing_database(runner: CliRunner, tmp_path: Path) -> None:
    r = runner.invoke(app, ["users", "list", "--db", str(tmp_path / "none.db")])
    assert r.exit_code == 1
    assert f"No booth database at {tmp_path / 'none.db'}. Run `booth setup` first." in r.output


def test_root_db_option_applies_to_commands(runner: CliRunner, tmp_path: Path) -> None:
    r = runner.invoke(app, ["--db", str(tmp_path / "none.db"), "users", "list"])
    assert r.exit_code == 1 and "No booth database" in r.output


@pytest.mark.parametrize(
    "password,message",
    [
        ("short\n", "at least 8 characters"),
        ("ñ" * 40 + "\n", "at most 72 bytes"),
        ("\n", "No password on stdin"),
    ],
)
def test_bad_passwords(runner: CliRunner, tmp_path: Path, password: str, message: str) -> None:
    db = tmp_path / "b.db"
    setup_lot(runner, db)
    r = runner.invoke(
        app,
        ["users", "add", "bob", "--role", "attendant", "--db", str(db), "--password-stdin"],
        input=password,
    )
    assert r.exit_code == 1 and message in r.output


def test_duplicate_user_and_bad_role(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    setup_lot(runner, db)
    r = runner.invoke(
        app,
        ["users", "add", "ADMIN", "--role", "operator", "--db", str(db), "--password-stdin"],
        input="whatever-123\n",
    )
    assert r.exit_code == 1 and "already exists" in r.output
    r = runner.invoke(
        app,
        ["users", "add", "zed", "--role", "boss", "--db", str(db), "--password-stdin"],
        input="whatever-123\n",
    )
    assert r.exit_code == 1 and "Role must be" in r.output


def test_last_operator_cannot_be_disabled(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    setup_lot(runner, db)
    r = runner.invoke(app, ["users", "disable", "admin", "--db", str(db)])
    assert r.exit_code == 1 and "last active operator" in r.output


def test_password_never_an_argument(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    setup_lot(runner, db)
    r = runner.invoke(
        app, ["users", "add", "bob", "--role", "attendant", "--password", "x", "--db", str(db)]
    )
    assert r.exit_code != 0


def test_unknown_user(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    setup_lot(runner, db)
    r = runner.invoke(app, ["users", "disable", "ghost", "--db", str(db)])
    assert r.exit_code == 1 and "No user named 'ghost'" in r.output
