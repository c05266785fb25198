"""First run: the lot's name and the first operator, created as `booth setup` would."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from booth.core import auth
from booth.core.audit import Actor
from booth.core.clock import Clock
from booth.core.db import open_database
from booth.core.errors import Refused
from booth.core.i18n import _
from booth.core.lot import MAX_TEXT, SetupOptions
from booth.core.setup import run_setup
from booth.tui.problems import EXPECTED_ERRORS, describe
from booth.tui.screens.login import PASSWORD_FIELD_MAX, USERNAME_FIELD_MAX
from booth.tui.widgets.notice import Notice
from booth.tui.workers import deliver

if TYPE_CHECKING:
    from booth.tui.app import BoothApp

FIELDS = ("#lot-name", "#operator", "#operator-password", "#operator-repeat")


class FirstRunScreen(Screen[None]):
    """A new database: name the lot and create its first operator."""

    AUTO_FOCUS = "#lot-name"

    def __init__(self, *, target: str, clock: Clock, booth: str, lot_name: str = "") -> None:
        super().__init__()
        self.target = target
        self.clock = clock
        self.booth = booth
        self._lot_name = lot_name
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="firstrun-panel", classes="panel"):
            yield Static(_("Welcome to booth"), classes="panel-title")
            yield Static(
                _(
                    "New lot in {target}. Give it its name as printed on invoices and "
                    "create the first operator (password: at least {n} characters)."
                ).format(target=self.target, n=auth.MIN_PASSWORD_CHARS),
                classes="panel-subtitle",
            )
            with Horizontal(classes="field"):
                yield Label(_("Lot name"), classes="field-label")
                yield Input(value=self._lot_name, id="lot-name", max_length=MAX_TEXT)
            with Horizontal(classes="field"):
                yield Label(_("Operator"), classes="field-label")
                yield Input(
                    id="operator", max_length=USERNAME_FIELD_MAX, value="admin", placeholder="admin"
                )
            with Horizontal(classes="field"):
                yield Label(_("Password"), classes="field-label")
                yield Input(id="operator-password", password=True, max_length=PASSWORD_FIELD_MAX)
            with Horizontal(classes="field"):
                yield Label(_("Repeat password"), classes="field-label")
                yield Input(id="operator-repeat", password=True, max_length=PASSWORD_FIELD_MAX)
            yield Notice(id="firstrun-message")
            yield Static(_("Enter: next field, then create · Ctrl+Q: quit"), classes="hint")
        yield Footer(compact=True)

    @on(Input.Submitted)
    def _field_entered(self, event: Input.Submitted) -> None:
        selector = f"#{event.input.id}"
        index = FIELDS.index(selector)
        if index + 1 < len(FIELDS):
            self.query_one(FIELDS[index + 1], Input).focus()
        else:
            self.submit()

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value

    def _fail(self, message: str, field: str, *, clear_passwords: bool = False) -> None:
        self.busy = False
        self.query_one("#firstrun-message", Notice).say(message, "error")
        if clear_passwords:
            self.query_one("#operator-password", Input).value = ""
            self.query_one("#operator-repeat", Input).value = ""
        self.query_one(field, Input).focus()

    def submit(self) -> None:
        """Check every field, then create the lot in a worker."""
        if self.busy:
            return
        lot_name = self._value("#lot-name").strip()
        if not lot_name:
            self._fail(_("Type the lot's name."), "#lot-name")
            return
        try:
            username = auth.validate_username(self._value("#operator"))
        except Refused as exc:
            self._fail(exc.message, "#operator")
            return
        password = self._value("#operator-password")
        try:
            auth.validate_password(password)
        except Refused as exc:
            self._fail(exc.message, "#operator-password", clear_passwords=True)
            return
        if password != self._value("#operator-repeat"):
            self._fail(
                _("The two passwords differ; type them again."),
                "#operator-password",
                clear_passwords=True,
            )
            return
        self.busy = True
        self.query_one("#firstrun-message", Notice).say(_("Creating the lot…"), "busy")
        self._create(lot_name, username, password)

    @work(thread=True, exclusive=True, group="setup")
    def _create(self, lot_name: str, username: str, password: str) -> None:
        try:
            result = run_setup(
                self.target,
                clock=self.clock,
                actor=Actor(username=username, booth=self.booth),
                options=SetupOptions(lot_name=lot_name),
                operator=(username, password),
            )
            engine = open_database(self.target)
        except EXPECTED_ERRORS as exc:
            deliver(self, self._fail, describe(exc, self.target), "#lot-name", clear_passwords=True)
            return
        app = cast("BoothApp", self.app)
        deliver(self, app.finish_setup, engine, username=username, lot_name=result.lot_name)
