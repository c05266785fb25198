"""Tariff versions in the database (booth.core.tariffs): adding, scheduling, quoting."""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from booth.core import stays, tariffs
from booth.core.audit import Actor, SignedIn
from booth.core.clock import FixedClock
from booth.core.db import run_read, run_write
from booth.core.errors import Refused
from booth.core.models import AuditEvent, LotSettings, TariffVersion
from booth.core.tariffs import TariffChange
from tests.conftest import START

BOGOTA = ZoneInfo("America/Bogota")
OPERATOR = Actor("cli:ops", "B1")


def add(
    engine: Engine,
    clock: FixedClock,
    *,
    vehicle_type: str = "car",
    effective_from: datetime | None = None,
    **change: int,
) -> tariffs.AddedVersion:
    return run_write(
        engine,
        lambda s: tariffs.add_version(
            s,
            clock=clock,
            actor=OPERATOR,
            vehicle_type=vehicle_type,
            change=TariffChange(**change),
            effective_from=effective_from,
        ),
    )


def versions(engine: Engine) -> list[TariffVersion]:
    return run_read(
        engine, lambda s: list(s.exec(select(TariffVersion).order_by(col(TariffVersion.id))))
    )


def tariff_events(engine: Engine) -> list[AuditEvent]:
    return run_read(
        engine,
        lambda s: list(
            s.exec(select(AuditEvent).where(AuditEvent.action == "tariff.set").order_by("id"))
        ),
    )


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BOGOTA).astimezone(UTC)


def test_omitted_values_carry_over_and_the_change_is_audited(
    engine: Engine, clock: FixedClock
) -> None:
    clock.advance(minutes=5)
    added = add(engine, clock, unit_minutes=60, unit_price=3000, daily_max=20000)
    v = added.version
    assert (v.vehicle_type, v.unit_minutes, v.unit_price, v.grace_minutes) == ("car", 60, 3000, 0)
    assert (v.daily_max, v.round_to, v.effective_from) == (20000, 1, clock.now())
    assert added.carried_from is not None and added.carried_from.id == 1
    assert added.replaced is None

    clock.advance(minutes=1)
    again = add(engine, clock, round_to=100).version
    assert (again.unit_minutes, again.unit_price, again.daily_max, again.round_to) == (
        60,
        3000,
        20000,
        100,
    )
    events = tariff_events(engine)
    assert [e.subject for e in events] == ["car", "car"]
    assert events[0].username == "cli:ops"
    assert json.loads(events[0].details) == {
        "version": v.id,
        "vehicle_type": "car",
        "unit_minutes": 60,
        "unit_price": 3000,
        "grace_minutes": 0,
        "daily_max": 20000,
        "round_to": 1,
        "effective_from": "2026-03-10T14:05:00+00:00",
        "given": ["daily_max", "unit_minutes", "unit_price"],
        "carried_from": 1,
        "replaces": None,
    }
    assert json.loads(events[1].details)["given"] == ["round_to"]


def test_a_new_version_is_in_force_from_now_for_new_check_ins_only(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    inside = stays.check_in(engine, clock=clock, who=ana, plate="ABC123")
    clock.advance(minutes=1)
    add(engine, clock, unit_price=1000)
    later = stays.check_in(engine, clock=clock, who=ana, plate="XYZ789")
    clock.advance(minutes=10)
    # Frozen at check-in: 11 minutes at 37 for the first car, 10 at 1000 for the second.
    first = stays.check_out(engine, clock=clock, who=ana, stay_id=inside.stay.id or 0)
    second = stays.check_out(engine, clock=clock, who=ana, stay_id=later.stay.id or 0)
    assert (first.amount, second.amount) == (11 * 37, 10 * 1000)


def test_a_past_effective_time_is_refused_and_nothing_is_written(
    engine: Engine, clock: FixedClock
) -> None:
    with pytest.raises(Refused) as err:
        add(engine, clock, effective_from=clock.now() - timedelta(seconds=1), unit_price=50)
    assert str(err.value) == (
        "The effective time 2026-03-10 08:59 is in the past; a new tariff starts now or later "
        "(history is not rewritten)."
    )
    assert len(versions(engine)) == 1 and tariff_events(engine) == []


def test_scheduled_versions_show_up_and_take_over_on_time(
    engine: Engine, clock: FixedClock
) -> None:
    t1 = local("2026-04-01 00:00")
    v2 = add(engine, clock, effective_from=t1, unit_price=40).version
    view = run_read(engine, lambda s: tariffs.overview(s, clock.now()))
    assert list(view.current) == ["car", "motorcycle", "bicycle"]
    current = view.current["car"]
    assert current is not None and current.id == 1
    assert [v.id for v in view.scheduled["car"]] == [v2.id]
    assert view.current["motorcycle"] is None and view.scheduled["motorcycle"] == []

    clock.set(t1)
    view = run_read(engine, lambda s: tariffs.overview(s, clock.now()))
    current = view.current["car"]
    assert current is not None and current.id == v2.id and view.scheduled["car"] == []


def test_values_carry_over_from_the_version_in_force_at_the_new_start(
    engine: Engine, clock: FixedClock
) -> None:
    add(engine, clock, effective_from=local("2026-04-01 00:00"), unit_price=40)
    v3 = add(engine, clock, effective_from=local("2026-05-01 00:00"), daily_max=30000).version
    assert (v3.unit_minutes, v3.unit_price, v3.daily_max) == (1, 40, 30000)
    # Scheduled before the April change: carries over from the current one.
    v4 = add(engine, clock, effective_from=local("2026-03-20 00:00"), grace_minutes=5).version
    assert (v4.unit_price, v4.grace_minutes, v4.daily_max) == (37, 5, 0)


def test_same_instant_replaces_a_scheduled_version_without_deleting_it(
    engine: Engine, clock: FixedClock
) -> None:
    t1 = local("2026-04-01 00:00")
    v2 = add(engine, clock, effective_from=t1, unit_price=400).version
    fixed = add(engine, clock, effective_from=t1, unit_price=40)
    assert fixed.replaced is not None and fixed.replaced.id == v2.id
    # Values carried over from the version it replaces (amending the schedule).
    assert fixed.version.unit_price == 40
    view = run_read(engine, lambda s: tariffs.overview(s, clock.now()))
    assert [v.id for v in view.scheduled["car"]] == [fixed.version.id]
    assert [v.id for v in versions(engine)] == [1, v2.id, fixed.version.id]
    assert json.loads(tariff_events(engine)[-1].details)["replaces"] == v2.id
    found = run_read(engine, lambda s: tariffs.in_effect(s, "car", t1))
    assert found is not None and found.id == fixed.version.id


def test_same_instant_as_a_version_already_in_force_is_refused(
    engine: Engine, clock: FixedClock
) -> None:
    # The setup tariff took effect at START, which is also "now".
    with pytest.raises(Refused) as err:
        add(engine, clock, unit_price=40)
    assert str(err.value) == (
        "A car tariff already took effect at exactly 2026-03-10 09:00; "
        "choose a later effective time."
    )
    assert len(versions(engine)) == 1


def test_a_type_without_tariff_needs_unit_minutes_and_price(
    engine: Engine, clock: FixedClock
) -> None:
    for change in ({"unit_price": 500}, {"unit_minutes": 15}, {"grace_minutes": 5}):
        with pytest.raises(Refused) as err:
            add(engine, clock, vehicle_type="motorcycle", **change)  # type: ignore[arg-type]
        assert str(err.value) == (
            "There is no motorcycle tariff to carry values over from: give --unit-minutes and "
            "--unit-price (grace, daily max and rounding default to 0, 0 and 1)."
        )
    v = add(engine, clock, vehicle_type="motorcycle", unit_minutes=15, unit_price=500).version
    assert (v.unit_minutes, v.unit_price, v.grace_minutes, v.daily_max, v.round_to) == (
        15,
        500,
        0,
        0,
        1,
    )
    assert json.loads(tariff_events(engine)[0].details)["carried_from"] is None


@pytest.mark.parametrize(
    "change,message",
    [
        ({}, "Give at least one value to change"),
        ({"unit_minutes": 0}, "unit-minutes must be at least 1 (got 0)."),
        ({"unit_minutes": 1441}, "unit-minutes can be at most 1440 (got 1441)"),
        ({"unit_price": -5}, "unit-price cannot be negative (got -5)."),
        ({"unit_price": 10_000_001}, "unit-price can be at most 10000000"),
        ({"grace_minutes": -1}, "grace-minutes cannot be negative (got -1)."),
        ({"daily_max": -1}, "daily-max cannot be negative (got -1)."),
        ({"daily_max": 100_000_001}, "daily-max can be at most 100000000"),
        ({"round_to": 0}, "round-to must be at least 1 (got 0)."),
    ],
)
def test_bad_values_are_refused(
    engine: Engine, clock: FixedClock, change: dict[str, int], message: str
) -> None:
    clock.advance(minutes=1)
    with pytest.raises(Refused, match=message.replace("(", r"\(").replace(")", r"\)")):
        add(engine, clock, **change)  # type: ignore[arg-type]
    assert len(versions(engine)) == 1 and tariff_events(engine) == []


@pytest.mark.parametrize("text", ["truck", "", "CARS"])
def test_unknown_vehicle_type(engine: Engine, clock: FixedClock, text: str) -> None:
    clock.advance(minutes=1)
    with pytest.raises(Refused, match="Unknown vehicle type"):
        add(engine, clock, vehicle_type=text, unit_price=1)


def test_vehicle_type_is_case_insensitive(engine: Engine, clock: FixedClock) -> None:
    clock.advance(minutes=1)
    assert add(engine, clock, vehicle_type=" Car ", unit_price=40).version.vehicle_type == "car"


# --- quotes -------------------------------------------------------------------------------


def quote(engine: Engine, vehicle_type: str, entry: datetime, exit: datetime) -> tariffs.StayQuote:
    return run_read(
        engine, lambda s: tariffs.quote(s, vehicle_type=vehicle_type, entry=entry, exit=exit)
    )


def test_quote_of_the_issue_example(engine: Engine) -> None:
    q = quote(engine, "car", START, START + timedelta(minutes=61, seconds=30))
    assert (q.vehicle_type, q.fee.minutes, q.amount, q.base, q.tax, q.iva_rate_bp) == (
        "car",
        61,
        2257,
        1897,
        360,
        1900,
    )
    assert q.tariff.id == 1


def test_quote_uses_the_version_in_force_at_entry(engine: Engine, clock: FixedClock) -> None:
    t1 = local("2026-04-01 00:00")
    v2 = add(engine, clock, effective_from=t1, unit_minutes=60, unit_price=3000).version
    across = quote(engine, "car", t1 - timedelta(minutes=30), t1 + timedelta(minutes=31))
    assert (across.tariff.id, across.amount) == (1, 61 * 37)
    after = quote(engine, "car", t1, t1 + timedelta(minutes=61))
    assert (after.tariff.id, after.amount) == (v2.id, 6000)


def test_quote_uses_the_lots_iva_rate(engine: Engine) -> None:
    def set_rate(s: Session) -> None:
        settings = s.get(LotSettings, 1)
        assert settings is not None
        settings.iva_rate_bp = 500
        s.add(settings)

    run_write(engine, set_rate)
    q = quote(engine, "car", START, START + timedelta(minutes=61))
    assert (q.amount, q.base, q.tax, q.iva_rate_bp) == (2257, 2150, 107, 500)


def test_quote_refusals(engine: Engine, clock: FixedClock) -> None:
    cases = [
        (
            ("car", START, START - timedelta(minutes=1)),
            "The exit time 2026-03-10 08:59 is before the entry time 2026-03-10 09:00.",
        ),
        (
            ("car", START, START + timedelta(days=366, minutes=1)),
            "A quote covers at most 366 days; check the dates.",
        ),
        (
            ("car", START - timedelta(days=1), START),
            "No car tariff was in effect at 2026-03-09 09:00; the first one starts "
            "2026-03-10 09:00.",
        ),
        (
            ("bicycle", START, START + timedelta(hours=1)),
            "There is no bicycle tariff; the operator can set one with "
            "`booth tariff set --type bicycle`.",
        ),
        (
            ("boat", START, START + timedelta(hours=1)),
            "Unknown vehicle type 'boat'; use car, motorcycle or bicycle.",
        ),
    ]
    for (vtype, entry, exit), message in cases:
        with pytest.raises(Refused) as err:
            quote(engine, vtype, entry, exit)
        assert str(err.value) == message
    assert quote(engine, "car", START, START + timedelta(days=366)).fee.minutes == 366 * 1440


def test_quote_with_equal_entry_and_exit_is_free(engine: Engine) -> None:
    q = quote(engine, "car", START, START)
    assert (q.amount, q.base, q.tax, q.fee.periods) == (0, 0, 0, ())
