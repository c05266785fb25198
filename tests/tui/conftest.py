"""The booth app on a set-up lot (see tests/conftest.py), with the injected FixedClock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from booth.core import plates, stays
from booth.core.clock import FixedClock
from booth.core.db import run_write
from booth.core.models import TariffVersion
from booth.tui.app import BoothApp, create_app
from tests.conftest import START, make_lot, signed_in

AppFactory = Callable[..., BoothApp]


@pytest.fixture
def make_app(db_path: Path, clock: FixedClock) -> Iterator[AppFactory]:
    """Build BoothApps on the test database; their engines are closed afterwards."""
    apps: list[BoothApp] = []

    def factory(**kwargs: Any) -> BoothApp:
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("booth", "B1")
        app = create_app(str(db_path), **kwargs)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        app.dispose()


@pytest.fixture
def app(engine: Engine, make_app: AppFactory) -> BoothApp:
    """The app on the standard lot (operator admin, attendant ana)."""
    return make_app()


BUSY_LOT_SINCE = START - timedelta(days=2)
# plate, vehicle type, minutes before START, entry booth, ticket code
BUSY_STAYS = (
    ("GHI789", "car", 26 * 60, "B1", "HJK234"),
    ("ABC123", "car", 150, "B2", "MNP567"),
    ("DEF456", "car", 45, "B1", "QRS789"),
    ("XYZ12D", "motorcycle", 10, "B1", "TUV234"),
)


def park(engine: Engine, at: datetime, plate: str, vehicle_type: str, booth: str = "B1") -> str:
    """Check a vehicle in at instant `at` through the core; returns its ticket code."""
    done = stays.check_in(
        engine,
        clock=FixedClock(at),
        who=signed_in(engine, "ana", booth),
        plate=plate,
        vehicle_type=vehicle_type,
    )
    return done.stay.ticket_code


def add_tariff(engine: Engine, vehicle_type: str, unit_price: int, since: datetime) -> None:
    """A per-minute tariff for `vehicle_type` (the tariff commands live elsewhere)."""
    run_write(
        engine,
        lambda s: s.add(
            TariffVersion(
                vehicle_type=vehicle_type,
                unit_minutes=1,
                unit_price=unit_price,
                effective_from=since,
                created_at=since,
            )
        ),
    )


@pytest.fixture
def busy_engine(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A lot set up two days ago (cars 50, motorcycles 10) with four vehicles inside."""
    eng = make_lot(db_path, FixedClock(BUSY_LOT_SINCE), capacities={"car": 50, "motorcycle": 10})
    add_tariff(eng, "motorcycle", 20, BUSY_LOT_SINCE)
    with monkeypatch.context() as patch:
        tickets = iter([ticket for *_rest, ticket in BUSY_STAYS])
        # Random codes could match what a test types in the search box.
        patch.setattr(plates, "new_ticket_code", lambda: next(tickets))
        for plate, vtype, minutes, booth, _ticket in BUSY_STAYS:
            park(eng, START - timedelta(minutes=minutes), plate, vtype, booth)
    yield eng
    eng.dispose()


@pytest.fixture
def busy_app(busy_engine: Engine, make_app: AppFactory) -> BoothApp:
    """The app on the busy lot, at START."""
    return make_app()
