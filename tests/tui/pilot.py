"""Driving the booth app by keys, and waiting for its workers without sleeping for long."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from booth.core import auth, shifts
from booth.core.audit import SignedIn
from booth.core.db import run_read
from booth.tui.app import BoothApp
from booth.tui.widgets.notice import Notice


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker finish and every message they posted be handled."""
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def wait_until(
    pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 5.0
) -> None:
    """Pump the app until `condition()` holds (fails the test after `timeout` seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.02)


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type `text` key by key into the focused widget."""
    await pilot.press(*text)


async def paste(pilot: Pilot[None], text: str) -> None:
    """Paste `text` into the focused widget, as a terminal's bracketed paste does.

    Used for long texts (passwords, lot names): Pilot spends ~60 ms per key press.
    """
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def login(pilot: Pilot[None], username: str, password: str) -> None:
    """Username, Tab, password, Enter (texts pasted: keys are slow); wait for the answer."""
    await paste(pilot, username)
    await pilot.press("tab")
    await paste(pilot, password)
    await pilot.press("enter")
    await settle(pilot)


def message(app: BoothApp, selector: str) -> str:
    """What a Notice shows."""
    return app.screen.query_one(selector, Notice).message


def field(app: BoothApp, selector: str) -> Input:
    """An input of the current screen."""
    return app.screen.query_one(selector, Input)


def focused_id(app: BoothApp) -> str | None:
    """The id of the focused widget."""
    return app.focused.id if app.focused is not None else None


def plain(app: BoothApp, selector: str) -> str:
    """The text a Static shows, without styles."""
    visual = app.screen.query_one(selector, Static).visual
    return str(getattr(visual, "plain", visual))


def table_rows(app: BoothApp, selector: str) -> list[tuple[str, ...]]:
    """Every row of a DataTable as strings."""
    table: DataTable[str] = app.screen.query_one(selector, DataTable)
    return [tuple(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


async def sign_in(pilot: Pilot[None], username: str = "ana", *, with_shift: bool = True) -> None:
    """Skip the login screen (tested on its own): sign `username` in directly.

    With `with_shift`, the user's shift at B1 is open already (the login resumes
    it quietly); without, the app asks for the opening float.
    """
    app = pilot.app
    assert isinstance(app, BoothApp)
    await pilot.pause()
    user = run_read(app.ctx.engine, lambda s: auth.get_user(s, username))
    assert user.id is not None
    who = SignedIn(user_id=user.id, username=user.username, role=user.role, booth="B1")
    if with_shift and shifts.shift_state(app.ctx.engine, who=who).own is None:
        shifts.open_shift(app.ctx.engine, clock=app.ctx.clock, who=who, opening_float=0)
    app.open_session(idle_lock_minutes=5)
    app.sign_in(who)
    await settle(pilot)


async def steady(pilot: Pilot[None]) -> None:
    """Settle with every cursor shown steadily: a blinking cursor makes snapshots random."""
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await settle(pilot)
