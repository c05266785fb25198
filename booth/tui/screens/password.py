"""A new password (twice), forced after an operator reset, before anything else."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from booth.core import auth
from booth.core.audit import SignedIn
from booth.core.errors import Refused
from booth.core.i18n import _
from booth.tui.context import BoothContext
from booth.tui.problems import EXPECTED_ERRORS, describe
from booth.tui.screens.login import PASSWORD_FIELD_MAX
from booth.tui.widgets.notice import Notice
from booth.tui.workers import deliver

if TYPE_CHECKING:
    from booth.tui.app import BoothApp


class PasswordScreen(Screen[None]):
    """The operator reset this user's password: they choose their own now."""

    AUTO_FOCUS = "#new-password"
    BINDINGS = [Binding("escape", "cancel", _("Back to login"), key_display="Esc")]

    def __init__(self, ctx: BoothContext, *, user: SignedIn) -> None:
        super().__init__()
        self.ctx = ctx
        self.user = user
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="password-panel", classes="panel"):
            yield Static(_("Choose a new password"), classes="panel-title")
            yield Static(
                _(
                    "{user}, your password was reset by the operator. "
                    "Choose your own (at least {n} characters) before going on."
                ).format(user=self.user.username, n=auth.MIN_PASSWORD_CHARS),
                classes="panel-subtitle",
            )
            with Horizontal(classes="field"):
                yield Label(_("New password"), classes="field-label")
                yield Input(id="new-password", password=True, max_length=PASSWORD_FIELD_MAX)
            with Horizontal(classes="field"):
                yield Label(_("Repeat it"), classes="field-label")
                yield Input(id="repeat-password", password=True, max_length=PASSWORD_FIELD_MAX)
            yield Notice(id="password-message")
            yield Static(_("Enter: next field / save · Esc: back to login"), classes="hint")
        yield Footer(compact=True)

    @on(Input.Submitted, "#new-password")
    def _first_entered(self) -> None:
        self.query_one("#repeat-password", Input).focus()

    @on(Input.Submitted, "#repeat-password")
    def _second_entered(self) -> None:
        self.submit()

    def _fail(self, message: str) -> None:
        self.busy = False
        self.query_one("#password-message", Notice).say(message, "error")
        self.query_one("#new-password", Input).value = ""
        self.query_one("#repeat-password", Input).value = ""
        self.query_one("#new-password", Input).focus()

    def submit(self) -> None:
        """Check both fields, then save in a worker."""
        if self.busy:
            return
        first = self.query_one("#new-password", Input).value
        second = self.query_one("#repeat-password", Input).value
        try:
            auth.validate_password(first)
        except Refused as exc:
            self._fail(exc.message)
            return
        if first != second:
            self._fail(_("The two passwords differ; type them again."))
            return
        self.busy = True
        self.query_one("#password-message", Notice).say(_("Saving…"), "busy")
        self._save(first)

    @work(thread=True, exclusive=True, group="password")
    def _save(self, password: str) -> None:
        try:
            auth.change_password(
                self.ctx.engine,
                clock=self.ctx.clock,
                actor=self.user.actor,
                username=self.user.username,
                new_password=password,
            )
        except EXPECTED_ERRORS as exc:
            deliver(self, self._fail, describe(exc, self.ctx.target))
            return
        deliver(self, self._saved)

    def _saved(self) -> None:
        self.busy = False
        app = cast("BoothApp", self.app)
        app.sign_in(self.user)
        app.notify(_("Password changed."))

    def action_cancel(self) -> None:
        """Esc: nothing changes; the next login asks again."""
        app = cast("BoothApp", self.app)
        app.lock(reason="cancel")
