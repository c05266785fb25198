"""booth.core.reports: periods, totals, voids, vehicles inside, occupancy, numbering, shifts."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from booth.core import auth, stays
from booth.core.audit import Actor
from booth.core.clock import FixedClock
from booth.core.db import make_engine, run_read, run_write
from booth.core.errors import BoothError, Refused
from booth.core.models import Invoice, Shift, TariffVersion
from booth.core.reports import (
    InvoiceLine,
    Period,
    PeriodRequest,
    _StayRow,
    build_report,
    parse_period,
    peak_occupancy,
    read_report,
    resolve_period,
    total_of,
)
from tests.conftest import BOGOTA, make_lot, signed_in

DAY = date(2026, 3, 10)


def local(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    """An instant given as Bogotá wall-clock time in 2026."""
    return datetime(2026, month, day, hour, minute, tzinfo=BOGOTA)


def make_report_lot(path: Path, clock: FixedClock) -> Engine:
    """A lot set up on 1 March with cars and motorcycles, attendants ana and luis."""
    clock.set(local(1, 8))
    engine = make_lot(path, clock, capacities={"car": 50, "motorcycle": 20})
    run_write(
        engine,
        lambda s: auth.create_user(
            s,
            clock=clock,
            actor=Actor("admin", "B1"),
            username="luis",
            password="attendant-pass-2",
            role="attendant",
        ),
    )

    def moto_tariff(session: Any) -> None:
        session.add(
            TariffVersion(
                vehicle_type="motorcycle",
                unit_minutes=60,
                unit_price=1000,
                effective_from=clock.now(),
                created_at=clock.now(),
            )
        )

    run_write(engine, moto_tariff)
    return engine


def seed_days(engine: Engine, clock: FixedClock) -> None:
    """Stays and invoices around 10 March 2026 (Bogotá), in time order.

    10 March counts FV1 (31.080 cash, luis, B2), FV3 (3.000 transfer, luis, B2) and
    FV4 (27.750 cash, ana, B1, issued at 23:30 local = 04:30 UTC on the 11th); FV2
    (3.330 card, ana) is voided. NIT222 and JKL345 are inside at the end of the day.
    """
    ana = signed_in(engine, "ana", "B1")
    luis = signed_in(engine, "luis", "B2")
    ids: dict[str, int] = {}

    def check_in(at: datetime, plate: str, who: Any) -> None:
        clock.set(at)
        ids[plate] = stays.check_in(engine, clock=clock, who=who, plate=plate).stay.id or 0

    def check_out(at: datetime, plate: str, who: Any, method: str) -> None:
        clock.set(at)
        stays.check_out(engine, clock=clock, who=who, stay_id=ids[plate], payment_method=method)

    check_in(local(9, 20), "OLD111", ana)
    check_in(local(9, 22), "NIT222", ana)
    check_in(local(10, 9), "ABC123", ana)
    check_in(local(10, 9, 30), "XYZ12D", luis)
    check_out(local(10, 10), "OLD111", luis, "cash")  # FV1 31.080
    check_out(local(10, 10, 30), "ABC123", ana, "card")  # FV2 3.330, voided below
    check_in(local(10, 11), "DEF456", ana)
    check_out(local(10, 12), "XYZ12D", luis, "transfer")  # FV3 3.000
    check_in(local(10, 15), "JKL345", ana)
    check_out(local(10, 23, 30), "DEF456", ana, "cash")  # FV4 27.750
    check_in(local(11, 0, 30), "GHI789", ana)
    check_out(local(11, 1), "GHI789", ana, "cash")  # FV5 1.110 (11 March)
    check_out(local(11, 2), "JKL345", ana, "card")  # FV6 24.420 (11 March)

    def void_and_shifts(session: Any) -> None:
        admin = auth.get_user(session, "admin")
        inv = session.exec(select(Invoice).where(Invoice.number == 2)).one()
        inv.voided_at = local(10, 10, 45)
        inv.voided_by = admin.id
        inv.void_reason = "Wrong plate typed"
        session.add(inv)
        ana_id = auth.get_user(session, "ana").id
        luis_id = auth.get_user(session, "luis").id
        session.add(
            Shift(
                booth="B1",
                user_id=ana_id,
                opened_at=local(9, 7),
                closed_at=local(9, 19),
                opening_float=50_000,
                expected_cash=80_000,
                counted_cash=80_000,
            )
        )
        session.add(
            Shift(
                booth="B1",
                user_id=ana_id,
                opened_at=local(10, 7),
                closed_at=local(10, 19),
                opening_float=50_000,
                expected_cash=60_000,
                counted_cash=59_000,
            )
        )
        session.add(
            Shift(booth="B2", user_id=luis_id, opened_at=local(10, 8), opening_float=20_000)
        )

    run_write(engine, void_and_shifts)


@pytest.fixture
def lot(db_path: Path, clock: FixedClock) -> Any:
    engine = make_report_lot(db_path, clock)
    seed_days(engine, clock)
    clock.set(local(12, 9))
    yield engine
    engine.dispose()


def day_request(day: date = DAY) -> PeriodRequest:
    return PeriodRequest(first=day, last=day)


# --- periods --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs,expected",
    [
        ({}, PeriodRequest(relative_days=0)),
        ({"day": "today"}, PeriodRequest(relative_days=0)),
        ({"day": " Yesterday "}, PeriodRequest(relative_days=-1)),
        ({"day": "2026-03-10"}, PeriodRequest(first=DAY, last=DAY)),
        (
            {"from_day": "2026-02-27", "to_day": "2026-03-02"},
            PeriodRequest(first=date(2026, 2, 27), last=date(2026, 3, 2)),
        ),
        ({"from_day": "2026-03-10", "to_day": "2026-03-10"}, PeriodRequest(first=DAY, last=DAY)),
        ({"month": "2028-02"}, PeriodRequest(first=date(2028, 2, 1), last=date(2028, 2, 29))),
        ({"month": "2026-12"}, PeriodRequest(first=date(2026, 12, 1), last=date(2026, 12, 31))),
        ({"year": "2026"}, PeriodRequest(first=date(2026, 1, 1), last=date(2026, 12, 31))),
    ],
)
def test_parse_period(kwargs: dict[str, str], expected: PeriodRequest) -> None:
    assert parse_period(**kwargs) == expected


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"day": "2026-03-10", "month": "2026-03"}, "Choose one period"),
        ({"from_day": "2026-03-01", "to_day": "2026-03-02", "year": "2026"}, "Choose one period"),
        ({"to_day": "2026-03-02", "day": "today"}, "Choose one period"),
        ({"from_day": "2026-03-01"}, "Give both --from and --to"),
        ({"to_day": "2026-03-01"}, "Give both --from and --to"),
        ({"day": "2026-13-01"}, "--date must be a date like 2026-03-10; '2026-13-01' is not one."),
        ({"day": "2026-02-30"}, "'2026-02-30' is not one"),
        ({"day": "20260310"}, "'20260310' is not one"),
        ({"day": "tomorrow"}, "'tomorrow' is not one"),
        ({"day": ""}, "--date must be a date"),
        ({"from_day": "2026-03-01", "to_day": "2026-3-2"}, "--to must be a date"),
        ({"from_day": "2026-03-12", "to_day": "2026-03-10"}, "--from 2026-03-12 is after --to"),
        ({"month": "2026-13"}, "--month must look like 2026-03; '2026-13' is not a month."),
        ({"month": "2026-3"}, "'2026-3' is not a month"),
        ({"year": "26"}, "--year must look like 2026; '26' is not a year."),
        ({"year": "1066"}, "--year must be a year between 1900 and 9998."),
        ({"day": "9999-12-31"}, "--date must be a year between"),
    ],
)
def test_bad_periods_refused(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(Refused) as info:
        parse_period(**kwargs)
    assert message in info.value.message
    assert "\n" not in info.value.message


def test_local_days_become_utc_bounds() -> None:
    p = resolve_period(day_request(), BOGOTA, datetime(2026, 3, 12, tzinfo=UTC))
    assert (p.start, p.end) == (
        datetime(2026, 3, 10, 5, tzinfo=UTC),
        datetime(2026, 3, 11, 5, tzinfo=UTC),
    )


def test_today_is_the_local_day_not_the_utc_one() -> None:
    # 03:00 UTC on the 11th is still 22:00 on the 10th in Bogotá.
    now = datetime(2026, 3, 11, 3, 0, tzinfo=UTC)
    today = resolve_period(PeriodRequest(relative_days=0), BOGOTA, now)
    yesterday = resolve_period(PeriodRequest(relative_days=-1), BOGOTA, now)
    assert (today.first_day, today.last_day) == (DAY, DAY)
    assert yesterday.first_day == date(2026, 3, 9)
    assert yesterday.end == today.start == datetime(2026, 3, 10, 5, tzinfo=UTC)


def test_a_daylight_saving_day_has_23_hours() -> None:
    # New York moved its clocks forward on 8 March 2026.
    p = resolve_period(
        PeriodRequest(first=date(2026, 3, 8), last=date(2026, 3, 8)),
        ZoneInfo("America/New_York"),
        datetime(2026, 4, 1, tzinfo=UTC),
    )
    assert p.end - p.start == timedelta(hours=23)
    assert p.start == datetime(2026, 3, 8, 5, tzinfo=UTC)


# --- the report on a seeded lot -------------------------------------------------------------


def test_day_report_sections(lot: Engine, clock: FixedClock) -> None:
    r = build_report(lot, clock=clock, request=day_request())
    assert [line.number for line in r.invoices] == ["FV1", "FV2", "FV3", "FV4"]
    fv1, fv2, fv3, fv4 = r.invoices
    assert (fv1.plate, fv1.vehicle_type, fv1.minutes, fv1.amount) == ("OLD111", "car", 840, 31_080)
    assert (fv1.payment_method, fv1.attendant, fv1.booth) == ("cash", "luis", "B2")
    assert fv1.entered_at == local(9, 20) and fv1.exited_at == local(10, 10)
    assert (fv3.vehicle_type, fv3.amount, fv3.payment_method) == ("motorcycle", 3_000, "transfer")
    assert (fv4.amount, fv4.issued_at) == (27_750, datetime(2026, 3, 11, 4, 30, tzinfo=UTC))
    assert fv2.voided and (fv2.voided_by, fv2.void_reason) == ("admin", "Wrong plate typed")
    assert not (fv1.voided or fv3.voided or fv4.voided)
    assert r.voided == [fv2]

    t = r.totals
    assert (t.count, t.amount) == (3, 61_830)
    assert t.base + t.tax == t.amount and t.tax == fv1.tax + fv3.tax + fv4.tax
    assert (t.voided.count, t.voided.amount) == (1, 3_330)
    assert {k: (v.count, v.amount) for k, v in t.by_vehicle_type.items()} == {
        "bicycle": (0, 0),
        "car": (2, 58_830),
        "motorcycle": (1, 3_000),
    }
    assert {k: (v.count, v.amount) for k, v in t.by_payment_method.items()} == {
        "cash": (2, 58_830),
        "card": (0, 0),
        "transfer": (1, 3_000),
    }
    assert {k: (v.count, v.amount) for k, v in t.by_attendant.items()} == {
        "ana": (1, 27_750),
        "luis": (2, 34_080),
    }
    assert {k: (v.count, v.amount) for k, v in t.by_booth.items()} == {
        "B1": (1, 27_750),
        "B2": (2, 34_080),
    }

    # Inside at midnight: NIT222 (still inside) and JKL345 (left at 02:00 on the 11th),
    # priced at the end of the day because the report is run later.
    assert r.priced_at == local(11, 0)
    assert [(s.plate, s.since, s.fee_so_far) for s in r.open_stays] == [
        ("NIT222", local(9, 22), 26 * 60 * 37),
        ("JKL345", local(10, 15), 9 * 60 * 37),
    ]
    assert {o.vehicle_type: (o.peak, o.at, o.capacity) for o in r.occupancy} == {
        "bicycle": (0, None, 0),
        "car": (3, local(10, 9), 50),
        "motorcycle": (1, local(10, 9, 30), 20),
    }

    n = r.numbering
    assert (n.first, n.last, n.used) == ("FV1", "FV4", 4)
    assert (n.prefix, n.range_from, n.range_to, n.remaining) == ("FV", 1, 100_000, 100_000 - 6)

    assert [(s.attendant, s.booth, s.opened_at) for s in r.shifts] == [
        ("ana", "B1", local(10, 7)),
        ("luis", "B2", local(10, 8)),
    ]
    closed, still_open = r.shifts
    assert (closed.opening_float, closed.expected_cash, closed.counted_cash) == (
        50_000,
        60_000,
        59_000,
    )
    assert closed.difference == -1_000
    assert still_open.closed_at is None and still_open.expected_cash is None
    assert still_open.difference is None


def test_totals_match_an_independent_sum(lot: Engine, clock: FixedClock) -> None:
    r = build_report(lot, clock=clock, request=day_request())
    start, end = r.period.start, r.period.end

    def direct(session: Any) -> tuple[int, int, int, int]:
        row = session.exec(
            select(
                func.count(),
                func.sum(Invoice.amount),
                func.sum(Invoice.base),
                func.sum(Invoice.tax),
            )
            .where(Invoice.issued_at >= start, Invoice.issued_at < end)
            .where(Invoice.voided_at.is_(None))  # type: ignore[union-attr]
        ).one()
        return tuple(int(x) for x in row)  # type: ignore[return-value]

    assert run_read(lot, direct) == (r.totals.count, r.totals.amount, r.totals.base, r.totals.tax)


def test_an_invoice_at_2330_belongs_to_that_local_day(lot: Engine, clock: FixedClock) -> None:
    tenth = build_report(lot, clock=clock, request=day_request())
    eleventh = build_report(lot, clock=clock, request=day_request(date(2026, 3, 11)))
    assert "FV4" in [i.number for i in tenth.invoices]  # 23:30 Bogotá = 04:30 UTC on the 11th
    assert [i.number for i in eleventh.invoices] == ["FV5", "FV6"]
    assert eleventh.totals.amount == 1_110 + 24_420
    assert (eleventh.numbering.first, eleventh.numbering.last) == ("FV5", "FV6")
    # JKL345 was inside at the start of the 11th: the car peak starts at 2 (NIT222, JKL345).
    car = next(o for o in eleventh.occupancy if o.vehicle_type == "car")
    assert (car.peak, car.at) == (3, local(11, 0, 30))


def test_range_month_and_year_agree(lot: Engine, clock: FixedClock) -> None:
    two_days = build_report(
        lot, clock=clock, request=parse_period(from_day="2026-03-10", to_day="2026-03-11")
    )
    month = build_report(lot, clock=clock, request=parse_period(month="2026-03"))
    year = build_report(lot, clock=clock, request=parse_period(year="2026"))
    assert [i.number for i in two_days.invoices] == [f"FV{n}" for n in range(1, 7)]
    for r in (month, year):
        assert [i.number for i in r.invoices] == [i.number for i in two_days.invoices]
        assert r.totals == two_days.totals
    assert two_days.totals.amount == 61_830 + 1_110 + 24_420
    assert [s.plate for s in year.open_stays] == ["NIT222"]
    # The 9 March shift overlaps the month but not the 10th-11th.
    assert len(month.shifts) == 3 and len(two_days.shifts) == 2
    before = build_report(lot, clock=clock, request=parse_period(year="2025"))
    assert before.invoices == [] and before.open_stays == [] and before.shifts == []
    assert before.numbering.first is None and before.numbering.used == 0


def test_booth_filter_limits_invoices_and_shifts(lot: Engine, clock: FixedClock) -> None:
    r = build_report(lot, clock=clock, request=day_request(), booth="B2")
    assert [i.number for i in r.invoices] == ["FV1", "FV3"]
    assert r.totals.amount == 34_080 and list(r.totals.by_booth) == ["B2"]
    assert [(s.attendant, s.booth) for s in r.shifts] == [("luis", "B2")]
    assert [s.plate for s in r.open_stays] == ["NIT222", "JKL345"]  # the lot is shared
    none = build_report(lot, clock=clock, request=day_request(), booth="B9")
    assert none.invoices == [] and none.totals.count == 0 and none.shifts == []
    with pytest.raises(Refused, match="--booth needs a booth name"):
        build_report(lot, clock=clock, request=day_request(), booth="  ")


def test_today_prices_vehicles_inside_at_now(db_path: Path, clock: FixedClock) -> None:
    engine = make_report_lot(db_path, clock)
    ana = signed_in(engine, "ana", "B1")
    for at, plate in (
        (local(9, 22), "NIT222"),
        (local(10, 8), "DEF456"),
        (local(10, 15), "JKL345"),
    ):
        clock.set(at)
        stays.check_in(engine, clock=clock, who=ana, plate=plate)
    clock.set(local(10, 16))
    r = build_report(engine, clock=clock, request=PeriodRequest(relative_days=0))
    assert r.period.first_day == DAY and r.priced_at == local(10, 16)
    assert [(s.plate, s.fee_so_far) for s in r.open_stays] == [
        ("NIT222", 18 * 60 * 37),
        ("DEF456", 8 * 60 * 37),
        ("JKL345", 60 * 37),
    ]
    engine.dispose()


def test_report_needs_a_set_up_lot(tmp_path: Path, clock: FixedClock) -> None:
    from booth.core.db import open_database

    engine = open_database(str(tmp_path / "empty.db"), create=True)
    with pytest.raises(BoothError, match="not set up yet"):
        build_report(engine, clock=clock, request=day_request())
    engine.dispose()


# --- pure parts -----------------------------------------------------------------------------


def _stay(vtype: str, entered: datetime, exited: datetime | None) -> _StayRow:
    return _StayRow(1, "AAA111", vtype, entered, exited, 1, "B1")


def test_peak_counts_a_departure_before_an_arrival_at_the_same_instant() -> None:
    period = Period(DAY, DAY, local(10, 0), local(11, 0))
    rows = [
        _stay("car", local(9, 8), local(10, 12)),  # inside at the start
        _stay("car", local(10, 12), None),  # arrives as the other leaves
        _stay("car", local(10, 23), local(12, 1)),  # leaves after the end
    ]
    (car,) = peak_occupancy(rows, period, {"car": 5})
    assert (car.peak, car.at, car.capacity) == (2, local(10, 23), 5)
    (alone,) = peak_occupancy(rows[:1], period, {"car": 5})
    assert (alone.peak, alone.at) == (1, period.start)


lines = st.builds(
    InvoiceLine,
    number=st.just("FV1"),
    plate=st.just("ABC123"),
    vehicle_type=st.sampled_from(["car", "motorcycle"]),
    entered_at=st.just(local(10, 8)),
    exited_at=st.just(local(10, 9)),
    issued_at=st.just(local(10, 9)),
    minutes=st.integers(0, 10_000),
    amount=st.integers(0, 10**7),
    base=st.integers(0, 10**7),
    tax=st.integers(0, 10**6),
    payment_method=st.sampled_from(["cash", "card", "transfer"]),
    attendant=st.sampled_from(["ana", "luis", "=evil"]),
    booth=st.sampled_from(["B1", "B2"]),
    voided_at=st.none() | st.just(local(10, 10)),
    voided_by=st.none() | st.just("admin"),
    void_reason=st.text(max_size=5),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(lines, max_size=30))
def test_every_breakdown_adds_up_to_the_totals(items: list[InvoiceLine]) -> None:
    t = total_of(items, vehicle_types=["bicycle", "car", "motorcycle"])
    counted = [i for i in items if not i.voided]
    assert (t.count, t.amount) == (len(counted), sum(i.amount for i in counted))
    assert (t.base, t.tax) == (sum(i.base for i in counted), sum(i.tax for i in counted))
    assert (t.voided.count, t.voided.amount) == (
        len(items) - len(counted),
        sum(i.amount for i in items if i.voided),
    )
    for groups in (t.by_vehicle_type, t.by_payment_method, t.by_attendant, t.by_booth):
        assert sum(g.count for g in groups.values()) == t.count
        assert sum(g.amount for g in groups.values()) == t.amount
        assert sum(g.base for g in groups.values()) == t.base
        assert sum(g.tax for g in groups.values()) == t.tax
    assert list(t.by_payment_method) == ["cash", "card", "transfer"]


# --- read-only, indexed ---------------------------------------------------------------------


def test_report_does_not_take_the_write_lock(lot: Engine, clock: FixedClock, db_path: Path) -> None:
    # Busy timeout 0: if the report asked for the write lock it would fail at once.
    impatient = make_engine(str(db_path), busy_timeout_ms=0)
    writer = sqlite3.connect(db_path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute(
            "UPDATE invoices SET amount = amount + 1000000 WHERE number = 1"
        )  # uncommitted
        started = time.monotonic()
        r = build_report(impatient, clock=clock, request=day_request())
        assert time.monotonic() - started < 2
        assert r.totals.amount == 61_830  # the committed snapshot, not the pending write
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        impatient.dispose()


def test_a_booth_can_write_while_a_report_reads(
    lot: Engine, clock: FixedClock, db_path: Path
) -> None:
    writer = sqlite3.connect(db_path, isolation_level=None, timeout=0)

    def report_twice_around_a_write(session: Any) -> tuple[int, int]:
        first = read_report(session, clock=clock, request=day_request())
        writer.execute("BEGIN IMMEDIATE")  # would raise "database is locked" if we held it
        writer.execute("UPDATE invoices SET amount = amount + 1000000 WHERE number = 1")
        writer.execute("COMMIT")
        second = read_report(session, clock=clock, request=day_request())
        return first.totals.amount, second.totals.amount

    try:
        assert run_read(lot, report_twice_around_a_write) == (61_830, 61_830)
        after = build_report(lot, clock=clock, request=day_request())
        assert after.totals.amount == 61_830 + 1_000_000
    finally:
        writer.close()


@pytest.mark.parametrize(
    "request_",
    [
        day_request(),
        parse_period(month="2026-03"),
        parse_period(from_day="2026-03-09", to_day="2026-03-11"),
    ],
)
def test_no_query_scans_stays_or_invoices(
    lot: Engine, clock: FixedClock, db_path: Path, request_: PeriodRequest
) -> None:
    seen: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, params))

    event.listen(lot, "before_cursor_execute", capture)
    try:
        build_report(lot, clock=clock, request=request_, booth="B1")
    finally:
        event.remove(lot, "before_cursor_execute", capture)
    raw = sqlite3.connect(db_path)
    try:
        plans = [
            " | ".join(row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + sql, params))
            for sql, params in seen
        ]
    finally:
        raw.close()
    assert len(plans) >= 7
    touching = [p for p in plans if " stays" in p or " invoices" in p]
    assert len(touching) >= 6
    for plan in touching:
        assert "SCAN stays" not in plan and "SCAN invoices" not in plan, plan
    assert any("ix_stays_exited_at" in p for p in plans)
    assert any("ix_stays_entered_at" in p for p in plans)
    assert any("ix_invoices_issued_at" in p for p in plans)


def test_open_stays_priced_without_a_query_per_vehicle(lot: Engine, clock: FixedClock) -> None:
    ana = signed_in(lot, "ana", "B1")
    clock.set(local(12, 9))
    for n in range(12):
        stays.check_in(lot, clock=clock, who=ana, plate=f"CAR{n:03d}")
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(lot, "before_cursor_execute", listener)
    try:
        r = build_report(lot, clock=clock, request=PeriodRequest(relative_days=0))
    finally:
        event.remove(lot, "before_cursor_execute", listener)
    assert [s.plate for s in r.open_stays] == ["NIT222"] + [f"CAR{n:03d}" for n in range(12)]
    assert sum("FROM tariff_versions" in s for s in statements) == 1
    assert len([s for s in statements if s.startswith("SELECT")]) <= 12
    # One deferred transaction: BEGIN, never BEGIN IMMEDIATE, and nothing but reads.
    assert [s for s in statements if not s.startswith("SELECT")] == ["BEGIN"]
