"""A booth whose clock jumps back: no negative fee, and the audit log says so."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine

from booth.core import stays
from booth.core.audit import SignedIn
from booth.core.clock import FixedClock
from tests.conftest import START
from tests.reliability import invariants


def test_exit_before_entry_is_free_and_flagged(
    big_lot: Engine, db_path: Path, clock: FixedClock, who: SignedIn
) -> None:
    clock.set(START.replace(hour=11))
    stay = stays.check_in(big_lot, clock=clock, who=who, plate="ABC123").stay
    clock.set(START.replace(hour=10, minute=15))  # the booth's clock was set back 45 minutes
    quote = stays.quote(big_lot, clock=clock, query="ABC123")
    assert quote.clock_backwards and quote.amount == 0 and quote.fee.minutes == 0
    invoice = stays.check_out(
        big_lot, clock=clock, who=who, stay_id=stay.id or 0, payment_method="cash", tendered=0
    )
    assert (invoice.amount, invoice.base, invoice.tax, invoice.minutes) == (0, 0, 0, 0)
    assert (invoice.tendered, invoice.change) == (0, 0)

    con = sqlite3.connect(db_path)
    exited, entered = con.execute(
        "SELECT exited_at, entered_at FROM stays WHERE id = ?", (stay.id,)
    ).fetchone()
    events = con.execute(
        "SELECT action, subject, details FROM audit_events WHERE action IN"
        " ('clock.backwards', 'stay.checkout') ORDER BY id"
    ).fetchall()
    con.close()
    assert exited == entered  # never an exit before the entry
    assert [(a, s) for a, s, _d in events] == [
        ("clock.backwards", "ABC123"),
        ("stay.checkout", "ABC123"),
    ]
    details = json.loads(events[0][2])
    assert details["stay"] == stay.id
    assert details["entered_at"].startswith("2026-03-10 16:00")  # 11:00 Bogotá in UTC
    assert details["clock"].startswith("2026-03-10 15:15")

    # Once the clock is right again, the next vehicle pays normally and numbering goes on.
    clock.set(START.replace(hour=12))
    later = stays.check_in(big_lot, clock=clock, who=who, plate="XYZ987").stay
    clock.advance(minutes=10)
    second = stays.check_out(big_lot, clock=clock, who=who, stay_id=later.id or 0)
    assert (second.number, second.amount) == (invoice.number + 1, 370)
    invariants.assert_sound(db_path, big_lot)
