"""Engine factory, SQLite pragmas, write/read units of work, migrations.

Every write unit of work starts with `BEGIN IMMEDIATE`, so a read-then-write
never fails to upgrade its lock; readers use a deferred `BEGIN` and, under WAL,
never block writers.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DatabaseError, IntegrityError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from booth.core.errors import BoothError, DatabaseMissing, DatabaseTooNew
from booth.core.i18n import _
from booth.core.paths import DEFAULT_DB, SCHEMA_HEAD, resolve_db

BUSY_TIMEOUT_MS = 5000
# Each attempt already waits up to BUSY_TIMEOUT_MS inside SQLite; three attempts bound a
# booth's wait behind a stuck writer to about 15 s before it says the database is busy.
WRITE_RETRIES = 2

__all__ = ["DEFAULT_DB", "SCHEMA_HEAD", "resolve_db"]  # re-exported for callers

T = TypeVar("T")


def is_url(target: str) -> bool:
    """True when `target` is an SQLAlchemy URL rather than a file path."""
    return "://" in target


def to_url(target: str) -> str:
    """SQLAlchemy URL for a path or URL."""
    if is_url(target):
        return target
    return f"sqlite:///{Path(target).expanduser()}"


def sqlite_file(target: str) -> Path | None:
    """The database file behind `target`, or None (memory, other servers)."""
    if not target or target == ":memory:":
        return None
    url = make_url(to_url(target))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    name = url.database
    if url.query.get("uri") == "true" and name.startswith("file:"):
        # SQLite URI filename (`sqlite:///file:PATH?mode=ro&uri=true`).
        name = name.removeprefix("file:")
        if url.query.get("mode") == "memory" or not name:
            return None
    return Path(name)


def database_exists(target: str) -> bool:
    """Whether `target` names an existing database (servers are assumed to exist)."""
    path = sqlite_file(target)
    if path is None:
        return True
    return path.exists()


def make_engine(target: str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """An engine for a SQLite path or any SQLAlchemy URL, with booth's pragmas."""
    url = to_url(target)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    kwargs: dict[str, Any] = {
        "connect_args": {"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
    }
    memory = sqlite_file(target) is None
    if memory:
        kwargs["poolclass"] = StaticPool
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # pysqlite's own transaction handling off: we BEGIN ourselves.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("booth_read_only"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def is_locked_error(exc: BaseException) -> bool:
    """True for SQLite's 'database is locked' / 'busy' errors."""
    text = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in text or "database is busy" in text


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write unit of work: BEGIN IMMEDIATE, commit on success, else roll back."""
    with Session(engine, expire_on_commit=False) as session:
        with session.begin():
            yield session


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A read-only snapshot: deferred BEGIN, never takes the write lock."""
    ro = engine.execution_options(booth_read_only=True)
    with Session(ro, expire_on_commit=False) as session:
        with session.begin():
            yield session


def _target_of(engine: Engine) -> str:
    """What to call the database in a message: its file, else its URL without password."""
    if engine.url.get_backend_name() == "sqlite":
        path = sqlite_file(engine.url.render_as_string(hide_password=False))
        if path is not None:
            return str(path)
    return engine.url.render_as_string(hide_password=True)


def storage_error(exc: DatabaseError, engine: Engine) -> BoothError:
    """A database failure that is no business refusal (disk full, damaged file...) as one sentence."""
    return BoothError(describe_operational_error(exc, _target_of(engine)))


def run_write(engine: Engine, work: Callable[[Session], T], *, retries: int = WRITE_RETRIES) -> T:
    """Run `work` in one write transaction, retrying the whole unit while the file is busy.

    Integrity errors propagate (services turn them into refusals); any other
    database failure becomes a BoothError with one sentence.
    """
    delay = 0.05
    for attempt in range(retries + 1):
        try:
            with write_session(engine) as session:
                return work(session)
        except IntegrityError:
            raise
        except DatabaseError as exc:
            if not is_locked_error(exc):
                raise storage_error(exc, engine) from exc
            if attempt == retries:
                raise BoothError(
                    _("The database is busy (another booth holds it); try again.")
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
    raise AssertionError("unreachable")


def run_read(engine: Engine, work: Callable[[Session], T]) -> T:
    """Run `work` in a read-only transaction."""
    try:
        with read_session(engine) as session:
            return work(session)
    except IntegrityError:
        raise
    except DatabaseError as exc:
        raise storage_error(exc, engine) from exc


# --- migrations ---------------------------------------------------------------------------


def _alembic_config(connection: Any) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "booth:migrations")
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest schema revision this program knows."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(None))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database, or None for an empty one.

    Read in a deferred (read-only) transaction, so opening a database never
    queues behind a booth that holds the write lock.
    """
    with engine.execution_options(booth_read_only=True).connect() as conn:
        has_table = (
            conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            ).first()
            if engine.dialect.name == "sqlite"
            else inspect(conn).has_table("alembic_version")
        )
        if not has_table:
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return None if row is None else str(row[0])


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(None))
    return {rev.revision for rev in script.walk_revisions()}


def backup_file(engine: Engine, dest: Path) -> None:
    """Copy a live SQLite database to `dest` with the online backup API."""
    source = sqlite_file(str(engine.url.database or ""))
    if source is None:
        raise BoothError(_("Only SQLite databases can be backed up this way."))
    dest.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(str(source), timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        dst = sqlite3.connect(str(dest))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def migrate(engine: Engine) -> Path | None:
    """Bring the schema to head; refuse a database newer than this program.

    Before changing an existing database, an online-backup copy is taken next
    to it; its path is returned (None when no backup was needed).
    """
    current = current_revision(engine)
    if current == SCHEMA_HEAD:
        return None
    if current is not None and current not in _known_revisions():
        raise DatabaseTooNew(
            _(
                "This database was written by a newer version of booth (schema {rev}); "
                "install that version to use it."
            ).format(rev=current)
        )
    backup: Path | None = None
    path = (
        sqlite_file(str(engine.url.database or ""))
        if engine.url.get_backend_name() == "sqlite"
        else None
    )
    if path is not None and path.exists() and _has_tables(engine):
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        backup = path.with_name(f"{path.name}.{current or 'unversioned'}.{stamp}.bak")
        backup_file(engine, backup)
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    return backup


def _has_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(inspect(conn).get_table_names())


def open_database(target: str, *, create: bool = False) -> Engine:
    """An engine on an existing (or, with `create`, new) database at schema head."""
    path = sqlite_file(target)
    created = False
    if path is not None and not path.exists():
        if not create:
            raise DatabaseMissing(
                _("No booth database at {path}. Run `booth setup` first.").format(path=path)
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BoothError(
                _("Cannot create the folder for {path}: {reason}.").format(
                    path=path, reason=exc.strerror
                )
            ) from exc
        created = True
    engine = make_engine(target)
    try:
        migrate(engine)
    except BaseException as exc:
        engine.dispose()
        if created and path is not None:
            # A database that could not even be created leaves no file behind.
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        if isinstance(exc, DatabaseError):
            raise BoothError(describe_operational_error(exc, target)) from exc
        raise
    return engine


def describe_operational_error(exc: BaseException, target: str) -> str:
    """One sentence for a database that cannot be used."""
    text = str(getattr(exc, "orig", exc)).lower()
    if "locked" in text or "busy" in text:
        return _("The database {target} is locked by another program; try again.").format(
            target=target
        )
    if "not a database" in text or "malformed" in text:
        return _("{target} is not a readable booth database (damaged or another file).").format(
            target=target
        )
    if "readonly" in text or "read-only" in text or _read_only_place(target):
        return _(
            "The database {target} (or its folder) is read-only; booth needs to write there."
        ).format(target=target)
    if "full" in text and ("disk" in text or "database" in text):
        return _("The disk holding {target} is full; free some space and try again.").format(
            target=target
        )
    if "unable to open" in text:
        return _("Cannot open the database {target}.").format(target=target)
    return _("The database {target} cannot be used: {reason}.").format(
        target=target, reason=str(getattr(exc, "orig", exc))
    )


def _read_only_place(target: str) -> bool:
    """True when the database file or its folder cannot be written (SQLite needs both)."""
    try:
        path = sqlite_file(target)
    except Exception:  # noqa: BLE001 - a message helper must never fail itself
        return False
    if path is None or not path.exists():
        return False
    return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
