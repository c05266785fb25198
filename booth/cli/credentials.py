"""Operator credentials for commands that need them (void, shift close, ...)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from booth.cli.common import booth_name, fail, read_password, runtime
from booth.core.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from booth.core.audit import SignedIn

UserOption = Annotated[
    str | None, typer.Option("--user", help="Operator username (asked in a terminal if omitted).")
]


def operator_login(engine: Engine, *, user: str | None, password_stdin: bool) -> SignedIn:
    """Authenticate an operator: --user and --password-stdin, or prompts in a terminal."""
    from booth.core import auth
    from booth.core.audit import SignedIn

    if user is None:
        if password_stdin or not sys.stdin.isatty():
            fail(_("Give the operator's username with --user."))
        user = typer.prompt(_("Operator username"))
    password = read_password(stdin=password_stdin, confirm=False)
    signed = auth.authenticate(
        engine, clock=runtime.clock, booth=booth_name(), username=user, password=password
    )
    auth.require_operator(signed)
    assert signed.id is not None
    return SignedIn(
        user_id=signed.id, username=signed.username, role=signed.role, booth=booth_name()
    )
