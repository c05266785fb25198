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


def _local(instant: datetime | None, tz: ZoneInfo) -> str:
    if instant is None:
        return "—"
    return instant.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _money(amount: int | None) -> str:
    return "—" if amount is None else format_cop(amount)


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


def render_table(report: Report) -> RenderableType:
    """A Rich layout: totals, breakdowns, invoices, voids, vehicles inside, numbering, shifts."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    tz = report.zone
    t = report.totals
    parts: list[RenderableType] = [
        Text(period_title(report), style="bold"),
        Text(
            _("From {start} to {end} ({zone}); generated {now}.").format(
                start=_local(report.period.start, tz),
                end=_local(report.period.end, tz),
                zone=report.timezone,
                now=_local(report.generated_at, tz),
            )
        ),
    ]

    summary = Table(title=_("Totals"), title_justify="left")
    summary.add_column(_("Invoices"), justify="right")
    summary.add_column(_("Revenue"), justify="right")
    summary.add_column(_("Base"), justify="right")
    summary.add_column(_("IVA"), justify="right")
    summary.add_column(_("Voided"), justify="right")
    summary.add_row(
        f"{t.count:,}".replace(",", "."),
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
        table = Table(title=title, title_justify="left")
        table.add_column("")
        for header in (_("Invoices"), _("Revenue"), _("Base"), _("IVA")):
            table.add_column(header, justify="right")
        for key, sub in groups.items():
            table.add_row(
                _(key) if translate else key,
                str(sub.count),
                _money(sub.amount),
                _money(sub.base),
                _money(sub.tax),
            )
        parts.append(table)

    invoices = Table(title=_("Invoices"), title_justify="left")
    for header, justify in (
        (_("Number"), "left"),
        (_("Plate"), "left"),
        (_("Type"), "left"),
        (_("Entered"), "left"),
        (_("Exited"), "left"),
        (_("Minutes"), "right"),
        (_("Amount"), "right"),
        (_("Method"), "left"),
        (_("Attendant"), "left"),
        (_("Booth"), "left"),
    ):
        invoices.add_column(header, justify=justify)  # type: ignore[arg-type]
    for line in report.invoices:
        invoices.add_row(
            line.number + (" " + _("(voided)") if line.voided else ""),
            line.plate,
            _(line.vehicle_type),
            _local(line.entered_at, tz),
            _local(line.exited_at, tz),
            f"{line.minutes:,}".replace(",", "."),
            _money(line.amount),
            _(line.payment_method),
            line.attendant,
            line.booth,
            style="dim strike" if line.voided else None,
        )
    parts.append(invoices if report.invoices else Text(_("No invoices in this period.")))

    if report.voided:
        voided = Table(title=_("Voided invoices (not counted)"), title_justify="left")
        for header in (_("Number"), _("Plate"), _("Amount"), _("Voided at"), _("By"), _("Reason")):
            voided.add_column(header, justify="right" if header == _("Amount") else "left")
        for line in report.voided:
            voided.add_row(
                line.number,
                line.plate,
                _money(line.amount),
                _local(line.voided_at, tz),
                line.voided_by or "?",
                line.void_reason,
            )
        parts.append(voided)

    inside = Table(
        title=_("Vehicles inside at {at} (fee so far)").format(at=_local(report.priced_at, tz)),
        title_justify="left",
    )
    for header, justify in (
        (_("Plate"), "left"),
        (_("Type"), "left"),
        (_("Since"), "left"),
        (_("Booth"), "left"),
        (_("Fee so far"), "right"),
    ):
        inside.add_column(header, justify=justify)  # type: ignore[arg-type]
    for s in report.open_stays:
        inside.add_row(
            s.plate, _(s.vehicle_type), _local(s.since, tz), s.entry_booth, _money(s.fee_so_far)
        )
    parts.append(inside if report.open_stays else Text(_("No vehicles inside at the end.")))

    peak = Table(title=_("Peak occupancy"), title_justify="left")
    for header, justify in (
        (_("Type"), "left"),
        (_("Peak"), "right"),
        (_("Capacity"), "right"),
        (_("At"), "left"),
    ):
        peak.add_column(header, justify=justify)  # type: ignore[arg-type]
    for o in report.occupancy:
        peak.add_row(_(o.vehicle_type), str(o.peak), str(o.capacity), _local(o.at, tz))
    parts.append(peak)

    n = report.numbering
    if n.first is None:
        used = _("No invoice numbers used in this period.")
    else:
        used = _("Invoice numbers used: {first} to {last} ({count}).").format(
            first=n.first, last=n.last, count=n.used
        )
    if n.remaining is None:
        left = _("There is no active numbering authorisation.")
    else:
        left = _(
            "{remaining} numbers left in the authorisation {prefix}{low}–{prefix}{high}."
        ).format(
            remaining=f"{n.remaining:,}".replace(",", "."),
            prefix=n.prefix,
            low=n.range_from,
            high=n.range_to,
        )
    parts.append(Text(used + " " + left))

    if report.shifts:
        shifts = Table(title=_("Shifts"), title_justify="left")
        for header, justify in (
            (_("Attendant"), "left"),
            (_("Booth"), "left"),
            (_("Opened"), "left"),
            (_("Closed"), "left"),
            (_("Float"), "right"),
            (_("Expected"), "right"),
            (_("Counted"), "right"),
            (_("Difference"), "right"),
        ):
            shifts.add_column(header, justify=justify)  # type: ignore[arg-type]
        for shift in report.shifts:
            shifts.add_row(
                shift.attendant,
                shift.booth,
                _local(shift.opened_at, tz),
                _local(shift.closed_at, tz) if shift.closed_at else _("open"),
                _money(shift.opening_float),
                _money(shift.expected_cash),
                _money(shift.counted_cash),
                _money(shift.difference),
            )
        parts.append(shifts)
    else:
        parts.append(Text(_("No shifts in this period.")))
    return Group(*parts)


def render_table_text(report: Report, *, width: int = 120) -> str:
    """The table layout as plain text (for --output FILE)."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False)
    console.print(render_table(report))
    return buffer.getvalue()
