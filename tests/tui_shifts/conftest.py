"""A small harness app holding a BoothContext, to drive the shift screens with Pilot."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

from booth.core.audit import SignedIn
from booth.core.clock import FixedClock
from booth.tui.context import BoothContext


class Harness(App[None]):
    """Pushes one screen on start and keeps what it dismissed with."""

    def __init__(self, ctx: BoothContext, make_screen: Callable[[BoothContext], Screen[Any]]):
        super().__init__()
        self.ctx = ctx
        self.make_screen = make_screen
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen(self.ctx), self.results.append)


@pytest.fixture
def ctx(engine: Engine, clock: FixedClock, db_path: Path, ana: SignedIn) -> BoothContext:
    return BoothContext(engine=engine, clock=clock, booth="B1", target=str(db_path), user=ana)


async def until(pilot: Pilot[Any], predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the app run until `predicate` holds (database calls run in threads)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("the screen did not get there in time")
        await pilot.pause(0.02)


def text_of(screen: Screen[Any], selector: str) -> str:
    """The text a Static shows."""
    return str(screen.query_one(selector, Static).content)
