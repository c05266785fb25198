"""The booth app on a set-up lot (see tests/conftest.py), with the injected FixedClock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from booth.core.clock import FixedClock
from booth.tui.app import BoothApp, create_app

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
