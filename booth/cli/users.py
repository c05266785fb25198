"""`booth users`: add, list, disable, enable (and reset-password)."""

from __future__ import annotations

from typing import Annotated

import typer

from booth.cli.common import (
    BoothGroup,
    DbOption,
    JsonOption,
    PasswordStdin,
    cli_actor,
    fail,
    open_db,
    print_json,
    read_password,
    runtime,
)
from booth.core.i18n import _

users_app = typer.Typer(
    help="Manage attendants and operators.", cls=BoothGroup, no_args_is_help=True
)


@users_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="Login name (case-insensitive).")],
    role: Annotated[str, typer.Option("--role", help="attendant or operator.")],
    name: Annotated[str, typer.Option("--name", help="Full name shown on invoices.")] = "",
    db: DbOption = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Add a user; the password comes from a hidden prompt or --password-stdin."""
    from booth.core import users

    engine = open_db(db)
    users.validate_new(engine, username=username, role=role, name=name)
    password = read_password(stdin=password_stdin)
    user = users.add_user(
        engine,
        clock=runtime.clock,
        actor=cli_actor(),
        username=username,
        password=password,
        role=role,
        name=name,
    )
    typer.echo(
        _("User '{username}' added as {role}.").format(username=user.username, role=user.role)
    )


@users_app.command("list")
def list_users(db: DbOption = None, json_: JsonOption = False) -> None:
    """List users with role and state."""
    from booth.core import users

    engine = open_db(db)
    rows = users.list_users(engine, clock=runtime.clock)
    if json_:
        print_json(rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=_("Users"))
    for header in (_("Username"), _("Name"), _("Role"), _("Active"), _("Locked")):
        table.add_column(header)
    for row in rows:
        table.add_row(
            row["username"],
            row["name"],
            row["role"],
            _("yes") if row["active"] else _("no"),
            _("yes") if row["locked"] else _("no"),
        )
    Console().print(table)


@users_app.command("disable")
def disable(username: Annotated[str, typer.Argument()], db: DbOption = None) -> None:
    """Stop a user from logging in (nothing is deleted)."""
    from booth.core import users

    user = users.set_active(
        open_db(db), clock=runtime.clock, actor=cli_actor(), username=username, active=False
    )
    typer.echo(_("User '{username}' disabled.").format(username=user.username))


@users_app.command("enable")
def enable(username: Annotated[str, typer.Argument()], db: DbOption = None) -> None:
    """Let a disabled user log in again."""
    from booth.core import users

    user = users.set_active(
        open_db(db), clock=runtime.clock, actor=cli_actor(), username=username, active=True
    )
    typer.echo(_("User '{username}' enabled.").format(username=user.username))


@users_app.command("reset-password")
def reset_password(
    username: Annotated[str, typer.Argument(help="Whose password to reset.")],
    db: DbOption = None,
    password_stdin: PasswordStdin = False,
    temporary: Annotated[
        bool,
        typer.Option("--temporary", help="Generate a one-time password and print it once."),
    ] = False,
) -> None:
    """Set a forgotten password: unlocks the account; a new one must be chosen at next login."""
    from booth.core import auth, users

    if temporary and password_stdin:
        fail(_("Use either --temporary or --password-stdin, not both."))
    engine = open_db(db)
    user = users.require_existing(engine, username=username)
    if temporary:
        password = auth.generate_temporary_password()
    else:
        password = read_password(
            stdin=password_stdin,
            prompt=_("New password for {username}: ").format(username=user.username),
        )
    user = users.reset_password(
        engine,
        clock=runtime.clock,
        actor=cli_actor(),
        username=user.username,
        new_password=password,
        temporary=temporary,
    )
    if temporary:
        typer.echo(
            _("Temporary password for '{username}' (shown only now): {password}").format(
                username=user.username, password=password
            )
        )
    typer.echo(
        _(
            "Password of '{username}' reset and the account unlocked; "
            "a new password must be chosen at the next login."
        ).format(username=user.username)
    )
    if not user.active:
        typer.echo(
            _(
                "Note: '{username}' is disabled; `booth users enable {username}` lets them log in."
            ).format(username=user.username)
        )


def register(app: typer.Typer) -> None:
    """Add `booth users` to the app."""
    app.add_typer(users_app, name="users")
