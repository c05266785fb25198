"""Helpers shared by the operator-command tests (void, check, backup)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import Engine

from booth.core import stays
from booth.core.audit import SignedIn
from booth.core.clock import FixedClock
from booth.core.models import Invoice


def issue_invoices(
    engine: Engine, clock: FixedClock, who: SignedIn, plates: list[str]
) -> list[Invoice]:
    """Check each plate in, 30 minutes later out: one invoice per plate, in order."""
    invoices = []
    for plate in plates:
        stay = stays.check_in(engine, clock=clock, who=who, plate=plate).stay
        clock.advance(minutes=30)
        invoices.append(stays.check_out(engine, clock=clock, who=who, stay_id=stay.id or 0))
    return invoices


@contextmanager
def raw(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection that commits on exit: how a test damages a database."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def smash_table(path: Path, table: str) -> None:
    """Overwrite the root page of `table` with garbage (dispose engines on `path` first)."""
    with raw(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
        ).fetchone()[0]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    with path.open("r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\xde\xad" * (page_size // 2))
