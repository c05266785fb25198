"""The attendant's booth screen: a Textual app around one BoothContext.

The first frame comes before SQLAlchemy, SQLModel and the database: the app
starts with only the database's path, shows the login (or, with no database
yet, the first-run form) at once, and opens the database in a thread once that
frame is out. A login typed meanwhile waits for it. A database that turns out
unusable ends the app with return code 1 and its sentence in `fatal_error`;
`run` prints it. `run` opens anything unusual before the screen instead (see
booth/tui/startup.py), so those errors come as one sentence with no screen.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.screen import ModalScreen, Screen

from booth.core.clock import Clock, SystemClock
from booth.core.errors import BoothError
from booth.core.i18n import _
from booth.tui import startup

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from booth.core.audit import SignedIn
    from booth.tui.context import BoothContext

IDLE_CHECK_SECONDS = 5.0
REFRESH_SECONDS = 5.0
DEFAULT_IDLE_LOCK_MINUTES = 5
# The opening of the database waits for the first frame, at most this long.
FIRST_FRAME_WAIT_SECONDS = 0.5
# The screen each main key opens; its key is hidden while that screen is on top.
SHIFT_ACTIONS = ("cash_movement", "x_report", "shift")
MAIN_SCREENS = {
    "check_in": "CheckInScreen",
    "check_out": "CheckoutScreen",
    "invoices": "InvoicesScreen",
}
# What counts as the attendant being there (a mouse merely passing over does not).
ACTIVITY_EVENTS = (
    events.Key,
    events.Paste,
    events.MouseDown,
    events.MouseScrollDown,
    events.MouseScrollUp,
)


@dataclass(frozen=True)
class StartState:
    """What the database holds when the app starts."""

    configured: bool
    has_operator: bool
    lot_name: str


NO_DATABASE = StartState(configured=False, has_operator=False, lot_name="")


@dataclass(frozen=True)
class Opened:
    """The database, opened and migrated (no engine while there is no database yet)."""

    engine: Engine | None
    state: StartState


def _start_state(session: Session) -> StartState:
    from booth.core import auth
    from booth.core.models import LotSettings

    settings = session.get(LotSettings, 1)
    return StartState(
        configured=settings is not None,
        has_operator=auth.operator_count(session) > 0,
        lot_name=settings.name if settings is not None else "",
    )


def open_checked(target: str) -> Opened:
    """Open and migrate `target` and read what it holds (imports the database stack).

    Raises BoothError or SQLAlchemyError for a database that cannot be used
    (damaged, locked, newer than this program, an operator but no lot).
    """
    from booth.core.db import database_exists, open_database, run_read

    if not database_exists(target):
        return Opened(engine=None, state=NO_DATABASE)
    engine = open_database(target)
    try:
        state = run_read(engine, _start_state)
        if state.has_operator and not state.configured:
            raise BoothError(_("This lot is not set up yet. Run `booth setup` first."))
    except BaseException:
        engine.dispose()
        raise
    # What the login needs next, loaded here rather than under the attendant's keys.
    import booth.core.lot  # noqa: F401
    import booth.tui.problems  # noqa: F401

    return Opened(engine=engine, state=state)


class BoothApp(App[None], inherit_bindings=False):
    """The booth: first run or login, then dashboard, check-in, check-out, invoices."""

    CSS_PATH = "booth.tcss"
    TITLE = "booth"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("f2", "check_in", _("Check-in"), key_display="F2", priority=True),
        Binding("f3", "check_out", _("Check-out"), key_display="F3", priority=True),
        Binding("f4", "invoices", _("Invoices"), key_display="F4", priority=True),
        Binding("f6", "cash_movement", _("Cash"), key_display="F6", priority=True),
        Binding("f7", "x_report", _("Report"), key_display="F7", priority=True),
        Binding("f9", "shift", _("Shift"), key_display="F9", priority=True),
        Binding("ctrl+l", "lock", _("Lock"), key_display="^L", priority=True),
        Binding("ctrl+q", "quit", _("Quit"), key_display="^Q", priority=True),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]

    def __init__(
        self,
        *,
        target: str,
        clock: Clock,
        booth: str,
        opened: Opened | None = None,
        idle_check_seconds: float = IDLE_CHECK_SECONDS,
        refresh_seconds: float = REFRESH_SECONDS,
    ) -> None:
        """`opened`: the database opened before the screen; None opens it after the first frame."""
        super().__init__()
        self.target = target
        self.clock = clock
        self.booth_id = booth
        self.idle_check_seconds = idle_check_seconds
        self.refresh_seconds = refresh_seconds
        self._ctx: BoothContext | None = None
        self._opened: Opened | None = None
        self._opening: Future[Opened] | None = None
        self._first_frame = threading.Event()
        self._adopt_lock = threading.Lock()
        self.needs_setup = False
        self.lot_name = ""
        #: The one sentence why the database cannot be used (the app then exits with 1).
        self.fatal_error: str | None = None
        self.idle_lock_minutes = DEFAULT_IDLE_LOCK_MINUTES
        self.session_open = False  # from a good password until lock/idle (covers a forced change)
        self.last_activity = clock.now()
        self.login_screen: Screen[Any] | None = None
        self.dashboard: Screen[Any] | None = None
        if opened is not None:
            self._adopt(opened)

    # --- context -------------------------------------------------------------------------

    @property
    def ctx(self) -> BoothContext:
        """Database, clock, booth and user; exists once the database does.

        While the database is being opened this waits for it (a login typed
        before then; tests signing in directly).
        """
        if self._ctx is None and self._opened is None and self._opening is not None:
            self._adopt(self.wait_for_database())
        if self._ctx is None:
            raise RuntimeError("the database is not open yet")
        return self._ctx

    @property
    def database_ready(self) -> bool:
        """True once the database is open (or known not to exist yet)."""
        return self._opened is not None

    @property
    def signed_in(self) -> bool:
        """True while an attendant is logged in (past any forced password change)."""
        return self._ctx is not None and self._ctx.user is not None

    def wait_for_database(self) -> Opened:
        """The opened database, waiting for the opening thread (from any thread).

        Raises what opening it raised (BoothError or SQLAlchemyError).
        """
        if self._opened is not None:
            return self._opened
        if self._opening is None:
            raise RuntimeError("the database is not being opened")
        self._first_frame.set()
        return self._opening.result()

    def _adopt(self, opened: Opened) -> None:
        """Take the opened database as the app's (once; from any thread)."""
        from booth.tui.context import BoothContext

        with self._adopt_lock:
            if self._opened is not None:
                return
            if opened.engine is not None:
                self._ctx = BoothContext(
                    engine=opened.engine, clock=self.clock, booth=self.booth_id, target=self.target
                )
            self.needs_setup = not opened.state.has_operator
            self.lot_name = opened.state.lot_name
            self._opened = opened

    def dispose(self) -> None:
        """Close the database connections (after the opening thread, if one still runs)."""
        if self._opening is not None and self._opened is None:
            self._first_frame.set()
            if self._opening.exception() is None:  # else nothing was opened; the app said why
                self._adopt(self._opening.result())
        if self._ctx is not None:
            self._ctx.engine.dispose()

    # --- start, login, lock --------------------------------------------------------------

    def on_mount(self) -> None:
        self.set_interval(self.idle_check_seconds, self.check_idle_lock, name="idle-check")
        if self._opened is None and startup.is_missing(self.target):
            self._adopt(Opened(engine=None, state=NO_DATABASE))
        if self._opened is None:
            self._show_login()
            self._open_in_background()
        elif self.needs_setup:
            self._show_first_run()
        else:
            self._show_login()

    def _open_in_background(self) -> None:
        """Open the database in a thread once the first frame is out; `_await_database` takes it."""
        future: Future[Opened] = Future()
        first_frame = self._first_frame

        def opening() -> None:
            first_frame.wait(FIRST_FRAME_WAIT_SECONDS)
            try:
                opened = open_checked(self.target)
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for it
                future.set_exception(exc)
            else:
                future.set_result(opened)

        self._opening = future
        threading.Thread(target=opening, name="booth-open-database").start()
        self.call_after_refresh(first_frame.set)
        self._await_database(future)

    @work(group="database", exclusive=True)
    async def _await_database(self, future: Future[Opened]) -> None:
        try:
            opened = await asyncio.wrap_future(future)
        except Exception as exc:
            from booth.tui.problems import EXPECTED_ERRORS, describe

            if not isinstance(exc, EXPECTED_ERRORS):
                raise
            self.fatal_error = describe(exc, self.target)
            self.exit(return_code=1)
            return
        self._adopt(opened)
        if self.needs_setup:
            self._show_first_run()
        else:
            from booth.tui.screens.login import LoginScreen

            if isinstance(self.login_screen, LoginScreen) and self.login_screen.is_attached:
                self.login_screen.show_lot_name(self.lot_name)

    def _show_first_run(self) -> None:
        from booth.tui.screens.firstrun import FirstRunScreen

        screen = FirstRunScreen(
            target=self.target, clock=self.clock, booth=self.booth_id, lot_name=self.lot_name
        )
        self.login_screen = None
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def _show_login(self, *, username: str = "", message: str = "") -> None:
        from booth.tui.screens.login import LoginScreen

        self.login_screen = LoginScreen(booth=self.booth_id, username=username, message=message)
        if len(self.screen_stack) > 1:
            self.switch_screen(self.login_screen)
        else:
            self.push_screen(self.login_screen)

    def finish_setup(self, engine: Engine, *, username: str, lot_name: str) -> None:
        """The first-run screen created the lot: open it and ask for a login."""
        from booth.tui.context import BoothContext

        if self._ctx is not None:
            self._ctx.engine.dispose()
        self._ctx = BoothContext(
            engine=engine, clock=self.clock, booth=self.booth_id, target=self.target
        )
        self.needs_setup = False
        self.lot_name = lot_name
        self._show_login(
            username=username,
            message=_("Lot '{name}' is ready. Log in as {user}.").format(
                name=lot_name, user=username
            ),
        )

    def open_session(self, *, idle_lock_minutes: int) -> None:
        """A password was accepted (a forced change may still follow)."""
        self.session_open = True
        self.idle_lock_minutes = idle_lock_minutes
        self.note_activity()

    def sign_in(self, user: SignedIn) -> None:
        """`user` is in: show the dashboard."""
        from booth.tui.screens.dashboard import DashboardScreen

        self.ctx.user = user
        self.session_open = True
        self.note_activity()
        self._pop_to(self.login_screen)
        self.dashboard = DashboardScreen(self.ctx, refresh_seconds=self.refresh_seconds)
        self.push_screen(self.dashboard)
        self.refresh_bindings()
        self._ask_for_shift(user)

    @work(thread=True, group="shift", exclusive=True)
    def _ask_for_shift(self, user: SignedIn) -> None:
        """After login: resume the own open shift quietly, else ask for the opening float."""
        from booth.core import shifts
        from booth.tui.problems import EXPECTED_ERRORS, describe

        try:
            state = shifts.shift_state(self.ctx.engine, who=user)
        except EXPECTED_ERRORS as exc:
            self.call_from_thread(self.notify, describe(exc, self.target), severity="error")
            return
        if state.own is None:
            self.call_from_thread(self._push_shift_open, user)

    def _push_shift_open(self, user: SignedIn) -> None:
        from booth.tui.screens.shift_open import ShiftOpenScreen

        if self._ctx is not None and self._ctx.user == user and self.screen is self.dashboard:
            self.push_screen(ShiftOpenScreen(self.ctx))

    def lock(self, *, reason: str = "key") -> None:
        """End the session and go back to the login (Ctrl+L, or idle)."""
        if not self.session_open:
            return
        user = self._ctx.user if self._ctx is not None else None
        if self._ctx is not None:
            self._ctx.user = None
        self.session_open = False
        self.dashboard = None
        if user is not None:
            self._record_lock(user, reason)
        if reason == "idle":
            message = _("Locked: nothing was typed for {n} min. Log in again.").format(
                n=self.idle_lock_minutes
            )
        elif reason == "cancel":
            message = _("The password was not changed. Log in again to change it.")
        else:
            message = _("Locked. Log in again.")
        self._pop_to(self.login_screen)
        from booth.tui.screens.login import LoginScreen

        if isinstance(self.login_screen, LoginScreen):
            self.login_screen.reset(message=message)
        self.refresh_bindings()

    @work(thread=True, group="audit")
    def _record_lock(self, user: SignedIn, reason: str) -> None:
        from booth.core import audit
        from booth.core.db import run_write
        from booth.tui.problems import EXPECTED_ERRORS, describe

        try:
            run_write(
                self.ctx.engine,
                lambda s: audit.record(
                    s,
                    clock=self.clock,
                    actor=user.actor,
                    action="logout",
                    subject=user.username,
                    details={"reason": reason},
                ),
            )
        except EXPECTED_ERRORS as exc:
            self.call_from_thread(self.notify, describe(exc, self.target), severity="error")

    def _pop_to(self, screen: Screen[Any] | None) -> None:
        """Pop screens (synchronously) until `screen` is on top."""
        if screen is None or screen not in self.screen_stack:
            return
        while self.screen is not screen and len(self.screen_stack) > 1:
            self.pop_screen()

    # --- idle lock -----------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, ACTIVITY_EVENTS):
            self.note_activity()
        await super().on_event(event)

    def note_activity(self) -> None:
        """The attendant did something: the idle countdown starts again."""
        self.last_activity = self.clock.now()

    def check_idle_lock(self) -> bool:
        """Lock when nothing was typed for the lot's idle minutes; True if it locked."""
        if not self.session_open:
            return False
        if self.clock.now() - self.last_activity >= timedelta(minutes=self.idle_lock_minutes):
            self.lock(reason="idle")
            return True
        return False

    # --- keys ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MAIN_SCREENS:
            return (
                self.signed_in
                and not isinstance(self.screen, ModalScreen)
                and type(self.screen).__name__ != MAIN_SCREENS[action]
            )
        if action in SHIFT_ACTIONS:
            # From the dashboard only: the drawer is dealt with between vehicles.
            return self.signed_in and self.dashboard is not None and self.screen is self.dashboard
        if action == "lock":
            return self.session_open
        return True

    def _open(self, screen_class: Callable[[BoothContext], Screen[Any]]) -> None:
        """Show a main screen on top of the dashboard (once)."""
        if not self.signed_in or self.dashboard is None:
            return
        if type(self.screen) is screen_class:
            return
        self._pop_to(self.dashboard)
        self.push_screen(screen_class(self.ctx))

    def action_check_in(self) -> None:
        """F2: check a vehicle in."""
        from booth.tui.screens.checkin import CheckInScreen

        self._open(CheckInScreen)

    def action_check_out(self) -> None:
        """F3: check a vehicle out and invoice it."""
        from booth.tui.screens.checkout import CheckoutScreen

        self._open(CheckoutScreen)

    def action_invoices(self) -> None:
        """F4: the invoices issued."""
        from booth.tui.screens.invoices import InvoicesScreen

        self._open(InvoicesScreen)

    def _open_shift_dialog(self, make: Callable[[BoothContext], Screen[Any]]) -> None:
        if self.signed_in and self.screen is self.dashboard:
            self.push_screen(make(self.ctx))

    def action_cash_movement(self) -> None:
        """F6: a cash drop, paid-out or cash in."""
        from booth.tui.screens.shift_keys import f6_screen

        self._open_shift_dialog(f6_screen)

    def action_x_report(self) -> None:
        """F7: the X report of the own open shift."""
        from booth.tui.screens.shift_keys import f7_screen

        self._open_shift_dialog(f7_screen)

    def action_shift(self) -> None:
        """F9: close the own shift (count the drawer), or open one."""
        from booth.tui.screens.shift_keys import f9_screen

        self._open_shift_dialog(f9_screen)

    def action_lock(self) -> None:
        """Ctrl+L: lock the booth (back to the login)."""
        self.lock(reason="key")


def create_app(
    target: str,
    *,
    clock: Clock | None = None,
    booth: str = "B1",
    idle_check_seconds: float = IDLE_CHECK_SECONDS,
    refresh_seconds: float = REFRESH_SECONDS,
    open_later: bool = False,
) -> BoothApp:
    """The app on the database `target`, opened and migrated here.

    A database that does not exist yet, or has no operator, starts on the
    first-run screen. Raises BoothError or SQLAlchemyError for one that
    cannot be used (locked, damaged, newer than this program).

    With `open_later`, nothing is opened (or imported) here: the app shows the
    login at once and opens the database once its first frame is out; one
    that cannot be used then ends the app with return code 1 and its sentence
    in `fatal_error`.
    """
    return BoothApp(
        target=target,
        clock=clock or SystemClock(),
        booth=booth,
        opened=None if open_later else open_checked(target),
        idle_check_seconds=idle_check_seconds,
        refresh_seconds=refresh_seconds,
    )


def run(*, target: str, booth: str) -> None:
    """Open the booth screen; a database that cannot be used gets one sentence and exit 1.

    A database that looks ready (booth/tui/startup.py) is opened behind the
    first frame; anything else is opened before the screen starts, so its
    error comes with no screen at all. A problem met behind the screen closes
    it and is printed after.
    """
    try:
        app = create_app(target, booth=booth, open_later=startup.looks_ready(target))
    except Exception as exc:
        from booth.tui.problems import EXPECTED_ERRORS, describe

        if not isinstance(exc, EXPECTED_ERRORS):
            raise
        print(describe(exc, target), file=sys.stderr)
        raise SystemExit(1) from None
    try:
        app.run()
    finally:
        app.dispose()
    if app.fatal_error is not None:
        print(app.fatal_error, file=sys.stderr)
        raise SystemExit(1)
