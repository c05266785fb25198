"""Driving the booth app by keys, and waiting for its workers without sleeping for long."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

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
    """Type the username, Tab, paste the password, Enter; wait for the answer."""
    await type_text(pilot, username)
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
