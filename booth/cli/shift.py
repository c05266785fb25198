"""`booth shift`: list shifts, show a Z (or X) report, close an abandoned shift."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from booth.cli.common import (
    BoothGroup,
    DbOption,
    JsonOption,
    PasswordStdin,
    open_db,
    print_json,
    runtime,
)
from booth.cli.credentials import UserOption
from booth.core.i18n import _

shift_app = typer.Typer(
    help="Cashier shifts: list, show the Z/X report, close an abandoned shift.",
    cls=BoothGroup,
    no_args_is_help=True,
)


class ShowFormat(str, Enum):
    """Output of `booth shift show`."""

    table = "table"
    json = "json"


@shift_app.command("list")
def list_cmd(
    open_: Annotated[bool, typer.Option("--open", help="Only shifts still open.")] = False,
    date: Annotated[
        str | None, typer.Option("--date", help="Shifts opened on this local date (YYYY-MM-DD).")
    ] = None,
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """List shifts, newest first."""
    from booth.core import shift_reports
    from booth.core.money import format_cop

    day = shift_reports.parse_day(date) if date is not None else None
    rows = shift_reports.list_shifts(open_db(db), open_only=open_, day=day)
    if json_:
        print_json(rows)
        return
    if not rows:
        typer.echo(_("No shifts."))
        return
    from rich.console import Console
    from rich.table import Table

    def money(value: int | None) -> str:
        return "" if value is None else format_cop(value)

    table = Table(title=_("Shifts"))
    for header in (
        _("ID"),
        _("Booth"),
        _("Attendant"),
        _("Status"),
        _("Opened"),
        _("Closed"),
        _("Float"),
        _("Expected"),
        _("Counted"),
        _("Difference"),
    ):
        table.add_column(header)
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["booth"],
            row["attendant"],
            _("open") if row["status"] == "open" else _("closed"),
            row["opened_at"][:16].replace("T", " "),
            (row["closed_at"] or "")[:16].replace("T", " "),
            money(row["opening_float"]),
            money(row["expected_cash"]),
            money(row["counted_cash"]),
            money(row["difference"]),
        )
    # Piped output keeps whole rows instead of wrapping at 80 columns.
    Console(width=None if sys.stdout.isatty() else 160).print(table)


@shift_app.command("show")
def show(
    shift_id: Annotated[int, typer.Argument(metavar="ID", help="Shift number.")],
    format_: Annotated[
        ShowFormat, typer.Option("--format", help="table (the printed report) or json.")
    ] = ShowFormat.table,
    db: DbOption = None,
) -> None:
    """The Z report of a closed shift, or the X report of an open one."""
    from booth.core import shift_reports

    report, settings = shift_reports.report_with_settings(
        open_db(db), clock=runtime.clock, shift_id=shift_id
    )
    if format_ is ShowFormat.json:
        print_json(shift_reports.report_json(report, settings))
        return
    typer.echo(shift_reports.report_text(report, settings), nl=False)


@shift_app.command("close")
def close(
    shift_id: Annotated[int, typer.Argument(metavar="ID", help="Shift number.")],
    counted: Annotated[
        str, typer.Option("--counted", help="Cash counted in the drawer, in pesos.")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why an operator closes it.")] = "",
    user: UserOption = None,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
) -> None:
    """Close an abandoned shift with the cash counted in its drawer (operator only)."""
    from booth.cli.credentials import operator_login
    from booth.core import shift_reports, shifts
    from booth.core.money import format_cop

    amount = shifts.parse_amount(counted, what=_("the counted cash"))
    reason_text = shifts.clean_reason(reason, required=False)
    engine = open_db(db)
    # Refuse an unknown or closed shift before asking for a password.
    shifts.check_closable(engine, shift_id=shift_id)
    operator = operator_login(engine, user=user, password_stdin=password_stdin)
    closed = shifts.close_shift(
        engine,
        clock=runtime.clock,
        who=operator,
        shift_id=shift_id,
        counted=amount,
        reason=reason_text,
    )
    expected = closed.expected_cash or 0
    difference = amount - expected
    typer.echo(
        _("Shift {id} closed: expected {expected}, counted {counted}, {label} {diff}.").format(
            id=closed.id,
            expected=format_cop(expected),
            counted=format_cop(amount),
            label=shift_reports.difference_label(difference).lower(),
            diff=format_cop(abs(difference)),
        )
    )


def register(app: typer.Typer) -> None:
    """Add `booth shift` to the app."""
    app.add_typer(shift_app, name="shift")
