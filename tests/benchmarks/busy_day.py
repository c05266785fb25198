"""A busy day (3,000 invoices) added to a benchmark database, through booth's own services.

The demo's days hold about 450 invoices; the nightly-report target is for a day
with 3,000. This adds one such day after everything already in the database
(the local day after its latest event), so invoice numbers, the audit chain and
shifts stay in time order: two attendants open shifts at booths B7 and B8, 3,000
vehicles come in and leave that day (quote, then check-out at the quoted
instant, cash/card/transfer), a few stay overnight, and the shifts close with
the expected cash counted. Every write goes through stays.check_in,
stays.quote/check_out and shifts.open_shift/close_shift, one transaction each,
so every invariant the services keep holds. Takes about 10 s; done once per
database (remembered in `<db>.busy-day.json`, checked against the invoices).
"""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

BUSY_INVOICES = 3000
OPEN_HOUR, CLOSE_HOUR = 6, 22
# Relative arrivals per opening hour 06..21, as the demo's days.
HOUR_WEIGHTS = (2, 8, 10, 6, 4, 4, 6, 6, 4, 4, 5, 8, 7, 4, 2, 1)
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
OVERNIGHT_SHARE = 0.03
BOOTHS = (("B7", "demo-ana"), ("B8", "demo-luis"))


@dataclass(frozen=True)
class BusyDay:
    """The local day and its UTC bounds."""

    day: date
    zone: ZoneInfo
    start: datetime
    end: datetime
    invoices: int


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".busy-day.json")


def _bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def latest_event(path: Path) -> datetime:
    """The latest instant written in the database (stays, invoices, audit)."""
    con = sqlite3.connect(str(path))
    try:
        row = con.execute(
            "SELECT max(x) FROM (SELECT max(entered_at) AS x FROM stays"
            " UNION ALL SELECT max(exited_at) FROM stays"
            " UNION ALL SELECT max(issued_at) FROM invoices"
            " UNION ALL SELECT max(at) FROM audit_events)"
        ).fetchone()
    finally:
        con.close()
    return datetime.fromisoformat(row[0]).replace(tzinfo=UTC)


def _count_invoices(path: Path, start: datetime, end: datetime) -> int:
    con = sqlite3.connect(str(path))
    try:
        return int(
            con.execute(
                "SELECT count(*) FROM invoices WHERE issued_at >= ? AND issued_at < ?",
                (_stamp(start), _stamp(end)),
            ).fetchone()[0]
        )
    finally:
        con.close()


def _zone(path: Path) -> ZoneInfo:
    con = sqlite3.connect(str(path))
    try:
        return ZoneInfo(con.execute("SELECT timezone FROM lot_settings").fetchone()[0])
    finally:
        con.close()


def marked_day(path: Path, invoices: int = BUSY_INVOICES) -> BusyDay | None:
    """The busy day a previous run added to this database, if it is there."""
    marker = _marker(path)
    if not marker.exists():
        return None
    zone = _zone(path)
    day = date.fromisoformat(json.loads(marker.read_text())["day"])
    start, end = _bounds(day, zone)
    found = _count_invoices(path, start, end)
    return BusyDay(day, zone, start, end, found) if found >= invoices else None


def ensure_busy_day(path: Path, seed: int = 1, invoices: int = BUSY_INVOICES) -> BusyDay:
    """The database's busy day, added now unless a previous run added it."""
    marked = marked_day(path, invoices)
    if marked is not None:
        return marked
    zone = _zone(path)
    marker = _marker(path)
    day = latest_event(path).astimezone(zone).date() + timedelta(days=1)
    _add_day(path, day, zone, seed, invoices)
    start, end = _bounds(day, zone)
    found = _count_invoices(path, start, end)
    marker.write_text(json.dumps({"day": day.isoformat(), "invoices": found}))
    return BusyDay(day, zone, start, end, found)


def _plan(
    rng: random.Random, day: date, zone: ZoneInfo, invoices: int
) -> list[tuple[datetime, datetime | None, str]]:
    """(arrival, departure or None for overnight, vehicle type) until `invoices` leave that day."""
    open_at = datetime.combine(day, time(OPEN_HOUR), tzinfo=zone)
    close_at = datetime.combine(day, time(CLOSE_HOUR), tzinfo=zone)
    hours = range(OPEN_HOUR, CLOSE_HOUR)
    out: list[tuple[datetime, datetime | None, str]] = []
    leaving = 0
    while leaving < invoices:
        h = rng.choices(hours, weights=HOUR_WEIGHTS)[0]
        arrive = open_at + timedelta(hours=h - OPEN_HOUR, seconds=rng.randrange(3600))
        vtype = "car" if rng.random() < 0.7 else "motorcycle"
        if rng.random() < OVERNIGHT_SHARE:
            out.append((arrive, None, vtype))
            continue
        minutes = rng.uniform(10, 90) if rng.random() < 0.55 else rng.uniform(90, 300)
        leave = min(arrive + timedelta(minutes=minutes), close_at + timedelta(minutes=55))
        if leave <= arrive + timedelta(minutes=2):
            leave = arrive + timedelta(minutes=2, seconds=rng.randrange(600))
        out.append((arrive, leave, vtype))
        leaving += 1
    return out


def _plates(
    rng: random.Random, path: Path, plan: list[tuple[datetime, datetime | None, str]]
) -> list[str]:
    con = sqlite3.connect(str(path))
    try:
        inside = {r[0] for r in con.execute("SELECT plate FROM stays WHERE exited_at IS NULL")}
    finally:
        con.close()
    seen: set[str] = set(inside)
    out: list[str] = []
    for _arrive, _leave, vtype in plan:
        while True:
            letters = "".join(rng.choice(LETTERS) for _ in range(3))
            if vtype == "motorcycle":
                plate = f"{letters}{rng.randrange(100):02d}{rng.choice(LETTERS)}"
            else:
                plate = f"{letters}{rng.randrange(1000):03d}"
            if plate not in seen:
                break
        seen.add(plate)
        out.append(plate)
    return out


def _add_day(path: Path, day: date, zone: ZoneInfo, seed: int, invoices: int) -> None:
    from booth.core import auth, shifts, stays
    from booth.core.audit import SignedIn
    from booth.core.clock import FixedClock
    from booth.core.db import open_database, run_read

    rng = random.Random(seed * 7919 + day.toordinal())
    plan = _plan(rng, day, zone, invoices)
    plates = _plates(rng, path, plan)
    engine = open_database(str(path))
    clock = FixedClock(datetime.combine(day, time(OPEN_HOUR - 1, 55), tzinfo=zone))
    who: list[SignedIn] = []
    shift_ids: list[int] = []
    for booth, username in BOOTHS:
        user = run_read(engine, lambda s, u=username: auth.get_user(s, u))
        signed = SignedIn(user_id=user.id or 0, username=user.username, role=user.role, booth=booth)
        who.append(signed)
        shift = shifts.open_shift(engine, clock=clock, who=signed, opening_float=100_000)
        shift_ids.append(shift.id or 0)
    # (instant, 0 = arrive / 1 = leave, vehicle index), in time order.
    events: list[tuple[datetime, int, int]] = []
    for i, (arrive, leave, _vtype) in enumerate(plan):
        events.append((arrive, 0, i))
        if leave is not None:
            events.append((leave, 1, i))
    events.sort()
    stay_ids: dict[int, int] = {}
    for at, kind, i in events:
        clock.set(at)
        b = i % len(who)
        if kind == 0:
            stay_ids[i] = (
                stays.check_in(
                    engine, clock=clock, who=who[b], plate=plates[i], vehicle_type=plan[i][2]
                ).stay.id
                or 0
            )
            continue
        q = stays.quote(engine, clock=clock, query=plates[i])
        r = rng.random()
        method = "cash" if r < 0.8 else "card" if r < 0.95 else "transfer"
        tendered = None
        if method == "cash" and q.amount and rng.random() < 0.7:
            tendered = -(-q.amount // 10_000) * 10_000
        stays.check_out(
            engine,
            clock=clock,
            who=who[b],
            stay_id=stay_ids[i],
            payment_method=method,
            tendered=tendered,
            quoted_at=clock.now(),
            shift_id=shift_ids[b],
        )
    clock.set(datetime.combine(day, time(23, 10), tzinfo=zone))
    for signed, shift_id in zip(who, shift_ids, strict=True):
        expected = run_read(
            engine,
            lambda s, sid=shift_id: shifts.expected_cash(s, shifts.get_shift(s, sid)),
        )
        shifts.close_shift(engine, clock=clock, who=signed, shift_id=shift_id, counted=expected)
    engine.dispose()
