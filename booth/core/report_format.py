"""Rendering a report: JSON (the whole report), CSV (one row per invoice), a Rich table.

Pure functions of a `Report`; no database. Times are ISO-8601 in the lot's zone
with their offset; money is whole pesos (integers in JSON and CSV).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from booth.core.i18n import _
from booth.core.money import format_cop
from booth.core.reports import InvoiceLine, Report, Subtotal

if TYPE_CHECKING:
    from rich.console import RenderableType

FORMATS = ("table", "csv", "json")

CSV_COLUMNS = (
    "number",
    "plate",
    "vehicle_type",
    "entered_at",
    "exited_at",
    "issued_at",
    "minutes",
    "amount",
    "base",
    "tax",
    "payment_method",
    "attendant",
    "booth",
    "voided",
    "voided_at",
    "voided_by",
    "void_reason",
)

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def iso(instant: datetime | None, tz: ZoneInfo) -> str | None:
    """`2026-03-10T23:30:00-05:00`: local time with its offset, to the second."""
    if instant is None:
        return None
    return instant.astimezone(tz).isoformat(timespec="seconds")


def _subtotal(s: Subtotal) -> dict[str, int]:
    return {"count": s.count, "amount": s.amount, "base": s.base, "tax": s.tax}


def _invoice_dict(line: InvoiceLine, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "number": line.number,
        "plate": line.plate,
        "vehicle_type": line.vehicle_type,
        "entered_at": iso(line.entered_at, tz),
        "exited_at": iso(line.exited_at, tz),
        "issued_at": iso(line.issued_at, tz),
        "minutes": line.minutes,
        "amount": line.amount,
        "base": line.base,
        "tax": line.tax,
        "payment_method": line.payment_method,
        "attendant": line.attendant,
        "booth": line.booth,
        "voided": line.voided,
        "voided_at": iso(line.voided_at, tz),
        "voided_by": line.voided_by,
        "void_reason": line.void_reason if line.voided else None,
    }


def to_json_dict(report: Report) -> dict[str, Any]:
    """The whole report as JSON-ready data (keys documented in README, "Nightly report")."""
    tz = report.zone
    t = report.totals
    n = report.numbering
    return {
        "lot": report.lot_name,
        "timezone": report.timezone,
        "from": iso(report.period.start, tz),
        "to": iso(report.period.end, tz),
        "first_day": report.period.first_day.isoformat(),
        "last_day": report.period.last_day.isoformat(),
        "booth": report.booth,
        "generated_at": iso(report.generated_at, tz),
        "totals": {
            "count": t.count,
            "amount": t.amount,
            "base": t.base,
            "tax": t.tax,
            "by_vehicle_type": {k: _subtotal(v) for k, v in t.by_vehicle_type.items()},
            "by_payment_method": {k: _subtotal(v) for k, v in t.by_payment_method.items()},
            "by_attendant": {k: _subtotal(v) for k, v in t.by_attendant.items()},
            "by_booth": {k: _subtotal(v) for k, v in t.by_booth.items()},
            "voided": _subtotal(t.voided),
        },
        "invoices": [_invoice_dict(line, tz) for line in report.invoices],
        "voided": [
            {
                "number": line.number,
                "plate": line.plate,
                "amount": line.amount,
                "issued_at": iso(line.issued_at, tz),
                "voided_at": iso(line.voided_at, tz),
                "voided_by": line.voided_by,
                "void_reason": line.void_reason,
            }
            for line in report.voided
        ],
        "open_stays_priced_at": iso(report.priced_at, tz),
        "open_stays": [
            {
                "plate": s.plate,
                "vehicle_type": s.vehicle_type,
                "since": iso(s.since, tz),
                "entry_booth": s.entry_booth,
                "fee_so_far": s.fee_so_far,
            }
            for s in report.open_stays
        ],
        "peak_occupancy": {
            o.vehicle_type: {"peak": o.peak, "at": iso(o.at, tz), "capacity": o.capacity}
            for o in report.occupancy
        },
        "numbering": {
            "first": n.first,
            "last": n.last,
            "used": n.used,
            "prefix": n.prefix,
            "range_from": n.range_from,
            "range_to": n.range_to,
            "remaining": n.remaining,
        },
        "shifts": [
            {
                "id": s.id,
                "attendant": s.attendant,
                "booth": s.booth,
                "opened_at": iso(s.opened_at, tz),
                "closed_at": iso(s.closed_at, tz),
                "opening_float": s.opening_float,
                "expected_cash": s.expected_cash,
                "counted_cash": s.counted_cash,
                "difference": s.difference,
            }
            for s in report.shifts
        ],
    }


def render_json(report: Report) -> str:
    """The report as one line of JSON text and a newline.

    Not indented on purpose: the indenting encoder is pure Python and would make a
    busy month several times slower; `jq .` prints it readably.
    """
    return json.dumps(to_json_dict(report), ensure_ascii=False) + "\n"


def csv_cell(value: object) -> str:
    """A CSV cell: empty for None, integers as digits, formula-like text defused with `'`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def render_csv(report: Report) -> str:
    """One row per invoice (voided ones flagged), after a header row; no BOM (see `encode`)."""
    tz = report.zone
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for line in report.invoices:
        row = _invoice_dict(line, tz)
        writer.writerow([csv_cell(row[col]) for col in CSV_COLUMNS])
    return out.getvalue()


def encode(text: str, fmt: str) -> bytes:
    """Bytes to write: CSV gets a UTF-8 BOM so spreadsheets read accents right."""
    return text.encode("utf-8-sig" if fmt == "csv" else "utf-8")


# --- the table a person reads ---------------------------------------------------------------

# (header, justify, never wrap): money, numbers and times stay whole; names may be cut.
Column = tuple[str, str, bool]


def _money(amount: int | None) -> str:
    return "—" if amount is None else format_cop(amount)


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def period_title(report: Report) -> str:
    """`Parqueadero Central — 2026-03-10` (or a range), with the booth when filtered."""
    p = report.period
    days = (
        p.first_day.isoformat()
        if p.first_day == p.last_day
        else f"{p.first_day.isoformat()} … {p.last_day.isoformat()}"
    )
    title = f"{report.lot_name} — {days}"
    if report.booth:
        title += " — " + _("booth {booth}").format(booth=report.booth)
    return title


class _Clock:
    """Local times as short as they can be: `14:05` on a one-day report's own day."""

    def __init__(self, report: Report) -> None:
        self.tz = report.zone
        p = report.period
        self.day = p.first_day if p.first_day == p.last_day else None

    def __call__(self, instant: datetime | None) -> str:
        if instant is None:
            return "—"
        moment = instant.astimezone(self.tz)
        if moment.date() == self.day:
            return moment.strftime("%H:%M")
        return moment.strftime("%Y-%m-%d %H:%M")


def _table(title: str, columns: list[Column], caption: str | None = None) -> Any:
    from rich import box
    from rich.table import Table

    table = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        caption=caption,
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )
    for header, justify, whole in columns:
        table.add_column(
            header,
            justify=justify,  # type: ignore[arg-type]
            no_wrap=whole,
            overflow="fold" if whole else "ellipsis",
        )
    return table


def render_table(report: Report) -> RenderableType:
    """A Rich layout: totals, breakdowns, invoices, voids, vehicles inside, numbering, shifts."""
    from rich.console import Group
    from rich.text import Text

    at = _Clock(report)
    t = report.totals
    money_columns: list[Column] = [
        (_("Invoices"), "right", True),
        (_("Revenue"), "right", True),
        (_("Base"), "right", True),
        (_("IVA"), "right", True),
    ]
    parts: list[RenderableType] = [
        Text(period_title(report), style="bold"),
        Text(
            _("From {start} to {end} ({zone}); generated {now}.").format(
                start=_local(report.period.start, report.zone),
                end=_local(report.period.end, report.zone),
                zone=report.timezone,
                now=_local(report.generated_at, report.zone),
            )
            + "\n"
        ),
    ]

    summary = _table(_("Totals"), [*money_columns, (_("Voided"), "right", True)])
    summary.add_row(
        _count(t.count),
        _money(t.amount),
        _money(t.base),
        _money(t.tax),
        f"{t.voided.count} ({_money(t.voided.amount)})",
    )
    parts.append(summary)

    for title, groups, translate in (
        (_("By vehicle type"), t.by_vehicle_type, True),
        (_("By payment method"), t.by_payment_method, True),
        (_("By attendant"), t.by_attendant, False),
        (_("By booth"), t.by_booth, False),
    ):
        if not groups:
            continue
        table = _table(title, [("", "left", False), *money_columns])
        for key, sub in groups.items():
            table.add_row(
                _(key) if translate else key,
                _count(sub.count),
                _money(sub.amount),
                _money(sub.base),
                _money(sub.tax),
            )
        parts.append(table)

    if report.invoices:
        invoices = _table(
            _("Invoices"),
            [
                (_("Number"), "left", True),
                (_("Plate"), "left", True),
                (_("Type"), "left", False),
                (_("Entered"), "left", True),
                (_("Exited"), "left", True),
                (_("Min"), "right", True),
                (_("Amount"), "right", True),
                (_("Method"), "left", False),
                (_("Attendant"), "left", False),
                (_("Booth"), "left", False),
            ],
            caption=_("* voided: listed, not counted") if report.voided else None,
        )
        for line in report.invoices:
            invoices.add_row(
                line.number + ("*" if line.voided else ""),
                line.plate,
                _(line.vehicle_type),
                at(line.entered_at),
                at(line.exited_at),
                _count(line.minutes),
                _money(line.amount),
                _(line.payment_method),
                line.attendant,
                line.booth,
                style="dim" if line.voided else None,
            )
        parts.append(invoices)
    else:
        parts.append(Text(_("No invoices in this period.") + "\n"))

    if report.voided:
        voided = _table(
            _("Voided invoices (not counted)"),
            [
                (_("Number"), "left", True),
                (_("Plate"), "left", True),
                (_("Amount"), "right", True),
                (_("Voided at"), "left", True),
                (_("By"), "left", False),
                (_("Reason"), "left", False),
            ],
        )
        for line in report.voided:
            voided.add_row(
                line.number,
                line.plate,
                _money(line.amount),
                at(line.voided_at),
                line.voided_by or "?",
                line.void_reason,
            )
        parts.append(voided)

    if report.open_stays:
        inside = _table(
            _("Vehicles inside at {at} (fee so far)").format(
                at=_local(report.priced_at, report.zone)
            ),
            [
                (_("Plate"), "left", True),
                (_("Type"), "left", False),
                (_("Since"), "left", True),
                (_("Booth"), "left", False),
                (_("Fee so far"), "right", True),
            ],
        )
        for s in report.open_stays:
            inside.add_row(
                s.plate, _(s.vehicle_type), at(s.since), s.entry_booth, _money(s.fee_so_far)
            )
        parts.append(inside)
    else:
        parts.append(Text(_("No vehicles inside at the end of the period.") + "\n"))

    peak = _table(
        _("Peak occupancy"),
        [
            (_("Type"), "left", False),
            (_("Peak"), "right", True),
            (_("Capacity"), "right", True),
            (_("At"), "left", True),
        ],
    )
    for o in report.occupancy:
        peak.add_row(_(o.vehicle_type), str(o.peak), str(o.capacity), at(o.at))
    parts.append(peak)

    n = report.numbering
    if n.first is None:
        used = _("No invoice numbers used in this period.")
    else:
        used = _("Invoice numbers used: {first} to {last} ({count}).").format(
            first=n.first, last=n.last, count=_count(n.used)
        )
    if n.remaining is None:
        left = _("There is no active numbering authorisation.")
    else:
        left = _(
            "{remaining} numbers left in the authorisation {prefix}{low}–{prefix}{high}."
        ).format(remaining=_count(n.remaining), prefix=n.prefix, low=n.range_from, high=n.range_to)
    parts.append(Text(_("Numbering"), style="bold"))
    parts.append(Text(used + " " + left + "\n"))

    if report.shifts:
        shifts = _table(
            _("Shifts"),
            [
                (_("Attendant"), "left", False),
                (_("Booth"), "left", False),
                (_("Opened"), "left", True),
                (_("Closed"), "left", True),
                (_("Float"), "right", True),
                (_("Expected"), "right", True),
                (_("Counted"), "right", True),
                (_("Difference"), "right", True),
            ],
        )
        for shift in report.shifts:
            shifts.add_row(
                shift.attendant,
                shift.booth,
                at(shift.opened_at),
                at(shift.closed_at) if shift.closed_at else _("open"),
                _money(shift.opening_float),
                _money(shift.expected_cash),
                _money(shift.counted_cash),
                _money(shift.difference),
            )
        parts.append(shifts)
    else:
        parts.append(Text(_("No shifts in this period.")))
    spaced: list[RenderableType] = []
    for part in parts:
        spaced.append(part)
        if not isinstance(part, Text):
            spaced.append(Text(""))  # a blank line after each table
    return Group(*spaced)


def _local(instant: datetime, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def render_table_text(report: Report, *, width: int = 120) -> str:
    """The table layout as plain text (for --output FILE)."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False)
    console.print(render_table(report))
    return buffer.getvalue()
