"""Online backup: taken while a booth writes, verified, never overwriting by accident."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from booth.core import backup, stays
from booth.core.audit import SignedIn
from booth.core.checks import CheckResult, failures, run_checks
from booth.core.clock import FixedClock
from booth.core.db import make_engine, open_database, run_read
from booth.core.errors import BoothError, Refused
from booth.core.models import Invoice, Stay
from tests.core.ops_helpers import issue_invoices


def count(engine: Engine, model: type) -> int:
    return run_read(engine, lambda s: s.exec(select(func.count()).select_from(model)).one())


def test_backup_while_another_booth_writes(
    engine: Engine, db_path: Path, clock: FixedClock, ana: SignedIn, tmp_path: Path
) -> None:
    stop = threading.Event()
    done = [0]
    errors: list[BaseException] = []
    progress = threading.Condition()

    def booth_at_work() -> None:
        own = open_database(str(db_path))
        own_clock = FixedClock(clock.now())
        try:
            while not stop.is_set():
                plate = f"WRK{done[0] % 1000:03d}"
                stay = stays.check_in(own, clock=own_clock, who=ana, plate=plate).stay
                own_clock.advance(minutes=7)
                stays.check_out(own, clock=own_clock, who=ana, stay_id=stay.id or 0)
                with progress:
                    done[0] += 1
                    progress.notify_all()
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)
        finally:
            own.dispose()

    writer = threading.Thread(target=booth_at_work)
    writer.start()
    copies = []
    try:
        for i in range(3):
            with progress:
                assert progress.wait_for(lambda n=i: done[0] >= 3 * (n + 1), timeout=30)
            copies.append(backup.backup(engine, tmp_path / f"copy{i}.db", now=clock.now()))
        with progress:
            after_backups = done[0]
            assert progress.wait_for(lambda: done[0] >= after_backups + 2, timeout=30)
    finally:
        stop.set()
        writer.join(timeout=30)
    assert errors == []
    for result in copies:
        assert [c.ok for c in result.checks] == [True, True]
        assert not Path(f"{result.path}-wal").exists()
        copy = make_engine(str(result.path))
        try:
            # a consistent snapshot: every closed stay has its invoice, numbers without gaps
            assert failures(run_checks(copy)) == []
            assert 3 <= count(copy, Invoice) <= done[0]
            # the writer's car may be inside (checked in, not yet out) at the snapshot
            assert count(copy, Stay) - count(copy, Invoice) in (0, 1)
        finally:
            copy.dispose()
    assert count(engine, Invoice) == done[0]


def test_copy_is_one_self_contained_file(
    engine: Engine, clock: FixedClock, ana: SignedIn, tmp_path: Path
) -> None:
    issue_invoices(engine, clock, ana, ["AAA111", "BBB222"])
    result = backup.backup(engine, tmp_path / "nightly.db", now=clock.now())
    assert result.path == tmp_path / "nightly.db"
    assert result.size_bytes == result.path.stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir() if "nightly" in p.name) == ["nightly.db"]
    conn = sqlite3.connect(str(result.path))
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT prefix || number FROM invoices ORDER BY number").fetchall() == [
            ("FV1",),
            ("FV2",),
        ]
    finally:
        conn.close()


def test_existing_destination_refused_unless_forced(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    dest = tmp_path / "copy.db"
    dest.write_bytes(b"keep me")
    with pytest.raises(Refused) as err:
        backup.backup(engine, dest, now=clock.now())
    assert str(err.value) == (
        f"{dest} already exists; choose another name or add --force to replace it."
    )
    assert dest.read_bytes() == b"keep me"
    backup.backup(engine, dest, now=clock.now(), force=True)
    assert dest.read_bytes().startswith(b"SQLite format 3\x00")


def test_folder_destination_gets_a_dated_file(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    result = backup.backup(engine, folder, now=clock.now())
    assert result.path == folder / "booth-20260310T140000Z.db"
    with pytest.raises(Refused):  # same second again: not overwritten
        backup.backup(engine, folder, now=clock.now())


def test_bad_destinations(engine: Engine, db_path: Path, clock: FixedClock, tmp_path: Path) -> None:
    with pytest.raises(Refused) as onto_itself:
        backup.backup(engine, db_path, now=clock.now(), force=True)
    assert str(onto_itself.value) == "The backup cannot be written over the database itself."
    with pytest.raises(Refused) as no_folder:
        backup.backup(engine, tmp_path / "nope" / "copy.db", now=clock.now())
    assert (
        str(no_folder.value) == f"The folder {tmp_path / 'nope'} does not exist; create it first."
    )
    memory = make_engine("sqlite://")
    with pytest.raises(Refused) as not_a_file:
        backup.backup(memory, tmp_path / "m.db", now=clock.now())
    assert "Only a SQLite database file can be backed up" in str(not_a_file.value)


def test_failed_verification_keeps_nothing(
    engine: Engine, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        backup,
        "verify_copy",
        lambda path: [CheckResult("integrity", False, "row 7 missing from index x")],
    )
    dest = tmp_path / "out"
    dest.mkdir()
    with pytest.raises(BoothError) as err:
        backup.backup(engine, dest / "copy.db", now=clock.now())
    assert str(err.value) == (
        "The copy failed verification (integrity: row 7 missing from index x); nothing was kept."
    )
    assert list(dest.iterdir()) == []


def test_verify_copy_detects_a_damaged_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    results = backup.verify_copy(junk)
    assert results[0].ok is False
