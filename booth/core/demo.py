"""`booth demo`: a new database filled with a realistic, reproducible lot.

The lot itself and the first operator come from `setup.run_setup`; the history
(stays, invoices, shifts, voids) is written in one transaction with raw
`executemany`, so a million stays build in about a minute. The bulk path keeps
every invariant the services keep: fees from `tariff.compute_fee` under the
tariff version in force at entry, IVA from `money.split_iva`, invoice numbers
contiguous from the authorisation's first number (its `next_number` moved on),
one invoice per closed stay, one open stay per plate at most, unique ticket
codes, and an audit chain extended by one `demo.generate` event.

Demo users have passwords printed in the README; they must be disabled before a
database like this is used on a real lot.
"""

from __future__ import annotations

import bisect
import heapq
import math
import random
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, col, select

from booth.core import audit, auth, lot, plates
from booth.core.audit import Actor
from booth.core.clock import Clock, FixedClock
from booth.core.db import (
    database_exists,
    describe_operational_error,
    make_engine,
    open_database,
    sqlite_file,
)
from booth.core.errors import BoothError, Refused
from booth.core.i18n import _
from booth.core.money import split_iva
from booth.core.setup import run_setup
from booth.core.tariff import TariffRule, compute_fee
from booth.core.tariffs import rule_of

# Demo users and their published passwords (demo data, never a real lot's).
DEMO_OPERATOR = ("demo-admin", "demo-operator-pass", "Operador Demo")
DEMO_ATTENDANTS = (
    ("demo-ana", "demo-attendant-pass", "Ana Demo"),
    ("demo-luis", "demo-attendant-pass", "Luis Demo"),
    ("demo-sofia", "demo-attendant-pass", "Sofía Demo"),
    ("demo-diego", "demo-attendant-pass", "Diego Demo"),
)
DEMO_USERNAMES = frozenset([DEMO_OPERATOR[0], *(a[0] for a in DEMO_ATTENDANTS)])

BOOTHS = ("B1", "B2")
# (booth, slot) -> attendant index: morning 06-14, afternoon 14-22.
ROSTER = {("B1", 0): 0, ("B1", 1): 1, ("B2", 0): 2, ("B2", 1): 3}
OPEN_HOUR, CLOSE_HOUR, SHIFT_SPLIT_HOUR = 6, 22, 14
CAPACITY = {"car": 120, "motorcycle": 60, "bicycle": 0}
# Arrivals per weekday (Monday first) before a +-15 % daily wobble.
DAILY_ARRIVALS = {"car": 300, "motorcycle": 120}
WEEKDAY_FACTOR = (1.0, 1.0, 1.0, 1.05, 1.1, 0.75, 0.45)
# Relative arrivals per opening hour 06..21: morning and evening peaks.
HOUR_WEIGHTS = (2, 8, 10, 6, 4, 4, 6, 6, 4, 4, 5, 8, 7, 4, 2, 1)
REGULAR_PLATES = {"car": 3000, "motorcycle": 1200}
REGULAR_SHARE = 0.5
OPENING_FLOAT = 100_000
VOID_SHARE = 0.004
VOID_REASONS = (
    "Wrong plate typed at check-out",
    "Customer was charged twice",
    "Wrong vehicle type",
)
CAR_TARIFF_V2 = TariffRule(
    unit_minutes=1, unit_price=40, grace_minutes=5, daily_max=28_000, round_to=50
)
MOTORCYCLE_TARIFF = TariffRule(
    unit_minutes=1, unit_price=19, grace_minutes=5, daily_max=12_000, round_to=50
)
MAX_DAYS = 3650
MAX_STAYS = 5_000_000
BATCH = 20_000
TICKET_SPACE = len(plates.TICKET_ALPHABET) ** plates.TICKET_LENGTH
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class DemoUser:
    """A demo login and its published password."""

    username: str
    role: str
    password: str


@dataclass
class DemoResult:
    """What `generate` wrote."""

    target: str
    first_day: date
    last_day: date
    stays: int
    inside: int
    invoices: int
    voided: int
    shifts: int
    turned_away: int
    revenue: int
    users: list[DemoUser] = field(default_factory=list)


def demo_users() -> list[DemoUser]:
    """The demo logins, operator first."""
    users = [DemoUser(DEMO_OPERATOR[0], "operator", DEMO_OPERATOR[1])]
    users += [DemoUser(name, "attendant", pw) for name, pw, _full in DEMO_ATTENDANTS]
    return users


# --- refusing real data -------------------------------------------------------------------


def ensure_no_real_data(target: str) -> None:
    """Refuse a database holding any stay, invoice or non-demo user (read only, no migration)."""
    if not _has_content(target):
        return
    engine = make_engine(target)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            stays_n = invoices_n = 0
            others: list[str] = []
            if "stays" in tables:
                stays_n = int(conn.execute(text("SELECT count(*) FROM stays")).scalar_one())
            if "invoices" in tables:
                invoices_n = int(conn.execute(text("SELECT count(*) FROM invoices")).scalar_one())
            if "users" in tables:
                names = conn.execute(text("SELECT username FROM users")).scalars().all()
                others = sorted(n for n in names if n not in DEMO_USERNAMES)
    except DatabaseError as exc:
        raise BoothError(describe_operational_error(exc, target)) from exc
    finally:
        engine.dispose()
    if stays_n or invoices_n or others:
        raise Refused(
            _(
                "{target} already holds data ({stays} stays, {invoices} invoices, {users} "
                "other users); booth demo only fills a new database. Name a new file with --db."
            ).format(target=target, stays=stays_n, invoices=invoices_n, users=len(others))
        )


# --- the calendar ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    """One local day of the lot: its opening, shift change and closing instants."""

    day: date
    open_ts: int
    split_ts: int
    close_ts: int


def _local_ts(day: date, hour: int, zone: Any) -> int:
    return int(datetime.combine(day, time(hour), tzinfo=zone).timestamp())


def _make_day(day: date, zone: Any) -> Day:
    return Day(
        day=day,
        open_ts=_local_ts(day, OPEN_HOUR, zone),
        split_ts=_local_ts(day, SHIFT_SPLIT_HOUR, zone),
        close_ts=_local_ts(day, CLOSE_HOUR, zone),
    )


def _day_rng(seed: int, day: date) -> random.Random:
    return random.Random(seed * 1_000_003 + day.toordinal())


def _arrivals(seed: int, day: Day, now_ts: float) -> list[tuple[int, str]]:
    """The day's arrivals (epoch second, vehicle type), sorted; none after `now`."""
    rng = _day_rng(seed, day.day)
    factor = WEEKDAY_FACTOR[day.day.weekday()]
    hours = range(OPEN_HOUR, CLOSE_HOUR)
    out: list[tuple[int, str]] = []
    hour_len = (day.close_ts - day.open_ts) // len(hours)
    for vtype, base in DAILY_ARRIVALS.items():
        n = round(base * factor * rng.uniform(0.85, 1.15))
        for h in rng.choices(hours, weights=HOUR_WEIGHTS, k=n):
            ts = day.open_ts + (h - OPEN_HOUR) * hour_len + rng.randrange(hour_len)
            if ts <= now_ts:
                out.append((ts, vtype))
    out.sort()
    return out


@dataclass
class Plan:
    """Which days to fill, and how many early arrivals of the first day to drop."""

    days: list[Day]
    skip_first: int
    arrivals: int


def plan(*, seed: int, now: datetime, zone: Any, days: int | None, stays: int | None) -> Plan:
    """The days ending today (lot time) that hold `days` days or `stays` arrivals."""
    today = now.astimezone(zone).date()
    now_ts = now.timestamp()
    if now_ts < _local_ts(today, OPEN_HOUR, zone):
        today -= timedelta(days=1)  # before opening time the last day with stays is yesterday
    if stays is None:
        n_days = days or 1
        chosen = [_make_day(today - timedelta(days=i), zone) for i in range(n_days)][::-1]
        total = sum(len(_arrivals(seed, d, now_ts)) for d in chosen)
        return Plan(days=chosen, skip_first=0, arrivals=total)
    chosen_rev: list[Day] = []
    total = 0
    i = 0
    while total < stays:
        d = _make_day(today - timedelta(days=i), zone)
        total += len(_arrivals(seed, d, now_ts))
        chosen_rev.append(d)
        i += 1
    return Plan(days=chosen_rev[::-1], skip_first=total - stays, arrivals=stays)


# --- rows --------------------------------------------------------------------------------------


def _stamp(ts: float) -> str:
    """An epoch instant as SQLAlchemy stores UTC DATETIME on SQLite."""
    return (EPOCH + timedelta(seconds=ts)).isoformat(" ", "microseconds")


def _ticket_codes(seed: int, start: int) -> Callable[[int], str]:
    """A bijection index -> ticket code: distinct codes that look random."""
    rng = random.Random(seed ^ 0x7A11)
    base = len(plates.TICKET_ALPHABET)
    mult = rng.randrange(1, TICKET_SPACE)
    while mult % base == 0:
        mult += 1
    offset = rng.randrange(TICKET_SPACE)
    alphabet = plates.TICKET_ALPHABET

    def code(index: int) -> str:
        n = (mult * (start + index) + offset) % TICKET_SPACE
        chars = []
        for _i in range(plates.TICKET_LENGTH):
            n, r = divmod(n, base)
            chars.append(alphabet[r])
        return "".join(chars)

    return code


def _random_plate(rng: random.Random, vtype: str) -> str:
    letters = "".join(rng.choice(LETTERS) for _ in range(3))
    if vtype == "motorcycle":
        return f"{letters}{rng.randrange(100):02d}{rng.choice(LETTERS)}"
    return f"{letters}{rng.randrange(1000):03d}"


def _duration_seconds(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.45:
        minutes = rng.uniform(10, 90)
    elif r < 0.80:
        minutes = rng.uniform(90, 300)
    elif r < 0.97:
        minutes = rng.uniform(480, 660)
    else:
        minutes = rng.uniform(900, 3000)
    return int(minutes * 60)


def _tendered(rng: random.Random, amount: int) -> int:
    if amount == 0 or rng.random() < 0.3:
        return amount
    options = [-(-amount // step) * step for step in (1000, 5000, 10_000, 20_000, 50_000, 100_000)]
    return rng.choice(sorted(set(options))[:3])


@dataclass
class _Tariffs:
    """Versions per vehicle type, searchable by entry instant."""

    starts: dict[str, list[float]]
    ids: dict[str, list[int]]
    rules: dict[int, TariffRule]

    def at(self, vtype: str, ts: float) -> int:
        i = bisect.bisect_right(self.starts[vtype], ts) - 1
        if i < 0:
            raise AssertionError(f"no {vtype} tariff in force at {ts}")
        return self.ids[vtype][i]


@dataclass
class _Shifts:
    """Shift windows per booth; index lookup by instant."""

    ids: list[int] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    starts: dict[str, list[int]] = field(default_factory=dict)
    by_booth: dict[str, list[int]] = field(default_factory=dict)
    attendant: dict[int, int] = field(default_factory=dict)

    def at(self, booth: str, ts: int) -> int:
        i = bisect.bisect_right(self.starts[booth], ts) - 1
        return self.by_booth[booth][i]


def _build_shifts(days: list[Day], now_ts: float, first_id: int, attendants: list[int]) -> _Shifts:
    shifts = _Shifts(starts={b: [] for b in BOOTHS}, by_booth={b: [] for b in BOOTHS})
    sid = first_id
    for day in days:
        for slot, (start, end) in enumerate(
            ((day.open_ts, day.split_ts), (day.split_ts, day.close_ts))
        ):
            if start > now_ts:
                continue
            for booth in BOOTHS:
                user = attendants[ROSTER[(booth, slot)]]
                closed = min(float(end), now_ts)
                # id, booth, user, opened, float, closed_at, closed_by, expected, counted, reason
                shifts.rows.append(
                    [sid, booth, user, _stamp(start), OPENING_FLOAT, _stamp(closed), user, 0, 0, ""]
                )
                shifts.starts[booth].append(start)
                shifts.by_booth[booth].append(sid)
                shifts.attendant[sid] = user
                shifts.ids.append(sid)
                sid += 1
    return shifts


# --- generation ----------------------------------------------------------------------------------


def generate(
    target: str,
    *,
    clock: Clock,
    actor: Actor,
    days: int | None = 30,
    stays: int | None = None,
    seed: int = 1,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Fill a new database at `target` with a demo lot; refuse one holding real data."""
    if stays is not None:
        if not 1 <= stays <= MAX_STAYS:
            raise Refused(_("--stays must be between 1 and {n}.").format(n=MAX_STAYS))
        days = None
    elif days is None or not 1 <= days <= MAX_DAYS:
        raise Refused(_("--days must be between 1 and {n}.").format(n=MAX_DAYS))
    ensure_no_real_data(target)
    existed = _has_content(target)
    now = clock.now().astimezone(UTC)
    zone = ZoneInfo(lot.DEFAULT_TIMEZONE)
    the_plan = plan(seed=seed, now=now, zone=zone, days=days, stays=stays)
    history_start = datetime.combine(the_plan.days[0].day, time(0), tzinfo=zone)
    operator_name, operator_pw, _full = DEMO_OPERATOR
    options = lot.SetupOptions(
        lot_name="Parqueadero Demo",
        nit="900123456-8",
        address="Calle 10 # 5-20, Bogotá",
        timezone=lot.DEFAULT_TIMEZONE,
        capacities=dict(CAPACITY),
        invoice_prefix="FV",
        invoice_from=1,
        invoice_to=max(100_000, 10 ** len(str(the_plan.arrivals * 2)) - 1),
        resolution="18764000000001",
        resolution_date=the_plan.days[0].day.isoformat(),
    )
    try:
        setup_clock = FixedClock(history_start)
        if progress:
            progress(_("Setting up the lot..."))
        has_operator = _user_exists(target, operator_name) if existed else False
        run_setup(
            target,
            clock=setup_clock,
            actor=actor,
            options=options,
            operator=None if has_operator else (operator_name, operator_pw),
        )
        engine = open_database(target)
        try:
            result = _fill(engine, target, clock, setup_clock, actor, the_plan, seed, progress)
        finally:
            engine.dispose()
    except BaseException:
        if not existed:
            _remove_database(target)
        raise
    return result


def _has_content(target: str) -> bool:
    """True for an existing database file that is not empty (or any server)."""
    if not database_exists(target):
        return False
    path = sqlite_file(target)
    return path is None or path.stat().st_size > 0


def _user_exists(target: str, username: str) -> bool:
    engine = open_database(target)
    try:
        with Session(engine) as session:
            return auth.find_user(session, username) is not None
    finally:
        engine.dispose()


def _remove_database(target: str) -> None:
    path = sqlite_file(target)
    if path is None:
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _ensure_users(session: Session, setup_clock: Clock, actor: Actor) -> tuple[int, list[int]]:
    operator = auth.get_user(session, DEMO_OPERATOR[0])
    _refresh_demo_user(operator, DEMO_OPERATOR[1])
    operator.name = DEMO_OPERATOR[2]
    session.add(operator)
    ids: list[int] = []
    for username, password, full in DEMO_ATTENDANTS:
        user = auth.find_user(session, username)
        if user is None:
            user = auth.create_user(
                session,
                clock=setup_clock,
                actor=actor,
                username=username,
                password=password,
                role="attendant",
                name=full,
            )
        else:
            _refresh_demo_user(user, password)
            session.add(user)
        ids.append(user.id or 0)
    session.flush()
    return operator.id or 0, ids


def _refresh_demo_user(user: Any, password: str) -> None:
    """A demo user left by an earlier (empty) demo gets its published password back."""
    if not auth.check_password(password, user.password_hash):
        user.password_hash = auth.hash_password(password)
    user.active = True
    user.failed_attempts = 0
    user.locked_until = None


def _ensure_tariffs(
    session: Session, start: datetime, middle: datetime, operator_id: int
) -> _Tariffs:
    from booth.core.models import TariffVersion
    from booth.core.tariffs import in_effect

    wanted = [("motorcycle", MOTORCYCLE_TARIFF, start), ("car", CAR_TARIFF_V2, middle)]
    for vtype, rule, effective in wanted:
        current = in_effect(session, vtype, effective)
        if current is not None and rule_of(current) == rule:
            continue
        session.add(
            TariffVersion(
                vehicle_type=vtype,
                unit_minutes=rule.unit_minutes,
                unit_price=rule.unit_price,
                grace_minutes=rule.grace_minutes,
                daily_max=rule.daily_max,
                round_to=rule.round_to,
                effective_from=effective,
                created_at=start,
                created_by=operator_id,
            )
        )
    session.flush()
    if in_effect(session, "car", start) is None:
        raise AssertionError("setup left no car tariff at the start of the history")
    versions = session.exec(
        select(TariffVersion).order_by(col(TariffVersion.effective_from), col(TariffVersion.id))
    ).all()
    tariffs = _Tariffs(starts={}, ids={}, rules={})
    for v in versions:
        tariffs.starts.setdefault(v.vehicle_type, []).append(v.effective_from.timestamp())
        tariffs.ids.setdefault(v.vehicle_type, []).append(v.id or 0)
        tariffs.rules[v.id or 0] = rule_of(v)
    return tariffs


def _fill(
    engine: Engine,
    target: str,
    clock: Clock,
    setup_clock: Clock,
    actor: Actor,
    the_plan: Plan,
    seed: int,
    progress: Callable[[str], None] | None,
) -> DemoResult:
    now = clock.now().astimezone(UTC)
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        # A bigger page cache for the load; one transaction means one fsync anyway.
        raw.execute("PRAGMA cache_size=-131072")
        with Session(bind=conn, expire_on_commit=False) as session, session.begin():
            result = _fill_in(
                session, raw, target, now, setup_clock, actor, the_plan, seed, progress
            )
            audit.record(
                session,
                clock=clock,
                actor=actor,
                action="demo.generate",
                subject=target,
                details={
                    "seed": seed,
                    "days": len(the_plan.days),
                    "stays": result.stays,
                    "inside": result.inside,
                    "invoices": result.invoices,
                    "voided": result.voided,
                    "shifts": result.shifts,
                },
            )
        raw.execute("PRAGMA cache_size=-2000")
    return result


def _fill_in(
    session: Session,
    raw: Any,
    target: str,
    now: datetime,
    setup_clock: Clock,
    actor: Actor,
    the_plan: Plan,
    seed: int,
    progress: Callable[[str], None] | None,
) -> DemoResult:
    days = the_plan.days
    now_ts = now.timestamp()
    operator_id, attendants = _ensure_users(session, setup_clock, actor)
    zone = lot.zone(lot.get_settings(session))
    middle_day = days[len(days) // 2].day
    tariffs = _ensure_tariffs(
        session,
        setup_clock.now(),
        datetime.combine(middle_day, time(0), tzinfo=zone),
        operator_id,
    )
    settings = lot.get_settings(session)
    auth_row = lot.active_authorization(session)
    assert auth_row is not None
    first_shift = int(raw.execute("SELECT coalesce(max(id), 0) + 1 FROM shifts").fetchone()[0])
    shifts = _build_shifts(days, now_ts, first_shift, attendants)
    raw.executemany(
        "INSERT INTO shifts (id, booth, user_id, opened_at, opening_float, closed_at, closed_by,"
        " expected_cash, counted_cash, close_reason) VALUES (?,?,?,?,?,?,?,?,?,?)",
        shifts.rows,
    )
    if progress:
        progress(_("Writing stays..."))
    closed = _write_stays(raw, the_plan, seed, now_ts, tariffs, shifts)
    if progress:
        progress(_("Writing invoices..."))
    inv = _write_invoices(
        raw, closed, seed, now_ts, tariffs, shifts, settings.iva_rate_bp, auth_row, operator_id
    )
    raw.execute(
        "UPDATE invoice_authorizations SET next_number = ? WHERE id = ?",
        (auth_row.next_number + inv.count, auth_row.id),
    )
    rng = random.Random(seed ^ 0x5AF7)
    updates = []
    for sid in shifts.ids:
        expected = OPENING_FLOAT + inv.cash_by_shift.get(sid, 0)
        counted = expected
        if rng.random() < 0.15:
            counted += rng.choice((-5000, -2000, -1000, -500, 500, 1000))
        updates.append((expected, counted, sid))
    raw.executemany("UPDATE shifts SET expected_cash = ?, counted_cash = ? WHERE id = ?", updates)
    session.expire_all()
    return DemoResult(
        target=target,
        first_day=days[0].day,
        last_day=days[-1].day,
        stays=closed.count + closed.inside,
        inside=closed.inside,
        invoices=inv.count,
        voided=inv.voided,
        shifts=len(shifts.ids),
        turned_away=closed.turned_away,
        revenue=inv.revenue,
        users=demo_users(),
    )


def _int_array() -> array[int]:
    return array("q")


@dataclass
class _Closed:
    """Closed stays in compact arrays (a million fit in a few MB), for the invoice pass."""

    stay_ids: array[int] = field(default_factory=_int_array)
    exit_ts: array[int] = field(default_factory=_int_array)
    amounts: array[int] = field(default_factory=_int_array)
    minutes: array[int] = field(default_factory=_int_array)
    exit_shift: array[int] = field(default_factory=_int_array)
    inside: int = 0
    turned_away: int = 0

    @property
    def count(self) -> int:
        return len(self.stay_ids)


def _write_stays(
    raw: Any, the_plan: Plan, seed: int, now_ts: float, tariffs: _Tariffs, shifts: _Shifts
) -> _Closed:
    closed = _Closed()
    next_id = int(raw.execute("SELECT coalesce(max(id), 0) + 1 FROM stays").fetchone()[0])
    ticket = _ticket_codes(seed, next_id)
    pool_rng = random.Random(seed)
    pools = {
        vtype: [_random_plate(pool_rng, vtype) for _ in range(n)]
        for vtype, n in REGULAR_PLATES.items()
    }
    busy: dict[str, str] = {}  # plate -> vehicle type, for vehicles inside
    leaving: list[tuple[float, str]] = []  # (exit instant, plate)
    occupied = dict.fromkeys(CAPACITY, 0)
    opens = [d.open_ts for d in the_plan.days]
    closes = [d.close_ts for d in the_plan.days]
    fee_cache: dict[tuple[int, int], tuple[int, int]] = {}
    sql = (
        "INSERT INTO stays (id, plate, vehicle_type, ticket_code, entered_at, exited_at,"
        " tariff_version_id, entry_booth, entry_user_id, exit_booth, exit_user_id)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?)"
    )
    batch: list[tuple[Any, ...]] = []
    index = 0
    for n_day, day in enumerate(the_plan.days):
        arrivals = _arrivals(seed, day, now_ts)
        if n_day == 0:
            arrivals = arrivals[the_plan.skip_first :]
        rng = _day_rng(seed ^ 0xD1CE, day.day)
        for entry, vtype in arrivals:
            while leaving and leaving[0][0] <= entry:
                _at, gone = heapq.heappop(leaving)
                occupied[busy.pop(gone)] -= 1
            if occupied[vtype] >= CAPACITY[vtype]:
                closed.turned_away += 1
                continue
            plate = ""
            if rng.random() < REGULAR_SHARE:
                plate = rng.choice(pools[vtype])
            while not plate or plate in busy:
                plate = _random_plate(rng, vtype)
            exit_ = entry + 60 + _duration_seconds(rng)
            i = bisect.bisect_right(opens, exit_) - 1
            if exit_ > closes[i]:
                # Closed for the night: it leaves in the next morning's first hours.
                next_open = opens[i + 1] if i + 1 < len(opens) else closes[i] + 8 * 3600
                exit_ = next_open + rng.randrange(150 * 60)
            entry_booth = rng.choice(BOOTHS)
            exit_booth = rng.choice(BOOTHS)
            entry_user = shifts.attendant[shifts.at(entry_booth, entry)]
            tariff_id = tariffs.at(vtype, entry)
            stay_id = next_id + index
            code = ticket(index)
            index += 1
            busy[plate] = vtype
            occupied[vtype] += 1
            if exit_ > now_ts:
                heapq.heappush(leaving, (math.inf, plate))
                closed.inside += 1
                batch.append(
                    (
                        stay_id,
                        plate,
                        vtype,
                        code,
                        _stamp(entry),
                        None,
                        tariff_id,
                        entry_booth,
                        entry_user,
                        None,
                        None,
                    )
                )
            else:
                heapq.heappush(leaving, (exit_, plate))
                exit_shift = shifts.at(exit_booth, exit_)
                minutes = (exit_ - entry) // 60
                key = (tariff_id, minutes)
                fee = fee_cache.get(key)
                if fee is None:
                    # The fee depends on the elapsed minutes only, so one computation
                    # per (tariff, minutes) serves every stay of that length.
                    computed = compute_fee(
                        tariffs.rules[tariff_id],
                        datetime.fromtimestamp(entry, UTC),
                        datetime.fromtimestamp(exit_, UTC),
                    )
                    fee = (computed.amount, computed.minutes)
                    fee_cache[key] = fee
                closed.stay_ids.append(stay_id)
                closed.exit_ts.append(exit_)
                closed.amounts.append(fee[0])
                closed.minutes.append(fee[1])
                closed.exit_shift.append(exit_shift)
                batch.append(
                    (
                        stay_id,
                        plate,
                        vtype,
                        code,
                        _stamp(entry),
                        _stamp(exit_),
                        tariff_id,
                        entry_booth,
                        entry_user,
                        exit_booth,
                        shifts.attendant[exit_shift],
                    )
                )
            if len(batch) >= BATCH:
                raw.executemany(sql, batch)
                batch.clear()
    if batch:
        raw.executemany(sql, batch)
    return closed


@dataclass
class _Invoiced:
    count: int = 0
    voided: int = 0
    revenue: int = 0
    cash_by_shift: dict[int, int] = field(default_factory=dict)


def _write_invoices(
    raw: Any,
    closed: _Closed,
    seed: int,
    now_ts: float,
    tariffs: _Tariffs,
    shifts: _Shifts,
    iva_rate_bp: int,
    auth_row: Any,
    operator_id: int,
) -> _Invoiced:
    out = _Invoiced()
    rng = random.Random(seed ^ 0x1A40)
    order = sorted(range(closed.count), key=closed.exit_ts.__getitem__)
    next_id = int(raw.execute("SELECT coalesce(max(id), 0) + 1 FROM invoices").fetchone()[0])
    number = auth_row.next_number
    if number + closed.count - 1 > auth_row.range_to:
        raise Refused(_("The demo needs more invoice numbers than the authorisation holds."))
    iva_cache: dict[int, tuple[int, int]] = {}
    sql = (
        "INSERT INTO invoices (id, stay_id, authorization_id, prefix, number, issued_at, minutes,"
        ' amount, base, tax, iva_rate_bp, payment_method, tendered, "change", buyer_id,'
        " buyer_name, booth, user_id, shift_id, voided_at, voided_by, void_reason, print_count)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    )
    batch: list[tuple[Any, ...]] = []
    booth_of = {sid: row[1] for sid, row in zip(shifts.ids, shifts.rows, strict=True)}
    for k in order:
        amount = closed.amounts[k]
        split = iva_cache.get(amount)
        if split is None:
            split = split_iva(amount, iva_rate_bp)
            iva_cache[amount] = split
        r = rng.random()
        method = "cash" if r < 0.6 else ("card" if r < 0.85 else "transfer")
        tendered = _tendered(rng, amount) if method == "cash" else amount
        issued = closed.exit_ts[k]
        shift_id = closed.exit_shift[k]
        voided_at: str | None = None
        voided_by: int | None = None
        reason = ""
        if rng.random() < VOID_SHARE:
            when = min(issued + rng.randrange(120, 1800), now_ts)
            voided_at, voided_by, reason = _stamp(when), operator_id, rng.choice(VOID_REASONS)
            out.voided += 1
        else:
            out.revenue += amount
        if method == "cash":
            # A voided cash invoice still counts in the drawer (booth.core.shifts.expected_cash):
            # the cash went in; money given back would be a paid-out.
            out.cash_by_shift[shift_id] = out.cash_by_shift.get(shift_id, 0) + amount
        batch.append(
            (
                next_id + out.count,
                closed.stay_ids[k],
                auth_row.id,
                auth_row.prefix,
                number + out.count,
                _stamp(issued),
                closed.minutes[k],
                amount,
                split[0],
                split[1],
                iva_rate_bp,
                method,
                tendered,
                tendered - amount,
                "222222222222",
                "Consumidor final",
                booth_of[shift_id],
                shifts.attendant[shift_id],
                shift_id,
                voided_at,
                voided_by,
                reason,
                1,
            )
        )
        out.count += 1
        if len(batch) >= BATCH:
            raw.executemany(sql, batch)
            batch.clear()
    if batch:
        raw.executemany(sql, batch)
    return out
