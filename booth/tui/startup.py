"""What the booth screen decides before its first frame, with the standard library only.

The first frame must not wait for SQLAlchemy, SQLModel and the database (about
0.4 s together). These checks use `sqlite3` alone (a few milliseconds): when a
database file is plainly usable, the screen starts at once and opens it in the
background; anything unusual (no file, another file, another schema version, a
URL, a lock, a lot without settings) goes the careful way, opened and checked
before the screen starts, so its one-sentence error comes before any screen.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from booth.core.paths import SCHEMA_HEAD, resolve_db

SQLITE_HEADER = b"SQLite format 3\x00"
# A quick check never waits behind a lock: the careful way waits and explains.
CHECK_TIMEOUT_SECONDS = 0.2


resolve_target = resolve_db  # what `--db`, $BOOTH_DB or the default name


def plain_file(target: str) -> Path | None:
    """The file a plain path names (None for URLs and in-memory databases)."""
    if not target or target == ":memory:" or "://" in target:
        return None
    return Path(target).expanduser()


def is_missing(target: str) -> bool:
    """True when `target` is a plain path with nothing there yet (a first run)."""
    path = plain_file(target)
    return path is not None and not path.exists()


def looks_ready(target: str) -> bool:
    """True when `target` is an SQLite file at this schema with its lot set up.

    Reads only (no file is created, nothing is written); any doubt is False.
    """
    path = plain_file(target)
    if path is None or not path.is_file():
        return False
    try:
        with path.open("rb") as fh:
            if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                return False
        uri = f"{path.resolve().as_uri()}?mode=rw"
        conn = sqlite3.connect(uri, uri=True, timeout=CHECK_TIMEOUT_SECONDS)
    except (OSError, sqlite3.Error, ValueError):
        return False
    try:
        conn.execute("PRAGMA query_only=ON")
        version = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        if version != [(SCHEMA_HEAD,)]:
            return False
        return conn.execute("SELECT 1 FROM lot_settings WHERE id = 1").fetchone() is not None
    except sqlite3.Error:
        return False
    finally:
        conn.close()
