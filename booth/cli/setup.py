"""`booth setup`: create or upgrade the database and configure the lot."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from booth.cli.common import DbOption, PasswordStdin, cli_actor, fail, read_password, runtime
from booth.core.i18n import _


def setup(
    db: DbOption = None,
    lot_name: Annotated[
        str | None, typer.Option("--lot-name", help="The lot's name as printed on invoices.")
    ] = None,
    nit: Annotated[
        str | None, typer.Option("--nit", help="The lot's NIT, e.g. 900.123.456-7.")
    ] = None,
    address: Annotated[
        str | None, typer.Option("--address", help="Street address for invoices.")
    ] = None,
    timezone: Annotated[
        str | None, typer.Option("--timezone", help="IANA zone (default America/Bogota).")
    ] = None,
    capacity: Annotated[
        list[str] | None, typer.Option("--capacity", help="TYPE=N spaces, repeatable: car=50.")
    ] = None,
    invoice_prefix: Annotated[
        str | None,
        typer.Option("--invoice-prefix", help="Authorised prefix (up to 4 letters/digits)."),
    ] = None,
    invoice_from: Annotated[
        int | None, typer.Option("--invoice-from", help="First authorised number.")
    ] = None,
    invoice_to: Annotated[
        int | None, typer.Option("--invoice-to", help="Last authorised number.")
    ] = None,
    resolution: Annotated[
        str | None,
        typer.Option("--resolution", help="DIAN resolution number of the authorisation."),
    ] = None,
    resolution_date: Annotated[
        str | None, typer.Option("--resolution-date", help="Date of the resolution, YYYY-MM-DD.")
    ] = None,
    receipt_width: Annotated[
        int | None, typer.Option("--receipt-width", help="Receipt width: 32, 42 or 48 columns.")
    ] = None,
    printer_command: Annotated[
        str | None,
        typer.Option(
            "--printer-command",
            help="Command that prints a receipt read from stdin (empty: text files under data/receipts/).",
        ),
    ] = None,
    idle_lock_minutes: Annotated[
        int | None,
        typer.Option(
            "--idle-lock-minutes", help="Idle minutes before the booth screen locks (default 5)."
        ),
    ] = None,
    max_failed_logins: Annotated[
        int | None,
        typer.Option("--max-failed-logins", help="Failures that lock an account (default 5)."),
    ] = None,
    lockout_minutes: Annotated[
        int | None, typer.Option("--lockout-minutes", help="How long a lockout lasts (default 15).")
    ] = None,
    operator: Annotated[
        str | None,
        typer.Option("--operator", help="Username of the first (or an additional) operator."),
    ] = None,
    password_stdin: PasswordStdin = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask anything; use options and defaults.")
    ] = False,
) -> None:
    """Create or upgrade the database and configure the lot. Re-running only updates what is given."""
    from booth.core import setup as core_setup
    from booth.core.db import resolve_db
    from booth.core.lot import SetupOptions, parse_capacity

    target = resolve_db(db or runtime.db)
    capacities: dict[str, int] = {}
    for item in capacity or []:
        vtype, n = parse_capacity(item)
        capacities[vtype] = n
    interactive = not yes and not password_stdin and sys.stdin.isatty()
    state = core_setup.inspect_target(target)
    if lot_name is None and not state.configured and interactive:
        lot_name = typer.prompt(_("Lot name"))
    if not state.configured and not (lot_name and lot_name.strip()):
        fail(_("Give the lot a name with --lot-name."))
    new_operator: tuple[str, str] | None = None
    needs_operator = not state.has_operator or (
        operator is not None and not state.user_exists(operator)
    )
    if needs_operator:
        if operator is None:
            if interactive:
                operator = typer.prompt(_("First operator's username"))
            else:
                fail(
                    _(
                        "Name the first operator with --operator (and give the password with --password-stdin)."
                    )
                )
        password = read_password(stdin=password_stdin)
        new_operator = (operator, password)
    elif password_stdin and operator is not None:
        fail(
            _(
                "User '{user}' already exists; use `booth users reset-password` to change a password."
            ).format(user=operator)
        )
    options = SetupOptions(
        lot_name=lot_name,
        nit=nit,
        address=address,
        timezone=timezone,
        capacities=capacities,
        invoice_prefix=invoice_prefix,
        invoice_from=invoice_from,
        invoice_to=invoice_to,
        resolution=resolution,
        resolution_date=resolution_date,
        receipt_width=receipt_width,
        printer_command=printer_command,
        idle_lock_minutes=idle_lock_minutes,
        max_failed_logins=max_failed_logins,
        lockout_minutes=lockout_minutes,
    )
    result = core_setup.run_setup(
        target, clock=runtime.clock, actor=cli_actor(), options=options, operator=new_operator
    )
    if result.backup is not None:
        typer.echo(_("Backup taken before upgrading: {path}").format(path=result.backup))
    for change in result.changes:
        typer.echo(f"  {change}")
    typer.echo(_("Lot '{name}' is ready in {target}.").format(name=result.lot_name, target=target))


def register(app: typer.Typer) -> None:
    """Add `booth setup` to the app."""
    app.command("setup")(setup)
