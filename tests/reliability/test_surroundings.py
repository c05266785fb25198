"""A database that is missing, read-only, damaged, locked, full or too new.

Each case gets one sentence on stderr, a non-zero exit, no traceback, and the
file is left as it was.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from booth.cli import app
from booth.cli.common import runtime
from booth.core import db as core_db
from booth.core import stays
from booth.core.audit import SignedIn
from booth.core.clock import FixedClock
from booth.core.db import make_engine, run_write
from booth.core.errors import BoothError
from tests.conftest import OPERATOR_PASSWORD
from tests.reliability import invariants
from tests.reliability.conftest import cli_env, run_cli


def set_up(path: Path) -> None:
    r = run_cli(
        "setup",
        "--db",
        str(path),
        "--lot-name",
        "Centro",
        "--operator",
        "admin",
        "--password-stdin",
        "--yes",
        stdin=OPERATOR_PASSWORD + "\n",
    )
    assert r.returncode == 0, r.stderr


def one_sentence(r: subprocess.CompletedProcess[str], expected: str, code: int = 1) -> None:
    assert r.returncode == code
    assert "Traceback" not in r.stderr + r.stdout
    assert r.stderr.strip() == expected


@pytest.fixture(scope="module")
def lot_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lot") / "booth.db"
    set_up(path)
    return path


def copy_of(lot_file: Path, tmp_path: Path, name: str = "booth.db") -> Path:
    dest = tmp_path / name
    shutil.copy(lot_file, dest)
    return dest


def test_missing_database(tmp_path: Path) -> None:
    path = tmp_path / "nope.db"
    one_sentence(
        run_cli("users", "list", "--db", str(path)),
        f"No booth database at {path}. Run `booth setup` first.",
    )
    assert not path.exists()


def _ro_mount_works() -> bool:
    if not (shutil.which("unshare") and shutil.which("mount")):
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount --bind -o ro /tmp /tmp && ! touch /tmp/.booth-ro"],
        capture_output=True,
    )
    return probe.returncode == 0


def run_on_read_only_folder(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m booth ARGS` in a private mount namespace where `folder` is read-only.

    The tests run as root, which ignores file modes; a read-only bind mount is
    refused even to root (EROFS), like a read-only USB stick or a full-protected share.
    """
    script = 'mount --bind -o ro "$0" "$0" && exec "$@"'
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script, str(folder), sys.executable, "-m", "booth", *args],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=60,
    )


@pytest.mark.skipif(not _ro_mount_works(), reason="needs unshare -m and mount (CAP_SYS_ADMIN)")
@pytest.mark.parametrize(
    "args",
    [("users", "list"), ("users", "disable", "admin"), ("setup", "--lot-name", "Otro", "--yes")],
)
def test_read_only_filesystem(lot_file: Path, tmp_path: Path, args: tuple[str, ...]) -> None:
    path = copy_of(lot_file, tmp_path)
    before = path.read_bytes()
    r = run_on_read_only_folder(tmp_path, *args, "--db", str(path))
    one_sentence(
        r, f"The database {path} (or its folder) is read-only; booth needs to write there."
    )
    assert path.read_bytes() == before


def test_read_only_uri(lot_file: Path, tmp_path: Path) -> None:
    """The same through SQLite's own read-only mode (`--db` as a URI filename)."""
    path = copy_of(lot_file, tmp_path)
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    r = run_cli(
        "users",
        "add",
        "bob",
        "--role",
        "attendant",
        "--password-stdin",
        "--db",
        url,
        stdin="attendant-pass\n",
    )
    one_sentence(
        r, f"The database {path} (or its folder) is read-only; booth needs to write there."
    )
    r = run_cli("users", "list", "--json", "--db", url)  # reading is fine
    assert r.returncode == 0 and '"admin"' in r.stdout


@pytest.mark.parametrize("damage", ["garbage", "torn"])
def test_damaged_file(lot_file: Path, tmp_path: Path, damage: str) -> None:
    path = copy_of(lot_file, tmp_path)
    data = bytearray(path.read_bytes())
    if damage == "garbage":
        data = bytearray(bytes(range(256)) * 20)
    else:  # the header survives, every page after the first is overwritten
        data[4096:] = b"\x5a" * (len(data) - 4096)
    path.write_bytes(bytes(data))
    for args in (
        ("users", "list"),
        ("users", "disable", "admin"),
        ("setup", "--lot-name", "Otro", "--yes"),
        ("demo", "--days", "1"),
    ):
        one_sentence(
            run_cli(*args, "--db", str(path)),
            f"{path} is not a readable booth database (damaged or another file).",
        )
    assert path.read_bytes() == bytes(data)


def test_database_from_a_newer_booth(lot_file: Path, tmp_path: Path) -> None:
    path = copy_of(lot_file, tmp_path)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.close()
    before = path.read_bytes()
    for args in (("users", "list"), ("setup", "--lot-name", "X", "--yes")):
        one_sentence(
            run_cli(*args, "--db", str(path)),
            "This database was written by a newer version of booth (schema "
            "9999_from_the_future); install that version to use it.",
        )
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.bak"))


def test_locked_longer_than_the_timeout(lot_file: Path, tmp_path: Path) -> None:
    """Another program holds the file exclusively: one 5 s wait (the busy timeout), then one sentence."""
    path = copy_of(lot_file, tmp_path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")  # under WAL, the only lock that stops readers
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE lot_settings SET name = name")
    try:
        r = run_cli("users", "list", "--db", str(path))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    one_sentence(r, f"The database {path} is locked by another program; try again.")


def test_busy_writer_gets_one_sentence_from_the_core(big_lot: Engine, db_path: Path) -> None:
    """run_write retries the whole unit of work, then says 'busy' (short timeout for the test)."""
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    engine = make_engine(str(db_path), busy_timeout_ms=20)
    calls: list[int] = []

    def work(session: Any) -> None:
        session.connection()  # BEGIN IMMEDIATE happens here
        calls.append(1)

    try:
        with pytest.raises(
            BoothError, match=r"^The database is busy \(another booth holds it\); try again\.$"
        ):
            run_write(engine, work, retries=2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        engine.dispose()
    assert calls == []  # the work never ran without the write lock


def _cap_pages(engine: Engine, extra: int) -> None:
    """Simulate a full disk: the file may grow by `extra` pages at most."""

    @event.listens_for(engine, "connect")
    def _limit(dbapi_conn: Any, _record: Any) -> None:
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count={pages + extra}")


def test_disk_full_during_check_ins(big_lot: Engine, db_path: Path, who: SignedIn) -> None:
    """SQLITE_FULL, simulated with PRAGMA max_page_count: refused whole, nothing half-written."""
    big_lot.dispose()
    engine = make_engine(str(db_path))
    _cap_pages(engine, 2)
    clock = FixedClock(stays_start())
    written = 0
    with pytest.raises(BoothError) as caught:
        for n in range(5000):
            stays.check_in(engine, clock=clock, who=who, plate=f"F{n:05d}")
            written += 1
    engine.dispose()
    assert caught.value.message == (
        f"The disk holding {db_path} is full; free some space and try again."
    )
    totals = invariants.assert_sound(db_path, big_lot)
    assert totals.stays == written > 0


def stays_start() -> Any:
    from tests.conftest import START

    return START


@pytest.fixture
def cli(clock: FixedClock) -> Iterator[CliRunner]:
    saved = runtime.clock_factory, runtime.db
    runtime.clock_factory = lambda: clock
    yield CliRunner()
    runtime.clock_factory, runtime.db = saved


def test_disk_full_at_first_setup_leaves_no_file(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = core_db.make_engine

    def full_disk_engine(target: str, **kwargs: Any) -> Engine:
        engine = real(target, **kwargs)
        _cap_pages(engine, 1)
        return engine

    monkeypatch.setattr(core_db, "make_engine", full_disk_engine)
    path = tmp_path / "new.db"
    r = cli.invoke(
        app,
        [
            "setup",
            "--db",
            str(path),
            "--lot-name",
            "X",
            "--operator",
            "admin",
            "--password-stdin",
            "--yes",
        ],
        input=OPERATOR_PASSWORD + "\n",
    )
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert r.exit_code == 1
    assert r.stderr.strip() == f"The disk holding {path} is full; free some space and try again."
    assert list(tmp_path.iterdir()) == []
