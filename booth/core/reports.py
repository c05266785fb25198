"""The operator's report for a period, read in one transaction that never takes the write lock.

A period is a run of calendar days in the lot's time zone, turned into UTC
bounds `[start, end)`. Invoices belong to it by `issued_at`; voided ones are
listed but never counted in revenue. Queries select columns over indexed ranges
(invoices.issued_at, stays.entered_at / exited_at), one query per section.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Table, and_, func, or_, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from booth.core import lot, stays
from booth.core.clock import Clock
from booth.core.db import run_read
from booth.core.errors import Refused
from booth.core.i18n import _
from booth.core.models import (
    PAYMENT_METHODS,
    Invoice,
    Shift,
    Stay,
    TariffVersion,
    User,
    VehicleType,
)

MIN_YEAR = 1900
MAX_YEAR = 9998
# Upper bound that turns "exited after X" into a two-sided range, so SQLite's planner
# (no statistics) prefers the exited_at index over scanning every past entry.
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)

# Core tables: the report selects columns, never ORM objects per row.
INVOICES: Table = Invoice.__table__  # type: ignore[attr-defined]
STAYS: Table = Stay.__table__  # type: ignore[attr-defined]
USERS: Table = User.__table__  # type: ignore[attr-defined]
SHIFTS: Table = Shift.__table__  # type: ignore[attr-defined]
VEHICLE_TYPES: Table = VehicleType.__table__  # type: ignore[attr-defined]

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH_RE = re.compile(r"(\d{4})-(\d{2})")
_YEAR_RE = re.compile(r"\d{4}")


# --- the period -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodRequest:
    """What the person asked for, before the lot's time zone is known.

    Either `relative_days` (0 = today, -1 = yesterday, counted in the lot's zone)
    or the local days `first`..`last` (inclusive).
    """

    relative_days: int | None = None
    first: date | None = None
    last: date | None = None


@dataclass(frozen=True)
class Period:
    """Local days `first_day`..`last_day` and their UTC bounds `[start, end)`."""

    first_day: date
    last_day: date
    start: datetime
    end: datetime


def parse_day(text: str, option: str) -> date:
    """A typed `YYYY-MM-DD`, or a one-sentence refusal naming the option."""
    cleaned = text.strip()
    try:
        if not _DATE_RE.fullmatch(cleaned):
            raise ValueError(cleaned)
        day = date.fromisoformat(cleaned)
    except ValueError:
        raise Refused(
            _("{option} must be a date like 2026-03-10; '{text}' is not one.").format(
                option=option, text=text
            )
        ) from None
    _check_year(day.year, option)
    return day


def _check_year(year: int, option: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Refused(
            _("{option} must be a year between {low} and {high}.").format(
                option=option, low=MIN_YEAR, high=MAX_YEAR
            )
        )


def parse_period(
    *,
    day: str | None = None,
    from_day: str | None = None,
    to_day: str | None = None,
    month: str | None = None,
    year: str | None = None,
) -> PeriodRequest:
    """Turn the report's period options into a request; refuse conflicts and bad dates."""
    chosen = [
        name
        for name, given in (
            ("--date", day is not None),
            ("--from/--to", from_day is not None or to_day is not None),
            ("--month", month is not None),
            ("--year", year is not None),
        )
        if given
    ]
    if len(chosen) > 1:
        raise Refused(
            _("Choose one period: --date, --from/--to, --month or --year (got {options}).").format(
                options=", ".join(chosen)
            )
        )
    if from_day is not None or to_day is not None:
        if from_day is None or to_day is None:
            raise Refused(_("Give both --from and --to (the same day twice for one day)."))
        first = parse_day(from_day, "--from")
        last = parse_day(to_day, "--to")
        if first > last:
            raise Refused(
                _("--from {first} is after --to {last}.").format(
                    first=first.isoformat(), last=last.isoformat()
                )
            )
        return PeriodRequest(first=first, last=last)
    if month is not None:
        m = _MONTH_RE.fullmatch(month.strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise Refused(
                _("--month must look like 2026-03; '{text}' is not a month.").format(text=month)
            )
        y, mo = int(m.group(1)), int(m.group(2))
        _check_year(y, "--month")
        first = date(y, mo, 1)
        following = date(y + 1, 1, 1) if mo == 12 else date(y, mo + 1, 1)
        return PeriodRequest(first=first, last=following - timedelta(days=1))
    if year is not None:
        if not _YEAR_RE.fullmatch(year.strip()):
            raise Refused(
                _("--year must look like 2026; '{text}' is not a year.").format(text=year)
            )
        y = int(year.strip())
        _check_year(y, "--year")
        return PeriodRequest(first=date(y, 1, 1), last=date(y, 12, 31))
    text = (day if day is not None else "today").strip().lower()
    if text == "today":
        return PeriodRequest(relative_days=0)
    if text == "yesterday":
        return PeriodRequest(relative_days=-1)
    one = parse_day(day or "", "--date")
    return PeriodRequest(first=one, last=one)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of local `day`, in UTC."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def resolve_period(request: PeriodRequest, tz: ZoneInfo, now: datetime) -> Period:
    """UTC bounds of the requested local days."""
    if request.relative_days is not None:
        first = now.astimezone(tz).date() + timedelta(days=request.relative_days)
        last = first
    else:
        assert request.first is not None and request.last is not None
        first, last = request.first, request.last
    return Period(
        first_day=first,
        last_day=last,
        start=local_midnight(first, tz),
        end=local_midnight(last + timedelta(days=1), tz),
    )


# --- the report -----------------------------------------------------------------------------


class InvoiceLine(NamedTuple):
    """One invoice of the period (voided ones included, flagged).

    A named tuple because a busy month has tens of thousands: cheap to build.
    """

    number: str
    plate: str
    vehicle_type: str
    entered_at: datetime
    exited_at: datetime | None
    issued_at: datetime
    minutes: int
    amount: int
    base: int
    tax: int
    payment_method: str
    attendant: str
    booth: str
    voided_at: datetime | None
    voided_by: str | None
    void_reason: str

    @property
    def voided(self) -> bool:
        return self.voided_at is not None


@dataclass
class Subtotal:
    """Count and money of a group of invoices."""

    count: int = 0
    amount: int = 0
    base: int = 0
    tax: int = 0

    def add(self, line: InvoiceLine) -> None:
        self.count += 1
        self.amount += line.amount
        self.base += line.base
        self.tax += line.tax


@dataclass
class Totals:
    """Revenue of the period (voided invoices excluded) and its breakdowns."""

    count: int = 0
    amount: int = 0
    base: int = 0
    tax: int = 0
    by_vehicle_type: dict[str, Subtotal] = field(default_factory=dict)
    by_payment_method: dict[str, Subtotal] = field(default_factory=dict)
    by_attendant: dict[str, Subtotal] = field(default_factory=dict)
    by_booth: dict[str, Subtotal] = field(default_factory=dict)
    voided: Subtotal = field(default_factory=Subtotal)


@dataclass(frozen=True)
class OpenStay:
    """A vehicle still inside at the end of the period."""

    plate: str
    vehicle_type: str
    since: datetime
    entry_booth: str
    fee_so_far: int


@dataclass(frozen=True)
class Occupancy:
    """Most vehicles of one type inside at once during the period."""

    vehicle_type: str
    capacity: int
    peak: int
    at: datetime | None  # first instant the peak was reached (None when nobody was inside)


@dataclass(frozen=True)
class Numbering:
    """Invoice numbers used in the period (whole lot) and what the authorisation has left."""

    first: str | None
    last: str | None
    used: int
    prefix: str | None
    range_from: int | None
    range_to: int | None
    remaining: int | None


@dataclass(frozen=True)
class ShiftLine:
    """A cashier shift overlapping the period."""

    id: int
    attendant: str
    booth: str
    opened_at: datetime
    closed_at: datetime | None
    opening_float: int
    expected_cash: int | None
    counted_cash: int | None

    @property
    def difference(self) -> int | None:
        if self.expected_cash is None or self.counted_cash is None:
            return None
        return self.counted_cash - self.expected_cash


@dataclass(frozen=True)
class Report:
    """Everything `booth report` shows, in plain data."""

    lot_name: str
    timezone: str
    period: Period
    booth: str | None
    generated_at: datetime
    priced_at: datetime  # when the open stays' fee so far is computed
    invoices: list[InvoiceLine]
    totals: Totals
    open_stays: list[OpenStay]
    occupancy: list[Occupancy]
    numbering: Numbering
    shifts: list[ShiftLine]

    @property
    def voided(self) -> list[InvoiceLine]:
        return [line for line in self.invoices if line.voided]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def build_report(
    engine: Engine, *, clock: Clock, request: PeriodRequest, booth: str | None = None
) -> Report:
    """Read the whole report in one read-only transaction."""
    return run_read(engine, lambda s: read_report(s, clock=clock, request=request, booth=booth))


def read_report(
    session: Session, *, clock: Clock, request: PeriodRequest, booth: str | None = None
) -> Report:
    """The report, read with `session` (expected to be a read-only transaction)."""
    settings = lot.get_settings(session)
    tz = lot.zone(settings)
    now = clock.now()
    period = resolve_period(request, tz, now)
    booth = booth.strip() if booth is not None else None
    if booth == "":
        raise Refused(_("--booth needs a booth name."))
    invoices = _invoice_lines(session, period, booth)
    vehicle_types = _vehicle_types(session)
    totals = total_of(invoices, vehicle_types=list(vehicle_types))
    overlapping = _overlapping_stays(session, period)
    priced_at = min(period.end, now)
    return Report(
        lot_name=settings.name,
        timezone=settings.timezone,
        period=period,
        booth=booth,
        generated_at=now,
        priced_at=priced_at,
        invoices=invoices,
        totals=totals,
        open_stays=_open_at_end(session, overlapping, period.end, priced_at),
        occupancy=peak_occupancy(overlapping, period, vehicle_types),
        numbering=_numbering(session, period),
        shifts=_shift_lines(session, period, booth),
    )


def total_of(lines: Iterable[InvoiceLine], *, vehicle_types: list[str]) -> Totals:
    """Sum the invoices that count (not voided), with every breakdown."""
    totals = Totals(
        by_vehicle_type={code: Subtotal() for code in vehicle_types},
        by_payment_method={method: Subtotal() for method in PAYMENT_METHODS},
    )
    for line in lines:
        if line.voided:
            totals.voided.add(line)
            continue
        totals.count += 1
        totals.amount += line.amount
        totals.base += line.base
        totals.tax += line.tax
        for groups, key in (
            (totals.by_vehicle_type, line.vehicle_type),
            (totals.by_payment_method, line.payment_method),
            (totals.by_attendant, line.attendant),
            (totals.by_booth, line.booth),
        ):
            group = groups.get(key)
            if group is None:  # (setdefault would make a Subtotal for every line)
                group = groups[key] = Subtotal()
            group.add(line)
    totals.by_attendant = dict(sorted(totals.by_attendant.items()))
    totals.by_booth = dict(sorted(totals.by_booth.items()))
    return totals


# --- queries --------------------------------------------------------------------------------


def _vehicle_types(session: Session) -> dict[str, int]:
    vt = VEHICLE_TYPES.c
    rows = session.connection().execute(select(vt.code, vt.capacity).order_by(vt.code))
    return {code: capacity for code, capacity in rows}


def _invoice_lines(session: Session, period: Period, booth: str | None) -> list[InvoiceLine]:
    attendant = USERS.alias("attendant")
    voider = USERS.alias("voider")
    inv = INVOICES.c
    st = STAYS.c
    stmt = (
        select(
            inv.prefix,
            inv.number,
            st.plate,
            st.vehicle_type,
            st.entered_at,
            st.exited_at,
            inv.issued_at,
            inv.minutes,
            inv.amount,
            inv.base,
            inv.tax,
            inv.payment_method,
            attendant.c.username.label("attendant"),
            inv.booth,
            inv.voided_at,
            voider.c.username.label("voided_by"),
            inv.void_reason,
        )
        .select_from(INVOICES)
        .join(STAYS, st.id == inv.stay_id)
        .join(attendant, attendant.c.id == inv.user_id)
        .outerjoin(voider, voider.c.id == inv.voided_by)
        .where(inv.issued_at >= period.start, inv.issued_at < period.end)
        .order_by(inv.issued_at, inv.id)
    )
    if booth is not None:
        stmt = stmt.where(inv.booth == booth)
    # Columns after the number are selected in InvoiceLine's field order.
    return [
        InvoiceLine._make((f"{row[0]}{row[1]}", *row[2:]))
        for row in session.connection().execute(stmt).all()
    ]


class _StayRow(NamedTuple):
    id: int
    plate: str
    vehicle_type: str
    entered_at: datetime
    exited_at: datetime | None
    tariff_version_id: int
    entry_booth: str


def _overlapping_stays(session: Session, period: Period) -> list[_StayRow]:
    """Every stay inside at some instant of `[start, end)`, in three indexed range reads."""
    st = STAYS.c
    columns = (
        st.id,
        st.plate,
        st.vehicle_type,
        st.entered_at,
        st.exited_at,
        st.tariff_version_id,
        st.entry_booth,
    )
    conn = session.connection()
    entered_in_period = select(*columns).where(
        st.entered_at >= period.start, st.entered_at < period.end
    )
    inside_at_start_still_open = select(*columns).where(
        st.exited_at.is_(None), st.entered_at < period.start
    )
    inside_at_start_left_since = select(*columns).where(
        st.exited_at > period.start, st.exited_at < FAR_FUTURE, st.entered_at < period.start
    )
    rows: list[_StayRow] = []
    for stmt in (entered_in_period, inside_at_start_still_open, inside_at_start_left_since):
        rows.extend(_StayRow(*row) for row in conn.execute(stmt).all())
    return rows


def _open_at_end(
    session: Session, overlapping: list[_StayRow], end: datetime, priced_at: datetime
) -> list[OpenStay]:
    inside = sorted(
        (r for r in overlapping if r.exited_at is None or r.exited_at > end),
        key=lambda r: (r.entered_at, r.id),
    )
    # One look-up per tariff version, held here: the session's identity map is weak, so
    # without these references pricing would fetch the tariff again for every car.
    held = {tid: session.get(TariffVersion, tid) for tid in {r.tariff_version_id for r in inside}}
    result = []
    for r in inside:
        result.append(
            OpenStay(
                plate=r.plate,
                vehicle_type=r.vehicle_type,
                since=r.entered_at,
                entry_booth=r.entry_booth,
                fee_so_far=stays.fee_at(session, r.entered_at, r.tariff_version_id, priced_at),
            )
        )
    del held
    return result


def peak_occupancy(
    overlapping: Iterable[_StayRow], period: Period, capacities: dict[str, int]
) -> list[Occupancy]:
    """Sweep entries and exits inside the period; a departure counts before an arrival."""
    inside: dict[str, int] = dict.fromkeys(capacities, 0)
    events: list[tuple[datetime, int, str]] = []
    for r in overlapping:
        inside.setdefault(r.vehicle_type, 0)
        if r.entered_at < period.start:
            inside[r.vehicle_type] += 1
        else:
            events.append((r.entered_at, 1, r.vehicle_type))
        if r.exited_at is not None and r.exited_at < period.end:
            events.append((r.exited_at, -1, r.vehicle_type))
    peak = dict(inside)
    peak_at: dict[str, datetime | None] = {
        vtype: period.start if count > 0 else None for vtype, count in inside.items()
    }
    for at, delta, vtype in sorted(events, key=lambda e: (e[0], e[1])):
        inside[vtype] += delta
        if inside[vtype] > peak[vtype]:
            peak[vtype] = inside[vtype]
            peak_at[vtype] = at
    return [
        Occupancy(
            vehicle_type=vtype,
            capacity=capacities.get(vtype, 0),
            peak=peak[vtype],
            at=peak_at[vtype],
        )
        for vtype in sorted(peak)
    ]


def _numbering(session: Session, period: Period) -> Numbering:
    inv = INVOICES.c
    in_period = and_(inv.issued_at >= period.start, inv.issued_at < period.end)
    conn = session.connection()
    first = conn.execute(
        select(inv.prefix, inv.number).where(in_period).order_by(inv.issued_at, inv.id).limit(1)
    ).first()
    last = conn.execute(
        select(inv.prefix, inv.number)
        .where(in_period)
        .order_by(inv.issued_at.desc(), inv.id.desc())
        .limit(1)
    ).first()
    used = conn.execute(select(func.count()).select_from(INVOICES).where(in_period)).scalar_one()  # type: ignore[attr-defined]
    status = stays.numbering_status(session)
    return Numbering(
        first=f"{first[0]}{first[1]}" if first else None,
        last=f"{last[0]}{last[1]}" if last else None,
        used=int(used),
        prefix=status.prefix if status else None,
        range_from=status.range_from if status else None,
        range_to=status.range_to if status else None,
        remaining=status.remaining if status else None,
    )


def _shift_lines(session: Session, period: Period, booth: str | None) -> list[ShiftLine]:
    sh = SHIFTS.c
    user = USERS.c
    stmt = (
        select(
            sh.id,
            user.username,
            sh.booth,
            sh.opened_at,
            sh.closed_at,
            sh.opening_float,
            sh.expected_cash,
            sh.counted_cash,
        )
        .select_from(SHIFTS)
        .join(USERS, user.id == sh.user_id)
        .where(sh.opened_at < period.end, or_(sh.closed_at.is_(None), sh.closed_at > period.start))
        .order_by(sh.opened_at, sh.id)
    )
    if booth is not None:
        stmt = stmt.where(sh.booth == booth)
    return [ShiftLine(*row) for row in session.connection().execute(stmt)]
