"""`booth report`: every option, every refusal, the three formats agreeing with each other."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from booth.cli import app
from booth.core.clock import FixedClock
from booth.core.report_format import CSV_COLUMNS
from tests.core.test_reports import local, make_report_lot, seed_days

REPO = Path(__file__).resolve().parents[2]
DAY_TOTAL = 61_830  # FV1 + FV3 + FV4 on 10 March; FV2 is voided


@pytest.fixture
def db(db_path: Path, clock: FixedClock) -> Iterator[Path]:
    engine = make_report_lot(db_path, clock)
    seed_days(engine, clock)
    engine.dispose()
    clock.set(local(11, 9))  # "today" is 11 March, "yesterday" 10 March
    yield db_path


def run(runner: CliRunner, db: Path, *args: str) -> Any:
    return runner.invoke(app, ["report", "--db", str(db), *args])


def report_json(runner: CliRunner, db: Path, *args: str) -> dict[str, Any]:
    result = run(runner, db, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def numbers(data: dict[str, Any]) -> list[str]:
    return [i["number"] for i in data["invoices"]]


# --- periods --------------------------------------------------------------------------------


def test_default_is_today_in_the_lots_zone(runner: CliRunner, db: Path) -> None:
    data = report_json(runner, db)
    assert (data["from"], data["to"]) == ("2026-03-11T00:00:00-05:00", "2026-03-12T00:00:00-05:00")
    assert numbers(data) == ["FV5", "FV6"]
    assert data == report_json(runner, db, "--date", "today")


def test_yesterday_and_a_date(runner: CliRunner, db: Path) -> None:
    yesterday = report_json(runner, db, "--date", "yesterday")
    assert (yesterday["first_day"], yesterday["last_day"]) == ("2026-03-10", "2026-03-10")
    assert numbers(yesterday) == ["FV1", "FV2", "FV3", "FV4"]
    assert yesterday == report_json(runner, db, "--date", "2026-03-10")


def test_from_to_month_and_year(runner: CliRunner, db: Path) -> None:
    span = report_json(runner, db, "--from", "2026-03-10", "--to", "2026-03-11")
    assert (span["from"], span["to"]) == ("2026-03-10T00:00:00-05:00", "2026-03-12T00:00:00-05:00")
    assert numbers(span) == [f"FV{n}" for n in range(1, 7)]
    month = report_json(runner, db, "--month", "2026-03")
    assert (month["from"], month["to"]) == (
        "2026-03-01T00:00:00-05:00",
        "2026-04-01T00:00:00-05:00",
    )
    year = report_json(runner, db, "--year", "2026")
    assert (year["first_day"], year["last_day"]) == ("2026-01-01", "2026-12-31")
    assert month["totals"] == year["totals"] == span["totals"]
    assert span["totals"]["amount"] == DAY_TOTAL + 1_110 + 24_420


def test_the_2330_invoice_is_on_the_local_day(runner: CliRunner, db: Path) -> None:
    tenth = report_json(runner, db, "--date", "2026-03-10")
    fv4 = next(i for i in tenth["invoices"] if i["number"] == "FV4")
    assert fv4["exited_at"] == "2026-03-10T23:30:00-05:00"
    assert "FV4" not in numbers(report_json(runner, db, "--date", "2026-03-11"))


def test_booth_filter(runner: CliRunner, db: Path) -> None:
    data = report_json(runner, db, "--date", "2026-03-10", "--booth", "B2")
    assert data["booth"] == "B2"
    assert numbers(data) == ["FV1", "FV3"]
    assert {i["booth"] for i in data["invoices"]} == {"B2"}
    assert [s["booth"] for s in data["shifts"]] == ["B2"]
    assert data["totals"]["amount"] == 31_080 + 3_000


# --- the three formats ----------------------------------------------------------------------


def test_json_keys_and_totals_cross_checked(runner: CliRunner, db: Path) -> None:
    data = report_json(runner, db, "--date", "2026-03-10")
    for key in ("from", "to", "invoices", "totals", "open_stays", "voided", "shifts", "numbering"):
        assert key in data
    assert set(data["invoices"][0]) >= {
        "number",
        "plate",
        "vehicle_type",
        "entered_at",
        "exited_at",
        "minutes",
        "amount",
        "payment_method",
        "attendant",
        "booth",
        "voided",
    }
    totals = data["totals"]
    assert set(totals) >= {
        "count",
        "amount",
        "base",
        "tax",
        "by_vehicle_type",
        "by_payment_method",
        "by_attendant",
    }
    counted = [i for i in data["invoices"] if not i["voided"]]
    assert totals["count"] == len(counted) == 3
    assert totals["amount"] == sum(i["amount"] for i in counted) == DAY_TOTAL
    assert totals["base"] == sum(i["base"] for i in counted)
    assert totals["tax"] == sum(i["tax"] for i in counted)
    assert totals["base"] + totals["tax"] == totals["amount"]
    for key, field in (
        ("by_vehicle_type", "vehicle_type"),
        ("by_payment_method", "payment_method"),
        ("by_attendant", "attendant"),
        ("by_booth", "booth"),
    ):
        for name, sub in totals[key].items():
            mine = [i for i in counted if i[field] == name]
            assert sub == {
                "count": len(mine),
                "amount": sum(i["amount"] for i in mine),
                "base": sum(i["base"] for i in mine),
                "tax": sum(i["tax"] for i in mine),
            }
    assert totals["by_attendant"]["luis"]["amount"] == 34_080
    assert totals["voided"] == {"count": 1, "amount": 3_330, "base": 2_798, "tax": 532}
    assert data["voided"] == [
        {
            "number": "FV2",
            "plate": "ABC123",
            "amount": 3_330,
            "issued_at": "2026-03-10T10:30:00-05:00",
            "voided_at": "2026-03-10T10:45:00-05:00",
            "voided_by": "admin",
            "void_reason": "Wrong plate typed",
        }
    ]
    assert data["open_stays"] == [
        {
            "plate": "NIT222",
            "vehicle_type": "car",
            "since": "2026-03-09T22:00:00-05:00",
            "entry_booth": "B1",
            "fee_so_far": 57_720,
        },
        {
            "plate": "JKL345",
            "vehicle_type": "car",
            "since": "2026-03-10T15:00:00-05:00",
            "entry_booth": "B1",
            "fee_so_far": 19_980,
        },
    ]
    assert data["open_stays_priced_at"] == "2026-03-11T00:00:00-05:00"
    assert data["peak_occupancy"]["car"] == {
        "peak": 3,
        "at": "2026-03-10T09:00:00-05:00",
        "capacity": 50,
    }
    assert data["numbering"] == {
        "first": "FV1",
        "last": "FV4",
        "used": 4,
        "prefix": "FV",
        "range_from": 1,
        "range_to": 100_000,
        "remaining": 99_994,
    }
    assert [
        (s["attendant"], s["opening_float"], s["expected_cash"], s["counted_cash"], s["difference"])
        for s in data["shifts"]
    ] == [("ana", 50_000, 60_000, 59_000, -1_000), ("luis", 20_000, None, None, None)]
    assert data["shifts"][1]["closed_at"] is None


def test_csv_one_row_per_invoice_matches_json(runner: CliRunner, db: Path) -> None:
    result = run(runner, db, "--date", "2026-03-10", "--format", "csv")
    assert result.exit_code == 0, result.output
    raw = result.stdout_bytes
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    body = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    data = report_json(runner, db, "--date", "2026-03-10")
    assert [r["number"] for r in body] == numbers(data)
    assert sum(int(r["amount"]) for r in body if r["voided"] == "false") == data["totals"]["amount"]
    assert sum(int(r["tax"]) for r in body if r["voided"] == "false") == data["totals"]["tax"]
    assert [r["voided"] for r in body] == ["false", "true", "false", "false"]
    fv1 = body[0]
    assert fv1["entered_at"] == "2026-03-09T20:00:00-05:00"
    assert fv1["exited_at"] == "2026-03-10T10:00:00-05:00"
    assert (fv1["amount"], fv1["minutes"], fv1["attendant"]) == ("31080", "840", "luis")
    assert body[1]["void_reason"] == "Wrong plate typed" and body[1]["voided_by"] == "admin"


def test_csv_defuses_formulas(runner: CliRunner, db: Path) -> None:
    con = sqlite3.connect(db)
    con.execute(
        "UPDATE invoices SET booth = '=HYPERLINK(\"http://x\")', void_reason = '+1-2' WHERE number = 2"
    )
    con.execute("UPDATE invoices SET booth = '@SUM(A1)' WHERE number = 3")
    con.execute("UPDATE invoices SET booth = '-5' WHERE number = 4")
    con.commit()
    con.close()
    result = run(runner, db, "--date", "2026-03-10", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
    assert rows[1]["booth"] == '\'=HYPERLINK("http://x")'
    assert rows[1]["void_reason"] == "'+1-2"
    assert rows[2]["booth"] == "'@SUM(A1)"
    assert rows[3]["booth"] == "'-5"
    assert rows[0]["booth"] == "B2"
    # JSON keeps the data as it is.
    assert report_json(runner, db, "--date", "2026-03-10")["invoices"][2]["booth"] == "@SUM(A1)"


def test_table_for_a_person(runner: CliRunner, db: Path) -> None:
    result = run(runner, db, "--date", "2026-03-10", "--format", "table")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Parqueadero Central — 2026-03-10" in out
    assert "$ 61.830" in out  # revenue with thousands separators
    assert "$ 31.080" in out and "$ 27.750" in out and "$ 3.000" in out
    for number in ("FV1", "FV2", "FV3", "FV4"):
        assert number in out
    assert "Wrong plate typed" in out
    assert "NIT222" in out and "$ 57.720" in out
    assert "Invoice numbers used: FV1 to FV4 (4). 99.994 numbers left" in out
    assert "-$ 1.000" in out  # ana's shift difference
    # Right-aligned money: the amounts of the invoice list end in the same column.
    spans = [
        m.span()
        for line in out.split("Voided invoices")[0].splitlines()
        if line.startswith("FV") and (m := re.search(r"\$ [\d.]+", line))
    ]
    assert len(spans) == 4
    assert len({end for _, end in spans}) == 1 and len({start for start, _ in spans}) == 2
    assert default_table_equals(runner, db, out)


def default_table_equals(runner: CliRunner, db: Path, out: str) -> bool:
    again = run(runner, db, "--date", "2026-03-10")
    return bool(again.exit_code == 0 and again.stdout == out)


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_output_file_written_atomically(
    runner: CliRunner, db: Path, tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / "reports" / f"day.{fmt}"
    target.parent.mkdir()
    target.write_text("old report")
    flag = "-o" if fmt == "table" else "--output"
    result = run(runner, db, "--date", "2026-03-10", "--format", fmt, flag, str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Report for 2026-03-10 to 2026-03-10 written to {target}.\n"
    assert os.listdir(target.parent) == [target.name]  # no temporary file left behind
    content = target.read_bytes()
    if fmt == "json":
        assert json.loads(content)["totals"]["amount"] == DAY_TOTAL
        assert (
            content
            == json.dumps(
                report_json(runner, db, "--date", "2026-03-10"), ensure_ascii=False
            ).encode()
            + b"\n"
        )
    elif fmt == "csv":
        assert content.startswith(b"\xef\xbb\xbf")
        assert content == run(runner, db, "--date", "2026-03-10", "--format", "csv").stdout_bytes
    else:
        text = content.decode()
        assert "$ 61.830" in text and "FV4" in text and "\x1b[" not in text


def test_output_failure_keeps_the_old_file(
    runner: CliRunner, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "day.json"
    target.write_text("old report")

    def no_space(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    result = run(runner, db, "--date", "2026-03-10", "--format", "json", "--output", str(target))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Cannot write {target}: No space left on device."
    assert target.read_text() == "old report"
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args,message",
    [
        (["--date", "2026-03-10", "--month", "2026-03"], "Choose one period"),
        (["--from", "2026-03-01", "--to", "2026-03-02", "--date", "today"], "Choose one period"),
        (["--year", "2026", "--month", "2026-03"], "Choose one period"),
        (["--from", "2026-03-01"], "Give both --from and --to"),
        (
            ["--date", "2026-13-01"],
            "--date must be a date like 2026-03-10; '2026-13-01' is not one.",
        ),
        (["--from", "2026-02-30", "--to", "2026-03-01"], "--from must be a date like"),
        (
            ["--from", "2026-03-12", "--to", "2026-03-10"],
            "--from 2026-03-12 is after --to 2026-03-10.",
        ),
        (["--month", "2026-00"], "--month must look like 2026-03"),
        (["--year", "twenty"], "--year must look like 2026"),
        (["--format", "xml"], "--format must be table, csv or json (got 'xml')."),
        (["--booth", " "], "--booth needs a booth name."),
    ],
)
def test_mistakes_get_one_sentence(
    runner: CliRunner, db: Path, args: list[str], message: str
) -> None:
    result = run(runner, db, *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_unwritable_output(runner: CliRunner, db: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "plain.txt"
    a_file.write_text("x")
    cases = [
        (tmp_path / "missing" / "r.json", "the folder"),
        (tmp_path, "it is a folder"),
        (a_file / "r.json", "the folder"),
    ]
    for target, words in cases:
        result = run(runner, db, "--format", "json", "--output", str(target))
        assert result.exit_code == 1, target
        assert result.stderr.startswith(f"Cannot write {target}: ")
        assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "missing").exists()
    assert a_file.read_text() == "x"


def test_missing_database(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.db"
    result = run(runner, missing)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"No booth database at {missing}. Run `booth setup` first."
    assert not missing.exists()


def test_file_that_is_not_a_set_up_lot(runner: CliRunner, tmp_path: Path) -> None:
    garbage = tmp_path / "notes.db"
    garbage.write_bytes(b"these are not the tables you are looking for" * 100)
    result = run(runner, garbage)
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"{garbage} is not a readable booth database (damaged or another file)."
    )
    empty = tmp_path / "empty.db"
    empty.touch()
    result = run(runner, empty)
    assert result.exit_code == 1
    assert result.stderr.strip() == "This lot is not set up yet. Run `booth setup` first."


def test_database_from_the_environment(
    runner: CliRunner, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOOTH_DB", str(db))
    result = runner.invoke(app, ["report", "--date", "2026-03-10", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["totals"]["amount"] == DAY_TOTAL


# --- never the write lock -------------------------------------------------------------------


def test_report_runs_while_a_booth_holds_the_write_lock(runner: CliRunner, db: Path) -> None:
    writer = sqlite3.connect(db, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE invoices SET amount = 1 WHERE number = 1")
        data = report_json(runner, db, "--date", "2026-03-10")
        assert data["totals"]["amount"] == DAY_TOTAL
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_crontab_line_in_a_real_process(db: Path, tmp_path: Path) -> None:
    """What cron runs: yesterday's JSON to a dated file, silent on stdout when redirected."""
    out = tmp_path / "booth-2026-03-10.json"
    writer = sqlite3.connect(db, isolation_level=None)
    env = {**os.environ, "PYTHONPATH": str(REPO), "BOOTH_DB": str(db)}
    try:
        writer.execute("BEGIN IMMEDIATE")  # a booth mid check-out
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "booth",
                "report",
                "--from",
                "2026-03-10",
                "--to",
                "2026-03-10",
                "--format",
                "json",
                "--output",
                str(out),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert json.loads(out.read_text())["totals"]["amount"] == DAY_TOTAL
