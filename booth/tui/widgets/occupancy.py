"""Occupancy per vehicle type: free spaces first, then used / capacity."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from booth.core.i18n import _
from booth.core.models import VEHICLE_TYPES
from booth.tui.labels import type_plural


class OccupancyBox(Static):
    """One vehicle type's spaces."""

    def show(self, used: int, capacity: int) -> None:
        """Show `used` of `capacity`; a box with no spaces and nobody inside hides."""
        free = max(0, capacity - used)
        self.display = capacity > 0 or used > 0
        self.set_class(free == 0, "full")
        self.set_class(0 < free <= max(1, capacity // 10), "almost-full")
        self.update(
            _("[b]{free}[/b] free").format(free=free)
            + "\n"
            + _("{used} / {cap} used").format(used=used, cap=capacity)
        )


class OccupancyBar(Horizontal):
    """A box per vehicle type the lot takes (or still holds vehicles of)."""

    def compose(self) -> ComposeResult:
        for code in VEHICLE_TYPES:
            box = OccupancyBox(id=f"occ-{code}", classes="occupancy-box")
            box.border_title = type_plural(code)
            box.display = False
            yield box

    def show(self, occupancy: dict[str, tuple[int, int]]) -> None:
        """Update every box from `stays.occupancy()`'s answer."""
        for code in VEHICLE_TYPES:
            used, capacity = occupancy.get(code, (0, 0))
            self.query_one(f"#occ-{code}", OccupancyBox).show(used, capacity)
