"""Shared fixtures: a fixed clock and a set-up lot on a temporary database file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

# Cheap bcrypt for the suite (the product default is 12); set before booth imports it.
os.environ.setdefault("BOOTH_BCRYPT_ROUNDS", "4")

from sqlalchemy.engine import Engine  # noqa: E402

from booth.core import auth  # noqa: E402
from booth.core.audit import Actor, SignedIn  # noqa: E402
from booth.core.clock import FixedClock  # noqa: E402
from booth.core.db import open_database, run_read, run_write  # noqa: E402
from booth.core.lot import SetupOptions  # noqa: E402
from booth.core.setup import run_setup  # noqa: E402

BOGOTA = ZoneInfo("America/Bogota")
START = datetime(2026, 3, 10, 9, 0, tzinfo=BOGOTA)
OPERATOR_PASSWORD = "operator-pass-1"
ATTENDANT_PASSWORD = "attendant-pass-1"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "booth.db"


def make_lot(path: Path, clock: FixedClock, **options: object) -> Engine:
    """A configured lot with operator 'admin' and attendant 'ana'."""
    opts = SetupOptions(
        lot_name="Parqueadero Central",
        nit="900123456-8",
        address="Calle 10 # 5-20, Bogotá",
        **options,
    )  # type: ignore[arg-type]
    run_setup(
        str(path),
        clock=clock,
        actor=Actor("test", "B1"),
        options=opts,
        operator=("admin", OPERATOR_PASSWORD),
    )
    engine = open_database(str(path))
    run_write(
        engine,
        lambda s: auth.create_user(
            s,
            clock=clock,
            actor=Actor("admin", "B1"),
            username="ana",
            password=ATTENDANT_PASSWORD,
            role="attendant",
            name="Ana Pérez",
        ),
    )
    return engine


@pytest.fixture
def engine(db_path: Path, clock: FixedClock) -> Iterator[Engine]:
    eng = make_lot(db_path, clock)
    yield eng
    eng.dispose()


def signed_in(engine: Engine, username: str = "ana", booth: str = "B1") -> SignedIn:
    user = run_read(engine, lambda s: auth.get_user(s, username))
    assert user.id is not None
    return SignedIn(user_id=user.id, username=user.username, role=user.role, booth=booth)


@pytest.fixture
def ana(engine: Engine) -> SignedIn:
    return signed_in(engine)
