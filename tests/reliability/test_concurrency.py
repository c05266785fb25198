"""Four booths on one database file, with a report reader, all at once."""

from __future__ import annotations

import multiprocessing as mp
import time
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from tests.conftest import START
from tests.reliability import invariants
from tests.reliability.workers import booth_worker, reader

PLATES = [
    *(
        f"{a}{b}{c}{n}"
        for a, b, c, n in zip(
            "ABCDEFGHIJ", "KLMNOPQRST", "UVWXYZABCD", range(100, 110), strict=True
        )
    ),
    *("QWE12D", "RTY34", "ASD56F", "ZXC78", "FGH90J", "VBN11"),
]
BOOTHS = 4
OPS = 100


def test_four_booths_and_a_reader_keep_every_invariant(big_lot: Engine, db_path: Path) -> None:
    ctx = mp.get_context("fork")
    queue: Any = ctx.Queue()
    stop = ctx.Event()
    t0 = time.time()
    big_lot.dispose()  # no connection of ours crosses the fork
    workers = [
        ctx.Process(
            target=booth_worker,
            args=(str(db_path), f"B{n}", 100 + n, OPS, PLATES, START, t0, queue),
        )
        for n in range(1, BOOTHS + 1)
    ]
    watcher = ctx.Process(target=reader, args=(str(db_path), stop, queue))
    watcher.start()
    for w in workers:
        w.start()
    results = [queue.get(timeout=120) for _ in workers]
    stop.set()
    read_stats = queue.get(timeout=60)
    for p in [*workers, watcher]:
        p.join(timeout=30)
        assert p.exitcode == 0

    failures = [f for r in results for f in r["failures"]]
    assert failures == []  # no "database is busy/locked" and no crash reached a booth
    assert read_stats["failures"] == [] and read_stats["reads"] > 0
    checkins = sum(r["checkins"] for r in results)
    checkouts = sum(r["checkouts"] for r in results)
    # The plates overlap, so booths were refused each other's vehicles...
    assert sum(r["refused"] for r in results) > 0
    # ...and every booth still got work done.
    assert all(r["checkins"] > 0 and r["checkouts"] > 0 for r in results)

    totals = invariants.assert_sound(db_path, big_lot)
    assert totals.stays == checkins
    assert totals.invoices == checkouts
    assert totals.revenue == sum(r["revenue"] for r in results)
    numbers = sorted(n for r in results for n in r["numbers"])
    assert numbers == list(range(1, checkouts + 1))
