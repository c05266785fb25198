"""`booth demo`: a new database filled with a realistic lot to look around in."""

from __future__ import annotations

from typing import Annotated

import typer

from booth.cli.common import DbOption, cli_actor, fail, runtime
from booth.core.i18n import _


def demo(
    db: DbOption = None,
    days: Annotated[
        int | None,
        typer.Option("--days", help="Days of history ending now (default 30)."),
    ] = None,
    stays: Annotated[
        int | None,
        typer.Option("--stays", help="Instead of --days: this many arrivals (for benchmarks)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same data.")] = 1,
) -> None:
    """Fill a NEW database with a demo lot: stays, invoices, shifts and demo users."""
    from booth.core import demo as core_demo
    from booth.core.db import resolve_db
    from booth.core.money import format_cop

    if days is not None and stays is not None:
        fail(_("Give --days or --stays, not both."))
    target = resolve_db(db or runtime.db)
    result = core_demo.generate(
        target,
        clock=runtime.clock,
        actor=cli_actor(),
        days=days if days is not None else 30,
        stays=stays,
        seed=seed,
        progress=lambda message: typer.echo(message, err=True),
    )
    typer.echo(
        _("Demo lot written to {target}: {first} to {last}.").format(
            target=target, first=result.first_day, last=result.last_day
        )
    )
    typer.echo(
        _(
            "  {stays} stays ({inside} vehicles inside now), {invoices} invoices "
            "({voided} voided), {shifts} closed shifts, revenue {revenue}."
        ).format(
            stays=result.stays,
            inside=result.inside,
            invoices=result.invoices,
            voided=result.voided,
            shifts=result.shifts,
            revenue=format_cop(result.revenue),
        )
    )
    if result.turned_away:
        typer.echo(
            _("  {n} arrivals were turned away because the lot was full.").format(
                n=result.turned_away
            )
        )
    typer.echo(_("Demo users (shown once; these passwords are public):"))
    for user in result.users:
        typer.echo(f"  {user.username:<12} {_(user.role):<10} {user.password}")
    typer.echo(
        _(
            "Demo data only: never use this database on a real lot; if you do, disable "
            "every demo user first (booth users disable NAME)."
        )
    )


def register(app: typer.Typer) -> None:
    """Add `booth demo`."""
    app.command("demo")(demo)
