"""Login: username, password, Enter. The same sentence for every failure.

Shown before the database is open (it imports no database code): the lot's
name appears once the app has opened it, and a login typed before then waits
for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from booth.core.i18n import _
from booth.tui.widgets.notice import Notice
from booth.tui.workers import deliver

if TYPE_CHECKING:
    from booth.core.audit import SignedIn
    from booth.tui.app import BoothApp

USERNAME_FIELD_MAX = 64
PASSWORD_FIELD_MAX = 128  # bcrypt reads 72 bytes; longer is refused by auth, not cut here


class LoginScreen(Screen[None]):
    """Who is at the booth."""

    AUTO_FOCUS = None

    def __init__(self, *, booth: str, username: str = "", message: str = "") -> None:
        super().__init__()
        self.booth = booth
        self._username = username
        self._message = message
        self.busy = False

    @property
    def booth_app(self) -> BoothApp:
        from booth.tui.app import BoothApp

        assert isinstance(self.app, BoothApp)
        return self.app

    def compose(self) -> ComposeResult:
        with Vertical(id="login-panel", classes="panel"):
            yield Static("booth", id="login-lot", classes="panel-title")
            yield Static(
                _("Booth {booth}").format(booth=self.booth),
                id="login-booth",
                classes="panel-subtitle",
            )
            with Horizontal(classes="field"):
                yield Label(_("Username"), classes="field-label")
                yield Input(
                    value=self._username,
                    id="username",
                    max_length=USERNAME_FIELD_MAX,
                    placeholder=_("your username"),
                )
            with Horizontal(classes="field"):
                yield Label(_("Password"), classes="field-label")
                yield Input(id="password", password=True, max_length=PASSWORD_FIELD_MAX)
            yield Notice(id="login-message")
            yield Static(_("Tab: next field · Enter: log in"), classes="hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#login-message", Notice).say(self._message)
        self._focus_first()
        if self.booth_app.database_ready:
            self.show_lot_name(self.booth_app.lot_name)

    def _focus_first(self) -> None:
        username = self.query_one("#username", Input)
        target = "#password" if username.value.strip() else "#username"
        self.query_one(target, Input).focus()

    def reset(self, *, message: str = "") -> None:
        """Empty the form for the next person (after a lock)."""
        self.busy = False
        self.query_one("#username", Input).value = ""
        self.query_one("#password", Input).value = ""
        self.query_one("#login-message", Notice).say(message)
        self.query_one("#username", Input).focus()

    def show_lot_name(self, name: str) -> None:
        """The lot's name as the title (once the database is open)."""
        if name:
            self.query_one("#login-lot", Static).update(name)

    @on(Input.Submitted, "#username")
    def _username_entered(self) -> None:
        if not self.query_one("#password", Input).value:
            if self.query_one("#username", Input).value.strip():
                self.query_one("#password", Input).focus()
            else:
                self.query_one("#login-message", Notice).say(_("Type your username."), "error")
            return
        self.submit()

    @on(Input.Submitted, "#password")
    def _password_entered(self) -> None:
        self.submit()

    def submit(self) -> None:
        """Check the credentials in a worker (bcrypt is slow on purpose)."""
        if self.busy:
            return
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        notice = self.query_one("#login-message", Notice)
        if not username:
            notice.say(_("Type your username."), "error")
            self.query_one("#username", Input).focus()
            return
        if not password:
            notice.say(_("Type your password."), "error")
            self.query_one("#password", Input).focus()
            return
        self.busy = True
        notice.say(_("Checking…"), "busy")
        self._authenticate(self.booth_app, username, password)

    @work(thread=True, exclusive=True, group="login")
    def _authenticate(self, app: BoothApp, username: str, password: str) -> None:
        from booth.core import auth, lot
        from booth.core.audit import SignedIn
        from booth.core.db import run_read
        from booth.core.errors import AuthError
        from booth.tui.problems import EXPECTED_ERRORS, describe

        try:
            ctx = app.ctx  # waits while the database is still being opened
            user = auth.authenticate(
                ctx.engine, clock=ctx.clock, booth=ctx.booth, username=username, password=password
            )
            idle_minutes = run_read(ctx.engine, lambda s: lot.get_settings(s).idle_lock_minutes)
        except AuthError as exc:
            deliver(self, self._failed, exc.message)
            return
        except EXPECTED_ERRORS as exc:
            deliver(self, self._failed, describe(exc, app.target))
            return
        assert user.id is not None
        signed = SignedIn(user_id=user.id, username=user.username, role=user.role, booth=ctx.booth)
        deliver(self, self._succeeded, signed, user.must_change_password, idle_minutes)

    def _failed(self, message: str) -> None:
        self.busy = False
        self.query_one("#login-message", Notice).say(message, "error")
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()

    def _succeeded(self, user: SignedIn, must_change: bool, idle_minutes: int) -> None:
        self.busy = False
        self.query_one("#password", Input).value = ""
        self.query_one("#login-message", Notice).clear()
        app = self.booth_app
        app.open_session(idle_lock_minutes=idle_minutes)
        if must_change:
            from booth.tui.screens.password import PasswordScreen

            app.push_screen(PasswordScreen(app.ctx, user=user))
        else:
            app.sign_in(user)
