"""Snapshots of login, dashboard and check-in, with a FixedClock and fixed data.

Update after a deliberate change of the screens: `pytest tests/tui --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from textual.pilot import Pilot

from booth.core import lot, plates
from booth.core.db import run_write
from tests.tui.conftest import AppFactory
from tests.tui.pilot import paste, settle, sign_in, steady, type_text

SnapCompare = Callable[..., bool]


@pytest.fixture
def fixed_tickets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ticket codes are random; the snapshots need the same one every time."""
    monkeypatch.setattr(plates, "new_ticket_code", lambda: "K7M4QX")


class TestLoginSnapshots:
    def test_login_empty(
        self, engine: Engine, make_app: AppFactory, snap_compare: SnapCompare
    ) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await steady(pilot)

        assert snap_compare(make_app(), run_before=run_before)

    def test_login_failed(
        self, engine: Engine, make_app: AppFactory, snap_compare: SnapCompare
    ) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await type_text(pilot, "ana")
            await pilot.press("tab")
            await paste(pilot, "not-her-password")
            await pilot.press("enter")
            await steady(pilot)

        assert snap_compare(make_app(), run_before=run_before)


class TestDashboardSnapshots:
    def test_dashboard_busy_lot(
        self, busy_engine: Engine, make_app: AppFactory, snap_compare: SnapCompare
    ) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await sign_in(pilot)
            await steady(pilot)

        assert snap_compare(make_app(), run_before=run_before)

    def test_dashboard_wide_with_search_and_numbering_warning(
        self, busy_engine: Engine, make_app: AppFactory, snap_compare: SnapCompare
    ) -> None:
        def nearly_used_up(session: Any) -> None:
            auth = lot.active_authorization(session)
            auth.next_number = 95_001
            session.add(auth)

        run_write(busy_engine, nearly_used_up)

        async def run_before(pilot: Pilot[Any]) -> None:
            await sign_in(pilot)
            await type_text(pilot, "c1")
            await steady(pilot)

        assert snap_compare(make_app(), run_before=run_before, terminal_size=(120, 36))


class TestCheckInSnapshots:
    def test_checkin_confirmed_and_next_plate_inferred(
        self,
        busy_engine: Engine,
        make_app: AppFactory,
        fixed_tickets: None,
        snap_compare: SnapCompare,
    ) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await sign_in(pilot)
            await pilot.press("f2")
            await settle(pilot)
            await type_text(pilot, "JKL321")
            await pilot.press("enter")
            await settle(pilot)
            await type_text(pilot, "MNO45E")
            await steady(pilot)

        assert snap_compare(make_app(), run_before=run_before)

    def test_checkin_refused(
        self, busy_engine: Engine, make_app: AppFactory, snap_compare: SnapCompare
    ) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await sign_in(pilot)
            await pilot.press("f2")
            await settle(pilot)
            await type_text(pilot, "abc-123")
            await pilot.press("enter")
            await steady(pilot)

        assert snap_compare(make_app(), run_before=run_before)
