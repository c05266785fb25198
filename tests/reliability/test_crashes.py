"""A cashier process killed with SIGKILL at random moments: payments are all or nothing."""

from __future__ import annotations

import multiprocessing as mp
import random
import sqlite3
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from booth.core.db import open_database
from tests.conftest import START
from tests.reliability import invariants
from tests.reliability.workers import cashier_until_killed

KILLS = 20


def audit_counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        return dict(con.execute("SELECT action, count(*) FROM audit_events GROUP BY action"))
    finally:
        con.close()


def test_killed_cashier_never_leaves_half_a_payment(big_lot: Engine, db_path: Path) -> None:
    big_lot.dispose()
    ctx = mp.get_context("fork")
    rng = random.Random(7)
    previous = invariants.totals(db_path)
    grew = 0
    cut_between = 0
    for round_ in range(KILLS):
        ready = ctx.Event()
        child = ctx.Process(
            target=cashier_until_killed,
            args=(str(db_path), START + timedelta(days=round_), f"K{round_:02d}", ready),
        )
        child.start()
        assert ready.wait(timeout=60), "the cashier never finished a first payment"
        time.sleep(rng.uniform(0, 0.2))  # a random moment in its work
        child.kill()
        child.join(timeout=30)
        assert child.exitcode == -9

        engine = open_database(str(db_path))
        try:
            totals = invariants.assert_sound(db_path, engine)
        finally:
            engine.dispose()
        counts = audit_counts(db_path)
        # The audit events were written in the same transactions as what they describe.
        assert counts["stay.checkin"] == totals.stays
        assert counts["stay.checkout"] == totals.invoices
        assert totals.invoices >= previous.invoices + 1
        grew += totals.stays - previous.stays
        # At most the one vehicle whose payment was cut off is still inside.
        assert totals.open_stays <= round_ + 1
        cut_between += totals.open_stays - previous.open_stays
        previous = totals
    assert grew == previous.stays
    # Some kills fell between a check-in and its payment (the rest during a payment or
    # between vehicles); P(none in 20) is about one in a million.
    assert cut_between > 0
