"""A small harness app for the paying screens: a signed-in attendant and a dashboard stand-in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

from booth.core import plates
from booth.core.audit import SignedIn
from booth.core.clock import FixedClock
from booth.tui.context import BoothContext

ScreenFactory = Callable[[BoothContext], Screen[None]]


class PayHarness(App[None]):
    """Stands in for BoothApp: its default screen plays the dashboard."""

    def __init__(self, ctx: BoothContext, make_screen: ScreenFactory | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.make_screen = make_screen

    def compose(self) -> ComposeResult:
        yield Static("DASHBOARD", id="dashboard")

    def on_mount(self) -> None:
        if self.make_screen is not None:
            self.push_screen(self.make_screen(self.ctx))


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker (and the screens they open, with their own workers) finish."""
    for _ in range(10):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in pilot.app.workers):
            return


@pytest.fixture
def ctx(engine: Engine, clock: FixedClock, db_path: Path, ana: SignedIn) -> BoothContext:
    return BoothContext(engine=engine, clock=clock, booth="B1", target=str(db_path), user=ana)


@pytest.fixture
def fixed_tickets(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Ticket codes handed out in order (snapshots need the same codes every run)."""
    codes = ["K7M4QX", "P3R8TZ", "W5N2HC", "D9F6JB"]
    given: list[str] = []

    def next_code() -> str:
        code = codes[len(given)]
        given.append(code)
        return code

    monkeypatch.setattr(plates, "new_ticket_code", next_code)
    yield given
