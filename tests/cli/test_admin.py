"""`booth void`, `booth backup`, `booth check`, `booth audit` from the command line."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from typer.testing import CliRunner

from booth.cli import app
from booth.core.audit import SignedIn
from booth.core.clock import FixedClock
from booth.core.db import run_read
from booth.core.models import Invoice
from tests.conftest import ATTENDANT_PASSWORD, OPERATOR_PASSWORD
from tests.core.ops_helpers import issue_invoices, raw, smash_table

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def lot(engine: Engine, clock: FixedClock, ana: SignedIn) -> Engine:
    """FV1 and FV2 issued by ana at 09:30 and 10:00 (Bogotá)."""
    issue_invoices(engine, clock, ana, ["AAA111", "BBB222"])
    return engine


def invoice(engine: Engine, number: int) -> Invoice:
    return run_read(engine, lambda s: s.exec(select(Invoice).where(Invoice.number == number)).one())


def void_args(db: Path, number: str = "FV1", *extra: str) -> list[str]:
    return ["void", number, "--db", str(db), "--user", "admin", "--password-stdin", *extra]


# --- void -------------------------------------------------------------------------------


def test_void_with_operator_credentials(runner: CliRunner, lot: Engine, db_path: Path) -> None:
    r = runner.invoke(
        app,
        void_args(db_path, "fv1", "--reason", "plate typed wrong"),
        input=f"{OPERATOR_PASSWORD}\n",
    )
    assert r.exit_code == 0, r.output
    assert r.stdout == "Invoice FV1 ($ 1.110) is now void; reason: plate typed wrong\n"
    voided = invoice(lot, 1)
    assert voided.void_reason == "plate typed wrong" and voided.voided_at is not None
    assert invoice(lot, 2).voided_at is None


@pytest.mark.parametrize(
    "args,stdin,message",
    [
        (
            ["--reason", "again"],
            OPERATOR_PASSWORD,
            "Invoice FV1 was already voided on 2026-03-10 10:00 by admin (first).",
        ),
        (["--reason", "   "], OPERATOR_PASSWORD, "Say why the invoice is voided with --reason."),
        ([], OPERATOR_PASSWORD, "Say why the invoice is voided with --reason."),
    ],
)
def test_void_refusals(
    runner: CliRunner, lot: Engine, db_path: Path, args: list[str], stdin: str, message: str
) -> None:
    first = runner.invoke(
        app, void_args(db_path, "FV1", "--reason", "first"), input=f"{OPERATOR_PASSWORD}\n"
    )
    assert first.exit_code == 0, first.output
    r = runner.invoke(app, void_args(db_path, "FV1", *args), input=f"{stdin}\n")
    assert (r.exit_code, r.stderr, r.stdout) == (1, message + "\n", "")
    assert invoice(lot, 1).void_reason == "first"


def test_void_unknown_number_is_refused_before_the_password(
    runner: CliRunner, lot: Engine, db_path: Path
) -> None:
    r = runner.invoke(app, void_args(db_path, "FV99", "--reason", "x"), input="")
    assert (r.exit_code, r.stderr) == (1, "No invoice FV99.\n")
    r = runner.invoke(app, void_args(db_path, "#12", "--reason", "x"), input="")
    assert (r.exit_code, r.stderr) == (1, "An invoice number looks like FV123.\n")


@pytest.mark.parametrize(
    "user,password,message",
    [
        ("admin", "not-the-password", "Invalid username or password"),
        ("ana", ATTENDANT_PASSWORD, "Only an operator can do this."),
        ("ghost", "whatever-123", "Invalid username or password"),
    ],
)
def test_void_needs_an_operator(
    runner: CliRunner, lot: Engine, db_path: Path, user: str, password: str, message: str
) -> None:
    args = [
        "void",
        "FV1",
        "--reason",
        "x",
        "--db",
        str(db_path),
        "--user",
        user,
        "--password-stdin",
    ]
    r = runner.invoke(app, args, input=f"{password}\n")
    assert (r.exit_code, r.stderr) == (1, message + "\n")
    assert invoice(lot, 1).voided_at is None


def test_void_without_user_and_no_terminal(runner: CliRunner, lot: Engine, db_path: Path) -> None:
    r = runner.invoke(app, ["void", "FV1", "--reason", "x", "--db", str(db_path)], input="")
    assert (r.exit_code, r.stderr) == (1, "Give the operator's username with --user.\n")
    assert invoice(lot, 1).voided_at is None


# --- check ------------------------------------------------------------------------------


def test_check_healthy(runner: CliRunner, lot: Engine, db_path: Path) -> None:
    r = runner.invoke(app, ["check", "--db", str(db_path)])
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert [line.split()[:2] for line in lines[:-1]] == [
        ["ok", "integrity"],
        ["ok", "foreign_keys"],
        ["ok", "audit_chain"],
        ["ok", "invoice_per_stay"],
        ["ok", "invoice_numbers"],
        ["ok", "open_stays_per_plate"],
    ]
    assert lines[4] == "ok    invoice_numbers       2 invoices numbered without gaps or repeats"
    assert lines[-1] == "All 6 checks passed."


def test_check_damaged_exits_1(runner: CliRunner, lot: Engine, db_path: Path) -> None:
    with raw(db_path) as conn:
        conn.execute("UPDATE audit_events SET details = '{}' WHERE action = 'stay.checkout'")
        conn.execute("UPDATE invoice_authorizations SET next_number = 4")
    r = runner.invoke(app, ["--db", str(db_path), "check"])
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    assert lines[2].startswith("FAIL  audit_chain ")
    assert "contents altered" in lines[2]
    assert lines[4] == "FAIL  invoice_numbers       FV1..FV100000: missing FV3"
    assert lines[-1] == "2 of 6 checks failed."
    j = runner.invoke(app, ["check", "--json", "--db", str(db_path)])
    assert j.exit_code == 1
    rows = json.loads(j.stdout)
    assert [set(row) for row in rows] == [{"name", "ok", "detail"}] * 6
    assert [row["name"] for row in rows if not row["ok"]] == ["audit_chain", "invoice_numbers"]


def test_check_damaged_page_lists_failures(runner: CliRunner, lot: Engine, db_path: Path) -> None:
    lot.dispose()
    smash_table(db_path, "audit_events")
    r = runner.invoke(app, ["check", "--db", str(db_path)])
    assert r.exit_code == 1
    assert "FAIL  audit_chain           could not be read: database disk image is malformed" in (
        r.stdout.splitlines()
    )
    assert "Traceback" not in r.output


@pytest.mark.parametrize("command", [["check"], ["audit"], ["backup", "copy.db"]])
def test_not_a_database_is_one_sentence(
    runner: CliRunner, tmp_path: Path, command: list[str]
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is a spreadsheet, not a database" * 200)
    args = [str(tmp_path / "copy.db") if a == "copy.db" else a for a in command]
    r = runner.invoke(app, [*args, "--db", str(junk)])
    assert (r.exit_code, r.stderr) == (
        1,
        f"{junk} is not a readable booth database (damaged or another file).\n",
    )


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["audit"],
        ["backup", "copy.db"],
        ["void", "FV1", "--reason", "x", "--user", "admin", "--password-stdin"],
        ["users", "reset-password", "ana", "--temporary"],
    ],
)
def test_missing_database(runner: CliRunner, tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "none.db"
    args = [str(tmp_path / "copy.db") if a == "copy.db" else a for a in command]
    r = runner.invoke(app, [*args, "--db", str(missing)], input=f"{OPERATOR_PASSWORD}\n")
    assert (r.exit_code, r.stderr) == (
        1,
        f"No booth database at {missing}. Run `booth setup` first.\n",
    )
    assert list(tmp_path.iterdir()) == []


# --- backup -----------------------------------------------------------------------------


def test_backup_refuses_overwrite_then_force(
    runner: CliRunner, lot: Engine, db_path: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "nightly.db"
    r = runner.invoke(app, ["backup", str(dest), "--db", str(db_path)])
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith(f"Backup verified: {dest} (") and r.stdout.endswith(" KiB)\n")
    assert r.stdout.count("\n") == 1
    again = runner.invoke(app, ["backup", str(dest), "--db", str(db_path)])
    assert (again.exit_code, again.stderr) == (
        1,
        f"{dest} already exists; choose another name or add --force to replace it.\n",
    )
    forced = runner.invoke(app, ["backup", str(dest), "--force", "--db", str(db_path)])
    assert forced.exit_code == 0, forced.output
    conn = sqlite3.connect(str(dest))
    try:
        assert conn.execute("SELECT count(*) FROM invoices").fetchone() == (2,)
    finally:
        conn.close()


def test_backup_into_folder_and_missing_folder(
    runner: CliRunner, lot: Engine, db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    r = runner.invoke(app, ["backup", str(folder), "--db", str(db_path)])
    assert r.exit_code == 0, r.output
    assert [p.name for p in folder.iterdir()] == ["booth-20260310T150000Z.db"]
    r = runner.invoke(app, ["backup", str(tmp_path / "no" / "x.db"), "--db", str(db_path)])
    assert (r.exit_code, r.stderr) == (
        1,
        f"The folder {tmp_path / 'no'} does not exist; create it first.\n",
    )


def test_backup_and_check_as_a_real_process(lot: Engine, db_path: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    dest = tmp_path / "copy.db"
    out = subprocess.run(
        [sys.executable, "-m", "booth", "backup", str(dest), "--db", str(db_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"Backup verified: {dest} ")
    checked = subprocess.run(
        [sys.executable, "-m", "booth", "check", "--db", str(dest)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.splitlines()[-1] == "All 6 checks passed."


# --- audit ------------------------------------------------------------------------------


def audit_json(runner: CliRunner, db: Path, *args: str) -> list[dict[str, object]]:
    r = runner.invoke(app, ["audit", "--json", "--db", str(db), *args])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_audit_json_newest_last(runner: CliRunner, lot: Engine, db_path: Path) -> None:
    events = audit_json(runner, db_path)
    assert [e["action"] for e in events] == [
        "lot.setup",
        "user.create",
        "user.create",
        "stay.checkin",
        "stay.checkout",
        "stay.checkin",
        "stay.checkout",
    ]
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)  # type: ignore[type-var]
    last = events[-1]
    assert set(last) == {
        "id",
        "at",
        "local_time",
        "booth",
        "username",
        "action",
        "subject",
        "details",
        "hash",
    }
    assert (last["at"], last["local_time"]) == (
        "2026-03-10T15:00:00+00:00",
        "2026-03-10T10:00:00-05:00",
    )
    assert (last["booth"], last["username"], last["subject"]) == ("B1", "ana", "BBB222")
    assert last["details"] == {"amount": 1110, "invoice": "FV2", "method": "cash", "stay": 2}


def test_audit_filters(runner: CliRunner, lot: Engine, db_path: Path) -> None:
    assert [e["subject"] for e in audit_json(runner, db_path, "--user", "ANA")] == [
        "AAA111",
        "AAA111",
        "BBB222",
        "BBB222",
    ]
    assert [e["action"] for e in audit_json(runner, db_path, "--action", "stay")] == [
        "stay.checkin",
        "stay.checkout",
    ] * 2
    assert [e["subject"] for e in audit_json(runner, db_path, "--action", "stay.checkout")] == [
        "AAA111",
        "BBB222",
    ]
    # 09:30 local is when AAA111 left and BBB222 came in
    assert [e["action"] for e in audit_json(runner, db_path, "--since", "2026-03-10T09:30")] == [
        "stay.checkout",
        "stay.checkin",
        "stay.checkout",
    ]
    assert len(audit_json(runner, db_path, "--since", "2026-03-10T14:45Z")) == 1
    assert len(audit_json(runner, db_path, "--since", "2026-03-10")) == 7
    assert audit_json(runner, db_path, "--since", "2026-03-11") == []
    assert audit_json(runner, db_path, "--action", "stay.check") == []


def test_audit_table(runner: CliRunner, lot: Engine, db_path: Path) -> None:
    r = runner.invoke(app, ["audit", "--action", "stay.checkout", "--db", str(db_path)])
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines() == [
        "TIME                 BOOTH  USER  ACTION         SUBJECT  DETAILS",
        '2026-03-10 09:30:00  B1     ana   stay.checkout  AAA111   {"amount": 1110, "invoice": "FV1", "method": "cash", "stay": 1}',
        '2026-03-10 10:00:00  B1     ana   stay.checkout  BBB222   {"amount": 1110, "invoice": "FV2", "method": "cash", "stay": 2}',
    ]
    none = runner.invoke(app, ["audit", "--user", "nobody", "--db", str(db_path)])
    assert (none.exit_code, none.stdout) == (0, "No audit events match.\n")


@pytest.mark.parametrize("since", ["yesterday", "2026-13-01", "10/03/2026", "2026-03-10T25:00"])
def test_audit_bad_since(runner: CliRunner, lot: Engine, db_path: Path, since: str) -> None:
    r = runner.invoke(app, ["audit", "--since", since, "--db", str(db_path)])
    assert r.exit_code == 1
    assert r.stderr == (
        "--since takes a date like 2026-03-10 or a time like 2026-03-10T14:30 "
        f"(the lot's time zone unless an offset is given); got '{since}'.\n"
    )
