"""Shared pieces of the command line: --db, the clock, passwords, errors."""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
import typer.core

from booth.core.i18n import _
from booth.core.paths import booth_name

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from booth.core.audit import Actor
    from booth.core.clock import Clock


def _system_clock() -> Clock:
    from booth.core.clock import SystemClock

    return SystemClock()


@dataclass
class Runtime:
    """What every command needs; tests replace the clock."""

    clock_factory: Callable[[], Clock] = field(default=_system_clock)
    db: str | None = None  # `booth --db X <command>` sets it for every command

    @property
    def clock(self) -> Clock:
        return self.clock_factory()


runtime = Runtime()

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="Database file or SQLAlchemy URL (else $BOOTH_DB, else data/booth.db)."
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")
]


def fail(message: str, code: int = 1) -> NoReturn:
    """One clear sentence on stderr and a non-zero exit."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


def cli_actor(username: str | None = None) -> Actor:
    """The actor for audit events written from the command line."""
    from booth.core.audit import Actor

    who = username or os.environ.get("USER") or getpass.getuser() or "operator"
    return Actor(username=f"cli:{who}" if username is None else username, booth=booth_name())


def open_db(db: str | None) -> Engine:
    """Engine on an existing database brought to schema head."""
    from booth.core.db import open_database, resolve_db

    return open_database(resolve_db(db or runtime.db))


def read_password(*, stdin: bool, confirm: bool = True, prompt: str | None = None) -> str:
    """A password from stdin (--password-stdin) or a hidden prompt; never an argument."""
    if stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            fail(_("No password on stdin."))
        return password
    if not sys.stdin.isatty():
        fail(_("No terminal to ask for a password: pass --password-stdin and pipe it in."))
    first = getpass.getpass(prompt or _("Password: "))
    if confirm:
        second = getpass.getpass(_("Repeat password: "))
        if first != second:
            fail(_("The two passwords differ; nothing was changed."))
    return first


def print_json(data: Any) -> None:
    """JSON on stdout, UTF-8, stable key order."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, default=str))


class BoothGroup(typer.core.TyperGroup):
    """Turns a person's mistake anywhere below into one sentence and exit 1."""

    def invoke(self, ctx: Any) -> Any:
        from booth.core.errors import BoothError

        try:
            return super().invoke(ctx)
        except BoothError as exc:
            fail(exc.message)
        except KeyboardInterrupt:
            fail(_("Interrupted."), code=130)
        except Exception as exc:
            # SQLAlchemy is only imported by commands that use the database; looking it
            # up here instead of importing it keeps `booth` (the screen) quick to start.
            sa_exc = sys.modules.get("sqlalchemy.exc")
            if sa_exc is not None and isinstance(exc, sa_exc.DatabaseError):
                from booth.core.db import describe_operational_error, resolve_db

                fail(
                    describe_operational_error(exc, resolve_db(ctx.params.get("db") or runtime.db))
                )
            raise
