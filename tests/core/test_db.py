import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from booth.core.db import (
    current_revision,
    head_revision,
    make_engine,
    migrate,
    open_database,
    read_session,
    write_session,
)
from booth.core.errors import DatabaseMissing, DatabaseTooNew


def test_pragmas_per_connection(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "x.db"))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_write_session_takes_the_write_lock_at_begin(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    engine = make_engine(str(path))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    with write_session(engine) as session:
        session.exec(text("SELECT 1"))  # type: ignore[call-overload]
        other = sqlite3.connect(str(path), timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


def test_read_session_does_not_block_writers(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    engine = make_engine(str(path))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    with read_session(engine) as session:
        session.exec(text("SELECT count(*) FROM t"))  # type: ignore[call-overload]
        other = sqlite3.connect(str(path), timeout=0)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO t VALUES (1)")
        other.execute("COMMIT")
        other.close()


def test_missing_database_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(
        DatabaseMissing, match=r"No booth database at .*nope.db. Run `booth setup` first."
    ):
        open_database(str(tmp_path / "nope.db"))


def test_migrate_to_head_and_refuse_newer(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    engine = open_database(str(path), create=True)
    assert current_revision(engine) == head_revision()
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(DatabaseTooNew, match="newer version of booth"):
        migrate(engine)


def test_backup_before_upgrading_an_existing_database(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    engine = open_database(str(path), create=True)
    # Pretend the database is at an older, unversioned state with data in it.
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
        for table in (
            "invoices",
            "cash_movements",
            "stays",
            "shifts",
            "tariff_versions",
            "invoice_authorizations",
            "audit_events",
            "vehicle_types",
            "users",
            "lot_settings",
        ):
            conn.execute(text(f"DROP TABLE {table}"))
        conn.execute(text("CREATE TABLE legacy (x INTEGER)"))
    backup = migrate(engine)
    assert backup is not None and backup.exists()
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT name FROM sqlite_master WHERE name='legacy'").fetchone()
    assert current_revision(engine) == head_revision()


def test_schema_head_constant_matches_alembic() -> None:
    from booth.core.db import SCHEMA_HEAD

    assert SCHEMA_HEAD == head_revision()


def test_opening_a_current_database_never_waits_for_the_write_lock(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    open_database(str(path), create=True).dispose()
    holder = sqlite3.connect(str(path), timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        engine = make_engine(str(path), busy_timeout_ms=0)
        assert current_revision(engine) == head_revision()
        migrate(engine)  # already current: must not need the lock
        engine.dispose()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
