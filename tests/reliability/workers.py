"""Code that runs in child processes: booths, a report reader, a crashing cashier."""

from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timedelta
from multiprocessing.synchronize import Event
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from booth.core import auth, stays
from booth.core.audit import SignedIn
from booth.core.clock import FixedClock
from booth.core.db import open_database, run_read
from booth.core.errors import BoothError, NotFound, Refused
from booth.core.models import PAYMENT_METHODS, Invoice, Stay


class SharedClock:
    """One clock for several processes: `base` plus wall time since `t0`, sped up."""

    def __init__(self, base: datetime, t0: float, speed: float = 300.0) -> None:
        self.base, self.t0, self.speed = base, t0, speed

    def now(self) -> datetime:
        return self.base + timedelta(seconds=(time.time() - self.t0) * self.speed)


def _signed_in(engine: Any, username: str, booth: str) -> SignedIn:
    user = run_read(engine, lambda s: auth.get_user(s, username))
    return SignedIn(user_id=user.id or 0, username=user.username, role=user.role, booth=booth)


def _is_busy(message: str) -> bool:
    text = message.lower()
    return "busy" in text or "locked" in text


def booth_worker(
    path: str,
    booth: str,
    seed: int,
    ops: int,
    plates: list[str],
    base: datetime,
    t0: float,
    queue: Any,
) -> None:
    """Check overlapping plates in and out; report what happened."""
    stats: dict[str, Any] = {
        "booth": booth,
        "checkins": 0,
        "checkouts": 0,
        "revenue": 0,
        "numbers": [],
        "refused": 0,
        "failures": [],
    }
    try:
        engine = open_database(path)
        clock = SharedClock(base, t0)
        who = _signed_in(engine, "ana", booth)
        rng = random.Random(seed)
        for _i in range(ops):
            plate = rng.choice(plates)
            try:
                if rng.random() < 0.5:
                    stays.check_in(engine, clock=clock, who=who, plate=plate)
                    stats["checkins"] += 1
                else:
                    quote = stays.quote(engine, clock=clock, query=plate)
                    invoice = stays.check_out(
                        engine,
                        clock=clock,
                        who=who,
                        stay_id=quote.stay.id or 0,
                        payment_method=rng.choice(PAYMENT_METHODS),
                    )
                    stats["checkouts"] += 1
                    stats["revenue"] += invoice.amount
                    stats["numbers"].append(invoice.number)
            except (Refused, NotFound) as exc:
                if _is_busy(exc.message):
                    stats["failures"].append(exc.message)
                stats["refused"] += 1
            except BoothError as exc:
                stats["failures"].append(exc.message)
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
        stats["failures"].append(repr(exc))
    queue.put(stats)


def reader(path: str, stop: Event, queue: Any) -> None:
    """Aggregate queries in read-only snapshots while the booths write."""
    stats: dict[str, Any] = {"reads": 0, "failures": []}
    try:
        engine = open_database(path)

        def snapshot(session: Any) -> tuple[int, int, int]:
            closed = session.exec(
                select(func.count()).select_from(Stay).where(col(Stay.exited_at).is_not(None))
            ).one()
            invoices, revenue = session.exec(
                select(func.count(), func.coalesce(func.sum(Invoice.amount), 0))
            ).one()
            stays.occupancy(session)
            return closed, invoices, revenue

        while not stop.is_set():
            try:
                closed, invoices, _revenue = run_read(engine, snapshot)
                if closed != invoices:
                    stats["failures"].append(f"snapshot with {closed} closed, {invoices} invoices")
                stats["reads"] += 1
            except BoothError as exc:
                stats["failures"].append(exc.message)
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
        stats["failures"].append(repr(exc))
    queue.put(stats)


def cashier_until_killed(path: str, base: datetime, prefix: str, ready: Event) -> None:
    """Check vehicles in and out without end; the test kills this process."""
    engine = open_database(path)
    clock = FixedClock(base)
    who = _signed_in(engine, "ana", "B1")
    i = 0
    while True:
        plate = f"{prefix}{i:04d}"
        stay = stays.check_in(engine, clock=clock, who=who, plate=plate).stay
        clock.advance(minutes=37)
        stays.check_out(
            engine,
            clock=clock,
            who=who,
            stay_id=stay.id or 0,
            payment_method="cash",
            tendered=50_000,
        )
        clock.advance(minutes=1)
        i += 1
        ready.set()


if __name__ == "__main__":  # pragma: no cover - handy by hand
    print(__doc__, file=sys.stderr)
