"""`booth tariff show|set` and `booth quote`: prices per vehicle type and what a stay costs."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any

import typer

from booth.cli.common import (
    BoothGroup,
    DbOption,
    JsonOption,
    cli_actor,
    open_db,
    print_json,
    runtime,
)
from booth.core.i18n import _

if TYPE_CHECKING:
    from datetime import tzinfo

    from booth.core.models import TariffVersion
    from booth.core.tariffs import StayQuote

tariff_app = typer.Typer(
    help="Show and change the tariffs (one version per vehicle type, never edited).",
    cls=BoothGroup,
    no_args_is_help=True,
)

TypeOption = Annotated[str, typer.Option("--type", help="car, motorcycle or bicycle.")]


def _number_option(flag: str, help_text: str) -> Any:
    return typer.Option(flag, help=help_text, metavar="N")


def parse_whole(text: str | None, flag: str) -> int | None:
    """A whole number typed for `flag` (a sign allowed, no separators), or None."""
    if text is None:
        return None
    cleaned = text.strip()
    if not re.fullmatch(r"[+-]?\d{1,12}", cleaned):
        from booth.core.errors import Refused

        raise Refused(
            _("{flag} needs a whole number without separators, like 3000 (got '{text}').").format(
                flag=flag, text=cleaned[:20]
            )
        )
    return int(cleaned)


def version_json(version: TariffVersion, zone: tzinfo) -> dict[str, Any]:
    """A stored version as JSON (times in the lot's zone with offset)."""
    from booth.core.localtime import format_instant

    return {
        "id": version.id,
        "vehicle_type": version.vehicle_type,
        "unit_minutes": version.unit_minutes,
        "unit_price": version.unit_price,
        "grace_minutes": version.grace_minutes,
        "daily_max": version.daily_max,
        "round_to": version.round_to,
        "effective_from": format_instant(version.effective_from, zone),
    }


def describe_version(version: TariffVersion) -> str:
    """`60 min blocks at $ 3.000, grace 10 min, daily max $ 20.000, rounded to $ 100`."""
    from booth.core.money import format_cop

    parts = [
        _("{n} min blocks at {price}").format(
            n=version.unit_minutes, price=format_cop(version.unit_price)
        ),
        _("grace {n} min").format(n=version.grace_minutes),
        _("daily max {amount}").format(amount=format_cop(version.daily_max))
        if version.daily_max > 0
        else _("no daily max"),
        _("rounded to {amount}").format(amount=format_cop(version.round_to)),
    ]
    return ", ".join(parts)


@tariff_app.command("show")
def show(db: DbOption = None, json_: JsonOption = False) -> None:
    """The tariff in force per vehicle type and any scheduled future versions."""
    from booth.core import lot, tariffs
    from booth.core.db import run_read
    from booth.core.localtime import format_instant, format_label
    from booth.core.money import format_cop

    engine = open_db(db)
    now = runtime.clock.now()

    def work(session: Any) -> tuple[Any, tzinfo]:
        settings = lot.get_settings(session)
        return tariffs.overview(session, now), lot.zone(settings)

    view, zone = run_read(engine, work)
    if json_:
        print_json(
            {
                "as_of": format_instant(view.as_of, zone),
                "types": [
                    {
                        "vehicle_type": code,
                        "current": version_json(current, zone) if current is not None else None,
                        "scheduled": [version_json(v, zone) for v in view.scheduled[code]],
                    }
                    for code, current in view.current.items()
                ],
            }
        )
        return
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(_("Tariffs at {at}").format(at=format_label(now, zone)), highlight=False)
    for code, current in view.current.items():
        rows: list[tuple[str, TariffVersion]] = []
        if current is not None:
            rows.append((_("since {at}"), current))
        rows.extend((_("from {at}"), v) for v in view.scheduled[code])
        if not rows:
            console.print(
                _("{vtype}: no tariff.").format(vtype=_(code).capitalize()), highlight=False
            )
            continue
        table = Table(
            title=_(code).capitalize(),
            title_justify="left",
            box=box.SIMPLE_HEAD,
            show_edge=False,
            collapse_padding=True,
        )
        for header in (
            _("Version"),
            _("In force"),
            _("Block"),
            _("Price"),
            _("Grace"),
            _("Daily max"),
            _("Round to"),
        ):
            table.add_column(header, no_wrap=True)
        for when, v in rows:
            table.add_row(
                str(v.id),
                when.format(at=format_label(v.effective_from, zone)),
                _("{n} min").format(n=v.unit_minutes),
                format_cop(v.unit_price),
                _("{n} min").format(n=v.grace_minutes),
                format_cop(v.daily_max) if v.daily_max > 0 else _("none"),
                format_cop(v.round_to),
            )
        console.print(table)


@tariff_app.command("set")
def set_tariff(
    vehicle_type: TypeOption,
    unit_minutes: Annotated[
        str | None, _number_option("--unit-minutes", "Block length in minutes (1 or more).")
    ] = None,
    unit_price: Annotated[
        str | None, _number_option("--unit-price", "Pesos per block, IVA included (0 or more).")
    ] = None,
    grace_minutes: Annotated[
        str | None, _number_option("--grace-minutes", "Minutes that are free (0 or more).")
    ] = None,
    daily_max: Annotated[
        str | None, _number_option("--daily-max", "Cap in pesos per 24 h (0 = no cap).")
    ] = None,
    round_to: Annotated[
        str | None, _number_option("--round-to", "Round the fee half-up to this many pesos (1+).")
    ] = None,
    effective: Annotated[
        str | None,
        typer.Option(
            "--effective",
            help="When it starts (ISO; without offset in the lot's zone). Default: now.",
            metavar="ISO",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Add a new tariff version for a vehicle type; omitted values carry over."""
    from booth.core import lot, tariffs
    from booth.core.db import run_write
    from booth.core.localtime import format_label, parse_instant

    change = tariffs.TariffChange(
        unit_minutes=parse_whole(unit_minutes, "--unit-minutes"),
        unit_price=parse_whole(unit_price, "--unit-price"),
        grace_minutes=parse_whole(grace_minutes, "--grace-minutes"),
        daily_max=parse_whole(daily_max, "--daily-max"),
        round_to=parse_whole(round_to, "--round-to"),
    )
    tariffs.check_values(change.given())
    engine = open_db(db)
    clock = runtime.clock
    actor = cli_actor()

    def work(session: Any) -> tuple[tariffs.AddedVersion, tzinfo]:
        zone = lot.zone(lot.get_settings(session))
        start = (
            parse_instant(effective, zone, what=_("effective time"))
            if effective is not None
            else None
        )
        added = tariffs.add_version(
            session,
            clock=clock,
            actor=actor,
            vehicle_type=vehicle_type,
            change=change,
            effective_from=start,
        )
        return added, zone

    added, zone = run_write(engine, work)
    v = added.version
    typer.echo(
        _("New {vtype} tariff, version {id}, in force from {at}: {rule}.").format(
            vtype=_(v.vehicle_type),
            id=v.id,
            at=format_label(v.effective_from, zone),
            rule=describe_version(v),
        )
    )
    if added.replaced is not None:
        typer.echo(
            _("It takes the place of version {id}, which was scheduled for the same time.").format(
                id=added.replaced.id
            )
        )


def quote_json(q: StayQuote, zone: tzinfo) -> dict[str, Any]:
    """The JSON of `booth quote`."""
    from booth.core.localtime import format_instant

    return {
        "vehicle_type": q.vehicle_type,
        "entry": format_instant(q.entry, zone),
        "exit": format_instant(q.exit, zone),
        "minutes": q.fee.minutes,
        "within_grace": q.fee.within_grace,
        "subtotal": q.fee.subtotal,
        "amount": q.amount,
        "base": q.base,
        "tax": q.tax,
        "iva_rate_bp": q.iva_rate_bp,
        "tariff_version": q.tariff.id,
        "tariff": version_json(q.tariff, zone),
        "periods": [
            {
                "index": p.index,
                "start": format_instant(p.start, zone),
                "end": format_instant(p.end, zone),
                "minutes": p.minutes,
                "blocks": p.blocks,
                "uncapped": p.uncapped,
                "amount": p.amount,
                "capped": p.capped,
            }
            for p in q.fee.periods
        ],
    }


def quote(
    vehicle_type: TypeOption,
    entry: Annotated[
        str,
        typer.Option(
            "--entry", help="Entry time (ISO; without offset in the lot's zone).", metavar="ISO"
        ),
    ],
    exit_: Annotated[
        str,
        typer.Option(
            "--exit", help="Exit time (ISO; without offset in the lot's zone).", metavar="ISO"
        ),
    ],
    db: DbOption = None,
    json_: JsonOption = False,
) -> None:
    """What a stay would cost, period by period, with the tariff in force at entry."""
    from booth.core import lot, tariffs
    from booth.core.db import run_read
    from booth.core.localtime import format_label, parse_instant
    from booth.core.money import format_cop, format_rate

    engine = open_db(db)

    def work(session: Any) -> tuple[StayQuote, tzinfo]:
        zone = lot.zone(lot.get_settings(session))
        q = tariffs.quote(
            session,
            vehicle_type=vehicle_type,
            entry=parse_instant(entry, zone, what=_("entry time")),
            exit=parse_instant(exit_, zone, what=_("exit time")),
        )
        return q, zone

    q, zone = run_read(engine, work)
    if json_:
        print_json(quote_json(q, zone))
        return
    from rich import box
    from rich.console import Console
    from rich.table import Table

    hours, mins = divmod(q.fee.minutes, 60)
    console = Console()
    console.print(
        _("{vtype}: {entry} to {exit}, {minutes} min ({hours} h {mins:02d} min).").format(
            vtype=_(q.vehicle_type).capitalize(),
            entry=format_label(q.entry, zone),
            exit=format_label(q.exit, zone),
            minutes=q.fee.minutes,
            hours=hours,
            mins=mins,
        ),
        highlight=False,
    )
    console.print(
        _("Tariff version {id}: {rule}.").format(id=q.tariff.id, rule=describe_version(q.tariff)),
        highlight=False,
    )
    if q.fee.within_grace:
        console.print(
            _("Within the {n} free minutes: nothing to pay.").format(n=q.tariff.grace_minutes),
            highlight=False,
        )
    table = Table(show_footer=True, box=box.SIMPLE_HEAD, show_edge=False, collapse_padding=True)
    table.add_column(_("Period"), footer=_("Total"), no_wrap=True)
    table.add_column(_("From"), no_wrap=True)
    table.add_column(_("To"), no_wrap=True)
    table.add_column(_("Minutes"), justify="right", no_wrap=True)
    table.add_column(_("Blocks"), justify="right", no_wrap=True)
    table.add_column(_("Amount"), justify="right", footer=format_cop(q.amount), no_wrap=True)
    any_capped = False
    for p in q.fee.periods:
        amount = format_cop(p.amount)
        if p.capped:
            any_capped = True
            amount = _("{amount} (max)").format(amount=amount)
        table.add_row(
            str(p.index),
            format_label(p.start, zone),
            format_label(p.end, zone),
            str(p.minutes),
            str(p.blocks),
            amount,
        )
    if q.fee.periods:
        console.print(table)
    if any_capped:
        console.print(
            _("(max): the period reached the daily maximum of {amount}.").format(
                amount=format_cop(q.tariff.daily_max)
            ),
            highlight=False,
        )
    if q.fee.subtotal != q.amount:
        console.print(
            _("Sum {sum} rounded to {amount} (multiples of {step}).").format(
                sum=format_cop(q.fee.subtotal),
                amount=format_cop(q.amount),
                step=format_cop(q.tariff.round_to),
            ),
            highlight=False,
        )
    console.print(
        _("Total {amount} = base {base} + IVA ({rate}) {tax}.").format(
            amount=format_cop(q.amount),
            base=format_cop(q.base),
            rate=format_rate(q.iva_rate_bp),
            tax=format_cop(q.tax),
        ),
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add `booth tariff` and `booth quote`."""
    app.add_typer(tariff_app, name="tariff")
    app.command("quote")(quote)
