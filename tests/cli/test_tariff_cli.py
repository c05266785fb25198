"""`booth tariff show|set` and `booth quote` from the command line."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from booth.cli import app
from booth.core.clock import FixedClock
from booth.core.db import run_read
from booth.core.models import AuditEvent, TariffVersion
from tests.conftest import make_lot

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(engine: Engine, db_path: Path) -> str:
    """A set-up lot (America/Bogota, car tariff 37 per minute from 2026-03-10 09:00)."""
    return str(db_path)


@pytest.fixture
def ny_db(tmp_path: Path, clock: FixedClock) -> Iterator[str]:
    path = tmp_path / "ny.db"
    eng = make_lot(path, clock, timezone="America/New_York")
    eng.dispose()
    yield str(path)


def invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def show_json(runner: CliRunner, db: str) -> dict:
    code, out, err = invoke(runner, "tariff", "show", "--json", "--db", db)
    assert code == 0, err
    return json.loads(out)


def stored(engine: Engine) -> tuple[int, list[AuditEvent]]:
    """How many tariff versions exist, and the `tariff.set` audit events."""

    def work(s: Session) -> tuple[int, list[AuditEvent]]:
        n = len(s.exec(select(TariffVersion.id)).all())
        events = list(
            s.exec(
                select(AuditEvent)
                .where(AuditEvent.action == "tariff.set")
                .order_by(col(AuditEvent.id))
            )
        )
        return n, events

    return run_read(engine, work)


V1 = {
    "id": 1,
    "vehicle_type": "car",
    "unit_minutes": 1,
    "unit_price": 37,
    "grace_minutes": 0,
    "daily_max": 0,
    "round_to": 1,
    "effective_from": "2026-03-10T09:00:00-05:00",
}


class TestShow:
    def test_json_of_a_new_lot(self, runner: CliRunner, db: str) -> None:
        assert show_json(runner, db) == {
            "as_of": "2026-03-10T09:00:00-05:00",
            "types": [
                {"vehicle_type": "car", "current": V1, "scheduled": []},
                {"vehicle_type": "motorcycle", "current": None, "scheduled": []},
                {"vehicle_type": "bicycle", "current": None, "scheduled": []},
            ],
        }

    def test_table(self, runner: CliRunner, db: str, clock: FixedClock) -> None:
        clock.advance(minutes=1)
        code, _, err = invoke(
            runner,
            *("tariff", "set", "--type", "car", "--unit-price", "40", "--db", db),
            *("--effective", "2026-04-01 00:00", "--daily-max", "25000"),
        )
        assert code == 0, err
        code, out, _ = invoke(runner, "tariff", "show", "--db", db)
        assert code == 0
        lines = [line.split() for line in out.splitlines()]
        assert out.splitlines()[0] == "Tariffs at 2026-03-10 09:01"
        assert ["1", "since", "2026-03-10", "09:00", "1", "min", "$", "37"] == lines[4][:8]
        assert lines[4][8:] == ["0", "min", "none", "$", "1"]
        assert lines[5] == (
            ["2", "from", "2026-04-01", "00:00", "1", "min", "$", "40", "0", "min"]
            + ["$", "25.000", "$", "1"]
        )
        assert "Motorcycle: no tariff." in out and "Bicycle: no tariff." in out


class TestSet:
    def test_set_now_carries_over_and_is_audited(
        self, runner: CliRunner, db: str, engine: Engine, clock: FixedClock
    ) -> None:
        clock.advance(minutes=1)
        code, out, err = invoke(
            runner,
            *("tariff", "set", "--type", "car", "--unit-minutes", "60", "--unit-price", "3000"),
            *("--daily-max", "20000", "--db", db),
        )
        assert code == 0, err
        assert out.strip() == (
            "New car tariff, version 2, in force from 2026-03-10 09:01: 60 min blocks at "
            "$ 3.000, grace 0 min, daily max $ 20.000, rounded to $ 1."
        )
        current = show_json(runner, db)["types"][0]["current"]
        assert current == {
            **V1,
            "id": 2,
            "unit_minutes": 60,
            "unit_price": 3000,
            "daily_max": 20000,
            "effective_from": "2026-03-10T09:01:00-05:00",
        }
        count, events = stored(engine)
        assert count == 2 and len(events) == 1
        assert events[0].username.startswith("cli:") and events[0].subject == "car"
        details = json.loads(events[0].details)
        assert {k: details[k] for k in ("version", "unit_minutes", "unit_price", "daily_max")} == {
            "version": 2,
            "unit_minutes": 60,
            "unit_price": 3000,
            "daily_max": 20000,
        }
        assert details["effective_from"] == "2026-03-10T14:01:00+00:00"

    def test_scheduled_then_replaced_at_the_same_instant(self, runner: CliRunner, db: str) -> None:
        base = ("tariff", "set", "--type", "car", "--db", db)
        code, _, err = invoke(runner, *base, "--unit-price", "400", "--effective", "2026-04-01")
        assert code == 0, err
        code, out, err = invoke(
            runner, *base, "--unit-price", "40", "--effective", "2026-04-01T05:00Z"
        )
        assert code == 0, err
        assert out.splitlines()[1] == (
            "It takes the place of version 2, which was scheduled for the same time."
        )
        car = show_json(runner, db)["types"][0]
        assert car["current"] == V1
        assert [(v["id"], v["unit_price"], v["effective_from"]) for v in car["scheduled"]] == [
            (3, 40, "2026-04-01T00:00:00-05:00")
        ]

    def test_offset_is_taken_as_given(self, runner: CliRunner, db: str) -> None:
        code, _, err = invoke(
            runner,
            *("tariff", "set", "--type", "car", "--round-to", "100", "--db", db),
            *("--effective", "2026-04-01T00:00:00+00:00"),
        )
        assert code == 0, err
        scheduled = show_json(runner, db)["types"][0]["scheduled"]
        assert scheduled[0]["effective_from"] == "2026-03-31T19:00:00-05:00"

    def test_first_motorcycle_tariff(self, runner: CliRunner, db: str) -> None:
        base = ("tariff", "set", "--type", "motorcycle", "--db", db)
        code, _, err = invoke(runner, *base, "--unit-price", "500")
        assert code == 1
        assert err.strip() == (
            "There is no motorcycle tariff to carry values over from: give --unit-minutes and "
            "--unit-price (grace, daily max and rounding default to 0, 0 and 1)."
        )
        code, out, err = invoke(
            runner, *base, "--unit-minutes", "15", "--unit-price", "500", "--grace-minutes", "10"
        )
        assert code == 0, err
        moto = show_json(runner, db)["types"][1]["current"]
        assert (moto["unit_minutes"], moto["unit_price"], moto["grace_minutes"]) == (15, 500, 10)
        assert (moto["daily_max"], moto["round_to"]) == (0, 1)

    @pytest.mark.parametrize(
        "args,message",
        [
            (
                ["--type", "truck", "--unit-price", "10"],
                "Unknown vehicle type 'truck'; use car, motorcycle or bicycle.",
            ),
            (["--type", "car", "--unit-price", "-5"], "unit-price cannot be negative (got -5)."),
            (["--type", "car", "--unit-minutes", "0"], "unit-minutes must be at least 1 (got 0)."),
            (["--type", "car", "--round-to", "0"], "round-to must be at least 1 (got 0)."),
            (
                ["--type", "car", "--grace-minutes", "-1"],
                "grace-minutes cannot be negative (got -1).",
            ),
            (
                ["--type", "car", "--daily-max", "-20000"],
                "daily-max cannot be negative (got -20000).",
            ),
            (
                ["--type", "car", "--unit-price", "3.000"],
                "--unit-price needs a whole number without separators, like 3000 (got '3.000').",
            ),
            (
                ["--type", "car", "--unit-price", "40", "--effective", "2026-03-10 08:59"],
                "The effective time 2026-03-10 08:59 is in the past; a new tariff starts now or "
                "later (history is not rewritten).",
            ),
            (
                ["--type", "car", "--unit-price", "40", "--effective", "next monday"],
                "The effective time 'next monday' is not a date and time; write it like "
                "2026-03-10 14:30 or 2026-03-10T14:30-05:00.",
            ),
            (
                ["--type", "car"],
                "Give at least one value to change: --unit-minutes, --unit-price, "
                "--grace-minutes, --daily-max or --round-to.",
            ),
        ],
    )
    def test_refusals_are_one_sentence_and_write_nothing(
        self,
        runner: CliRunner,
        db: str,
        engine: Engine,
        clock: FixedClock,
        args: list[str],
        message: str,
    ) -> None:
        clock.advance(minutes=1)
        code, out, err = invoke(runner, "tariff", "set", *args, "--db", db)
        assert code == 1
        assert err.strip() == message
        assert out == ""
        assert stored(engine) == (1, [])

    def test_missing_type_is_a_usage_error(self, runner: CliRunner, db: str) -> None:
        code, _, err = invoke(runner, "tariff", "set", "--unit-price", "40", "--db", db)
        assert code == 2 and "--type" in err


class TestQuote:
    def q(self, runner: CliRunner, db: str, *args: str) -> dict:
        code, out, err = invoke(runner, "quote", "--db", db, "--json", *args)
        assert code == 0, err
        return json.loads(out)

    def test_json_of_the_per_minute_example(self, runner: CliRunner, db: str) -> None:
        data = self.q(
            runner,
            db,
            "--type",
            "car",
            "--entry",
            "2026-03-10 09:00",
            "--exit",
            "2026-03-10 10:01:30",
        )
        assert data == {
            "vehicle_type": "car",
            "entry": "2026-03-10T09:00:00-05:00",
            "exit": "2026-03-10T10:01:30-05:00",
            "minutes": 61,
            "within_grace": False,
            "subtotal": 2257,
            "amount": 2257,
            "base": 1897,
            "tax": 360,
            "iva_rate_bp": 1900,
            "tariff_version": 1,
            "tariff": V1,
            "periods": [
                {
                    "index": 1,
                    "start": "2026-03-10T09:00:00-05:00",
                    "end": "2026-03-10T10:01:00-05:00",
                    "minutes": 61,
                    "blocks": 61,
                    "uncapped": 2257,
                    "amount": 2257,
                    "capped": False,
                }
            ],
        }

    def test_hourly_with_daily_max_over_26_hours(
        self, runner: CliRunner, db: str, clock: FixedClock
    ) -> None:
        clock.advance(minutes=1)
        code, _, err = invoke(
            runner,
            *("tariff", "set", "--type", "car", "--unit-minutes", "60", "--unit-price", "3000"),
            *("--daily-max", "20000", "--db", db),
        )
        assert code == 0, err
        args = ("--type", "car", "--entry", "2026-03-10 10:00", "--exit")
        assert self.q(runner, db, *args, "2026-03-10 11:01")["amount"] == 6000
        data = self.q(runner, db, *args, "2026-03-11 12:00")
        assert (data["amount"], data["base"], data["tax"], data["tariff_version"]) == (
            26000,
            21849,
            4151,
            2,
        )
        assert [
            (p["minutes"], p["uncapped"], p["amount"], p["capped"]) for p in data["periods"]
        ] == [
            (1440, 72000, 20000, True),
            (120, 6000, 6000, False),
        ]

    def test_version_in_force_at_entry_not_at_exit(self, runner: CliRunner, db: str) -> None:
        code, _, err = invoke(
            runner,
            *("tariff", "set", "--type", "car", "--unit-price", "1000", "--db", db),
            *("--effective", "2026-03-10 12:00"),
        )
        assert code == 0, err
        before = self.q(
            runner, db, "--type", "car", "--entry", "2026-03-10 11:30", "--exit", "2026-03-10 12:30"
        )
        after = self.q(
            runner, db, "--type", "car", "--entry", "2026-03-10 12:00", "--exit", "2026-03-10 13:00"
        )
        assert (before["tariff_version"], before["amount"]) == (1, 60 * 37)
        assert (after["tariff_version"], after["amount"]) == (2, 60 * 1000)

    def test_motorcycle_grace_examples(self, runner: CliRunner, db: str) -> None:
        code, _, err = invoke(
            runner,
            *("tariff", "set", "--type", "motorcycle", "--unit-minutes", "15"),
            *("--unit-price", "500", "--grace-minutes", "10", "--db", db),
        )
        assert code == 0, err
        amounts = [
            self.q(
                runner,
                db,
                *("--type", "motorcycle", "--entry", "2026-03-10 10:00"),
                *("--exit", f"2026-03-10 10:{m:02d}"),
            )
            for m in (10, 11, 16)
        ]
        assert [(a["amount"], a["within_grace"], len(a["periods"])) for a in amounts] == [
            (0, True, 0),
            (500, False, 1),
            (1000, False, 1),
        ]

    def test_spring_forward_night_in_new_york(self, runner: CliRunner, ny_db: str) -> None:
        data = self.q(
            runner,
            ny_db,
            *("--type", "car", "--entry", "2027-03-13 22:00", "--exit", "2027-03-14 06:00"),
        )
        assert (data["entry"], data["exit"]) == (
            "2027-03-13T22:00:00-05:00",
            "2027-03-14T06:00:00-04:00",
        )
        assert (data["minutes"], data["amount"]) == (420, 420 * 37)

    def test_table_a_cashier_can_read(self, runner: CliRunner, db: str, clock: FixedClock) -> None:
        clock.advance(minutes=1)
        code, _, err = invoke(
            runner,
            *("tariff", "set", "--type", "car", "--unit-minutes", "60", "--unit-price", "3000"),
            *("--daily-max", "20000", "--round-to", "1000", "--db", db),
        )
        assert code == 0, err
        code, out, err = invoke(
            runner,
            *("quote", "--db", db, "--type", "car"),
            *("--entry", "2026-03-10 10:00", "--exit", "2026-03-11 12:30"),
        )
        assert code == 0, err
        lines = [" ".join(line.split()) for line in out.splitlines()]
        assert lines[0] == "Car: 2026-03-10 10:00 to 2026-03-11 12:30, 1590 min (26 h 30 min)."
        assert "1 2026-03-10 10:00 2026-03-11 10:00 1440 24 $ 20.000 (max)" in lines
        assert "2 2026-03-11 10:00 2026-03-11 12:30 150 3 $ 9.000" in lines
        assert "Total $ 29.000" in lines
        assert "(max): the period reached the daily maximum of $ 20.000." in lines
        assert lines[-1] == "Total $ 29.000 = base $ 24.370 + IVA (19 %) $ 4.630."
        assert "Sum" not in out  # 29.000 needs no rounding

    def test_table_shows_rounding_and_grace(
        self, runner: CliRunner, db: str, clock: FixedClock
    ) -> None:
        clock.advance(minutes=1)
        invoke(runner, "tariff", "set", "--type", "car", "--round-to", "100", "--db", db)
        code, out, _ = invoke(
            runner,
            *("quote", "--db", db, "--type", "car"),
            *("--entry", "2026-03-10 10:00", "--exit", "2026-03-10 11:01"),
        )
        assert code == 0
        assert "Sum $ 2.257 rounded to $ 2.300 (multiples of $ 100)." in out
        code, out, _ = invoke(
            runner,
            *("quote", "--db", db, "--type", "car"),
            *("--entry", "2026-03-10 10:00", "--exit", "2026-03-10 10:00:59"),
        )
        assert code == 0
        assert "Within the 0 free minutes: nothing to pay." in out
        assert "Period" not in out
        assert out.splitlines()[-1] == "Total $ 0 = base $ 0 + IVA (19 %) $ 0."

    @pytest.mark.parametrize(
        "args,message",
        [
            (
                ["--type", "boat", "--entry", "2026-03-10 10:00", "--exit", "2026-03-10 11:00"],
                "Unknown vehicle type 'boat'; use car, motorcycle or bicycle.",
            ),
            (
                ["--type", "car", "--entry", "10am", "--exit", "2026-03-10 11:00"],
                "The entry time '10am' is not a date and time; write it like 2026-03-10 14:30 "
                "or 2026-03-10T14:30-05:00.",
            ),
            (
                ["--type", "car", "--entry", "2026-03-10 10:00", "--exit", "2026-13-10 11:00"],
                "The exit time '2026-13-10 11:00' is not a date and time; write it like "
                "2026-03-10 14:30 or 2026-03-10T14:30-05:00.",
            ),
            (
                ["--type", "car", "--entry", "2026-03-10 10:00", "--exit", "2026-03-10 09:59"],
                "The exit time 2026-03-10 09:59 is before the entry time 2026-03-10 10:00.",
            ),
            (
                ["--type", "bicycle", "--entry", "2026-03-10 10:00", "--exit", "2026-03-10 11:00"],
                "There is no bicycle tariff; the operator can set one with "
                "`booth tariff set --type bicycle`.",
            ),
            (
                ["--type", "car", "--entry", "2026-03-09 10:00", "--exit", "2026-03-10 11:00"],
                "No car tariff was in effect at 2026-03-09 10:00; the first one starts "
                "2026-03-10 09:00.",
            ),
        ],
    )
    def test_refusals_are_one_sentence(
        self, runner: CliRunner, db: str, args: list[str], message: str
    ) -> None:
        code, out, err = invoke(runner, "quote", "--db", db, *args)
        assert code == 1
        assert err.strip() == message
        assert out == ""

    def test_nonexistent_local_time_in_new_york(self, runner: CliRunner, ny_db: str) -> None:
        code, _, err = invoke(
            runner,
            *("quote", "--db", ny_db, "--type", "car"),
            *("--entry", "2027-03-14 02:30", "--exit", "2027-03-14 06:00"),
        )
        assert code == 1
        assert err.strip() == (
            "The entry time 2027-03-14 02:30 does not exist in America/New_York: the clocks "
            "jump over it. Give the offset, like 2027-03-14T02:30-05:00."
        )

    def test_missing_database(self, runner: CliRunner, tmp_path: Path) -> None:
        code, _, err = invoke(
            runner,
            *("quote", "--db", str(tmp_path / "none.db"), "--type", "car"),
            *("--entry", "2026-03-10 10:00", "--exit", "2026-03-10 11:00"),
        )
        assert code == 1
        assert (
            err.strip() == f"No booth database at {tmp_path / 'none.db'}. Run `booth setup` first."
        )


def test_commands_are_registered_in_the_real_program(db: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-m", "booth", "--db", db, "quote", "--json", "--type", "car"]
        + ["--entry", "2026-03-10T09:00-05:00", "--exit", "2026-03-10T10:01:30-05:00"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["amount"] == 2257
    helped = subprocess.run(
        [sys.executable, "-m", "booth", "tariff", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert helped.returncode == 0 and "show" in helped.stdout and "set" in helped.stdout
