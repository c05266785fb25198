"""F7 X report (the own open shift so far) and the Z report of a closed shift.

Both show the report as it prints (plain text at the lot's receipt width) and
print it with P. They dismiss with None.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from booth.core import lot, shift_reports
from booth.core.db import sqlite_file
from booth.core.i18n import _
from booth.core.models import LotSettings
from booth.tui.context import BoothContext
from booth.tui.screens.shift_common import Failed, ShiftDialog, dialog_css


def receipts_folder(ctx: BoothContext) -> Path:
    """Where printed reports go without a printer command: `receipts/` beside the database."""
    db_file = sqlite_file(ctx.target)
    return (db_file.parent if db_file is not None else Path("data")) / "receipts"


class ShiftReportScreen(ShiftDialog[None]):
    """A shift report on screen, printable with P: shift `shift_id`, else the own open one."""

    DEFAULT_CSS = dialog_css(
        "ShiftReportScreen",
        """
        ShiftReportScreen > #dialog { width: auto; min-width: 40; height: 95%; }
        ShiftReportScreen #paper {
            width: auto;
            height: 1fr;
            background: $boost;
            padding: 0 1;
        }
        ShiftReportScreen #report { width: auto; }
        """,
    )
    BINDINGS = [
        Binding("escape", "close", _("Close")),
        Binding("enter", "close", _("Close"), show=False),
        Binding("p", "print", _("Print")),
    ]

    def __init__(self, ctx: BoothContext, shift_id: int | None = None) -> None:
        super().__init__(ctx)
        self.shift_id = shift_id
        self.text = ""
        self.report: shift_reports.ShiftReport | None = None
        self.settings: LotSettings | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.heading(), classes="title", id="title")
            with VerticalScroll(id="paper"):
                yield Static("", id="report", markup=False)
            yield Static(_("P: print   Esc: close"), classes="keys")
            yield Static("", classes="message", id="message")

    def heading(self) -> str:
        return _("X report") if self.shift_id is None else _("Z report")

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True, group="shift-report")
    async def load(self) -> None:
        found = await self.call(
            shift_reports.report_with_settings,
            self.ctx.engine,
            clock=self.ctx.clock,
            shift_id=self.shift_id,
            who=self.ctx.user,
        )
        if isinstance(found, Failed):
            return
        self.report, self.settings = found
        self.text = shift_reports.report_text(self.report, self.settings)
        self.query_one("#title", Static).update(
            _("Z report") if self.report.is_closed else _("X report")
        )
        self.query_one("#report", Static).update(self.text.rstrip("\n"))
        self.query_one("#paper").focus()

    def file_name(self, report: shift_reports.ShiftReport, settings: LotSettings) -> str:
        """`shift-7-Z.txt`; an X report is named by its local time, as there may be several."""
        if report.is_closed:
            return f"shift-{report.shift_id}-Z.txt"
        made = (report.made_at or self.ctx.clock.now()).astimezone(lot.zone(settings))
        return f"shift-{report.shift_id}-X-{made:%Y%m%dT%H%M%S}.txt"

    def action_print(self) -> None:
        if self.report is not None and not self.busy:
            self.print_report()

    @work(exclusive=True, group="shift-report")
    async def print_report(self) -> None:
        assert self.report is not None and self.settings is not None
        self.busy = True
        try:
            said = await self.call(
                shift_reports.print_report,
                self.text,
                settings=self.settings,
                default_dir=receipts_folder(self.ctx),
                name=self.file_name(self.report, self.settings),
            )
            if not isinstance(said, Failed):
                self.say(said)
        finally:
            self.busy = False

    def action_close(self) -> None:
        self.dismiss(None)


class XReportScreen(ShiftReportScreen):
    """F7: the signed-in attendant's open shift so far, without closing it."""

    def __init__(self, ctx: BoothContext) -> None:
        super().__init__(ctx, None)


class ZReportScreen(ShiftReportScreen):
    """The Z report of a closed shift (the X report, if it is still open)."""

    def __init__(self, ctx: BoothContext, shift_id: int) -> None:
        super().__init__(ctx, shift_id)
