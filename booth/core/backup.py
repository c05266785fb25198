"""`booth backup`: an online copy of the live database, verified before it is kept.

The copy is made with SQLite's online backup API (booths keep working), written
under a temporary name next to the destination, verified (integrity_check and
foreign keys), made a self-contained file (rollback journal, no -wal/-shm) and
only then renamed onto the destination. A failed backup leaves no file behind.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from booth.core.checks import CheckResult, sqlite_foreign_keys, sqlite_integrity
from booth.core.db import backup_file
from booth.core.errors import BoothError, Refused
from booth.core.i18n import _


@dataclass(frozen=True)
class BackupResult:
    """Where the verified copy is, and how big."""

    path: Path
    size_bytes: int
    checks: list[CheckResult]


def default_name(now: datetime) -> str:
    """File name used when the destination is a folder: booth-20260310T140000Z.db."""
    return f"booth-{now.strftime('%Y%m%dT%H%M%SZ')}.db"


def resolve_destination(dest: Path, *, now: datetime) -> Path:
    """The file to write: `dest`, or a time-stamped file inside it when it is a folder."""
    if dest.is_dir():
        return dest / default_name(now)
    return dest


def verify_copy(path: Path) -> list[CheckResult]:
    """integrity_check and foreign_key_check of a database file (made self-contained first)."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
        integrity = sqlite_integrity([str(r[0]) for r in conn.execute("PRAGMA integrity_check")])
        fks = sqlite_foreign_keys([tuple(r) for r in conn.execute("PRAGMA foreign_key_check")])
        return [integrity, fks]
    except sqlite3.DatabaseError as exc:
        return [CheckResult("integrity", False, str(exc))]
    finally:
        conn.close()


def _source_file(engine: Engine) -> Path | None:
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


def backup(engine: Engine, dest: Path, *, now: datetime, force: bool = False) -> BackupResult:
    """Copy the live database to `dest` and verify the copy; refuse to overwrite unless `force`."""
    source = _source_file(engine)
    if source is None:
        raise Refused(
            _("Only a SQLite database file can be backed up by booth; use the server's own tools.")
        )
    target = resolve_destination(dest.expanduser(), now=now)
    if target.resolve() == source.resolve():
        raise Refused(_("The backup cannot be written over the database itself."))
    if target.exists() and not force:
        raise Refused(
            _("{path} already exists; choose another name or add --force to replace it.").format(
                path=target
            )
        )
    if not target.parent.is_dir():
        raise Refused(
            _("The folder {folder} does not exist; create it first.").format(folder=target.parent)
        )
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".partial", dir=target.parent
        )
    except OSError as exc:
        raise BoothError(
            _("Cannot write in {folder}: {reason}.").format(
                folder=target.parent, reason=exc.strerror
            )
        ) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        try:
            backup_file(engine, tmp)
        except sqlite3.Error as exc:
            raise BoothError(
                _("The backup could not be written to {path}: {reason}.").format(
                    path=target, reason=exc
                )
            ) from exc
        checks = verify_copy(tmp)
        bad = [c for c in checks if not c.ok]
        if bad:
            raise BoothError(
                _("The copy failed verification ({detail}); nothing was kept.").format(
                    detail="; ".join(f"{c.name}: {c.detail}" for c in bad)
                )
            )
        os.replace(tmp, target)
    except BaseException:
        for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
        raise
    return BackupResult(path=target, size_bytes=target.stat().st_size, checks=checks)
