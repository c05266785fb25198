"""Where the database is, and which schema this program writes: standard library only.

Kept apart from booth.core.db so the booth screen can decide how to start
before SQLAlchemy is imported.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

DEFAULT_DB = Path("data") / "booth.db"
# The newest migration's revision; a test keeps it equal to Alembic's head, and it
# lets every start skip loading Alembic when the schema is already current.
SCHEMA_HEAD = "0001"


def resolve_db(db: str | os.PathLike[str] | None = None) -> str:
    """The database named by `--db`, else `BOOTH_DB`, else data/booth.db."""
    if db:
        return os.fspath(db)
    env = os.environ.get("BOOTH_DB")
    if env:
        return env
    return os.fspath(DEFAULT_DB)


def booth_name(explicit: str | None = None) -> str:
    """This booth's name: --booth, else $BOOTH_ID, else the host name."""
    return explicit or os.environ.get("BOOTH_ID") or socket.gethostname() or "booth"
