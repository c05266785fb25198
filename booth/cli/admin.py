"""Operator commands: `booth void`, `booth backup`, `booth check`, `booth audit`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from booth.cli.common import (
    DbOption,
    JsonOption,
    PasswordStdin,
    fail,
    open_db,
    print_json,
    runtime,
)
from booth.cli.credentials import UserOption, operator_login
from booth.core.i18n import _


@contextmanager
def unreadable_is_one_sentence(db: str | None) -> Iterator[None]:
    """A damaged or foreign file gets one sentence and exit 1, not a traceback."""
    from sqlalchemy.exc import DatabaseError

    try:
        yield
    except DatabaseError as exc:
        from booth.core.db import describe_operational_error, resolve_db

        fail(describe_operational_error(exc, resolve_db(db or runtime.db)))


def void(
    number: Annotated[str, typer.Argument(help="Invoice number as printed, e.g. FV123.")],
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why it is voided (kept with the invoice).")
    ] = None,
    user: UserOption = None,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
) -> None:
    """Mark an invoice void (operator only); the stay stays closed and nothing is deleted."""
    from booth.core import invoices
    from booth.core.money import format_cop

    why = invoices.clean_reason(reason or "")
    with unreadable_is_one_sentence(db):
        engine = open_db(db)
        invoices.voidable(engine, number=number)
        who = operator_login(engine, user=user, password_stdin=password_stdin)
        invoice = invoices.void_invoice(
            engine, clock=runtime.clock, who=who, number=number, reason=why
        )
    typer.echo(
        _("Invoice {number} ({amount}) is now void; reason: {reason}").format(
            number=invoice.full_number,
            amount=format_cop(invoice.amount),
            reason=invoice.void_reason,
        )
    )


def backup(
    dest: Annotated[
        Path, typer.Argument(help="File to write, or an existing folder (a dated file inside).")
    ],
    force: Annotated[
        bool, typer.Option("--force", help="Replace DEST if it already exists.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Copy the live database while booths keep working, and verify the copy."""
    from booth.core import backup as core_backup

    with unreadable_is_one_sentence(db):
        engine = open_db(db)
        try:
            result = core_backup.backup(engine, dest, now=runtime.clock.now(), force=force)
        finally:
            engine.dispose()
    typer.echo(
        _("Backup verified: {path} ({size} KiB)").format(
            path=result.path, size=max(1, result.size_bytes // 1024)
        )
    )


def check(db: DbOption = None, json_: JsonOption = False) -> None:
    """Verify the live database; exit 1 if any check fails."""
    from booth.core.checks import failures, run_checks

    with unreadable_is_one_sentence(db):
        results = run_checks(open_db(db))
    bad = failures(results)
    if json_:
        print_json([r._asdict() for r in results])
    else:
        width = max(len(r.name) for r in results)
        for r in results:
            status = "ok" if r.ok else "FAIL"
            typer.echo(f"{status:<5} {r.name:<{width}}  {r.detail}")
        if bad:
            typer.echo(
                _("{bad} of {total} checks failed.").format(bad=len(bad), total=len(results))
            )
        else:
            typer.echo(_("All {total} checks passed.").format(total=len(results)))
    if bad:
        raise typer.Exit(1)


def audit(
    since: Annotated[
        str | None,
        typer.Option("--since", help="From this date or time (lot's zone): 2026-03-10[T14:30]."),
    ] = None,
    user: Annotated[str | None, typer.Option("--user", help="Only events by this user.")] = None,
    action: Annotated[
        str | None,
        typer.Option("--action", help="Only this action, or family: login, invoice.void ..."),
    ] = None,
    json_: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List audit events, newest last."""
    from booth.core.audit_log import list_events

    with unreadable_is_one_sentence(db):
        events, _zone = list_events(open_db(db), since=since, username=user, action=action)
    if json_:
        print_json(events)
        return
    if not events:
        typer.echo(_("No audit events match."))
        return
    _print_events(events)


def _print_events(events: list[dict[str, Any]]) -> None:
    import json

    headers = (_("TIME"), _("BOOTH"), _("USER"), _("ACTION"), _("SUBJECT"), _("DETAILS"))
    rows = [
        (
            e["local_time"][:19].replace("T", " "),
            e["booth"],
            e["username"],
            e["action"],
            e["subject"],
            json.dumps(e["details"], ensure_ascii=False, sort_keys=True)
            if e["details"] != {}
            else "",
        )
        for e in events
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers[:-1])]
    for row in [headers, *rows]:
        cells = [cell.ljust(w) for cell, w in zip(row[:-1], widths, strict=True)]
        typer.echo("  ".join([*cells, row[-1]]).rstrip())


def register(app: typer.Typer) -> None:
    """Add `void`, `backup`, `check` and `audit` to the app."""
    app.command("void")(void)
    app.command("backup")(backup)
    app.command("check")(check)
    app.command("audit")(audit)
