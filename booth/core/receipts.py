"""The printed receipt of an invoice: its text at 32/42/48 columns, and printing it.

Printing pipes the text to the lot's printer command, or writes a text file
under the receipts folder. Each print takes its place in `Invoice.print_count`
in a small transaction of its own *before* it is sent, so two booths printing
the same invoice at once never both produce an original; a print that fails
gives its place back.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import textwrap
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from booth.core import audit, lot
from booth.core.audit import Actor
from booth.core.clock import Clock
from booth.core.db import run_read, run_write
from booth.core.errors import BoothError, NotFound
from booth.core.i18n import _
from booth.core.lot import RECEIPT_WIDTHS
from booth.core.models import (
    Invoice,
    InvoiceAuthorization,
    LotSettings,
    Stay,
    TariffVersion,
    User,
)
from booth.core.money import format_cop, format_rate

PRINT_TIMEOUT_S = 20
DEFAULT_RECEIPT_DIR = Path("data") / "receipts"


@dataclass(frozen=True)
class ReceiptData:
    """Everything a receipt shows, read in one snapshot."""

    settings: LotSettings
    authorization: InvoiceAuthorization
    invoice: Invoice
    stay: Stay
    tariff: TariffVersion
    attendant: User


@dataclass(frozen=True)
class PrintResult:
    """What one print did."""

    copy: bool
    destination: str  # a file path, or the printer command
    to_file: bool
    text: str


def load(session: Session, invoice_id: int) -> ReceiptData:
    """The receipt data of invoice `invoice_id` (NotFound if there is none)."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFound(_("That invoice does not exist."))
    stay = session.get(Stay, invoice.stay_id)
    auth = session.get(InvoiceAuthorization, invoice.authorization_id)
    attendant = session.get(User, invoice.user_id)
    assert stay is not None and auth is not None and attendant is not None
    tariff = session.get(TariffVersion, stay.tariff_version_id)
    assert tariff is not None
    return ReceiptData(
        settings=lot.get_settings(session),
        authorization=auth,
        invoice=invoice,
        stay=stay,
        tariff=tariff,
        attendant=attendant,
    )


def load_receipt(engine: Engine, invoice_id: int) -> ReceiptData:
    """`load` in its own read transaction."""
    return run_read(engine, lambda s: load(s, invoice_id))


# --- text ------------------------------------------------------------------------------------


def duration_label(minutes: int) -> str:
    """`2 d 3 h 05 min`, `1 h 01 min`, `7 min`."""
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h {mins:02d} min"
    if hours:
        return f"{hours} h {mins:02d} min"
    return f"{mins} min"


def method_label(method: str) -> str:
    """A payment method as shown to people."""
    return {"cash": _("Cash"), "card": _("Card"), "transfer": _("Transfer")}.get(method, method)


def vehicle_label(vehicle_type: str) -> str:
    """A vehicle type as shown to people."""
    return _(vehicle_type).capitalize()


def _local(settings: LotSettings, instant: datetime) -> str:
    return instant.astimezone(lot.zone(settings)).strftime("%Y-%m-%d %H:%M")


def _pair(label: str, value: str, width: int) -> list[str]:
    """`label ..... value` on one line, or label then right-aligned value when too long."""
    if len(label) + 1 + len(value) <= width:
        return [label + " " * (width - len(label) - len(value)) + value]
    lines = textwrap.wrap(label, width) or [""]
    for chunk in textwrap.wrap(value, width) or [""]:
        lines.append(chunk.rjust(width))
    return lines


def _center(text: str, width: int) -> list[str]:
    return [line.center(width).rstrip() for line in textwrap.wrap(text, width) or [""]]


def _left(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [""]


def render(data: ReceiptData, *, width: int | None = None, copy: bool = False) -> str:
    """The receipt as printed: plain text, every line at most `width` columns."""
    settings, auth, inv, stay = data.settings, data.authorization, data.invoice, data.stay
    width = width or settings.receipt_width
    if width not in RECEIPT_WIDTHS:
        width = 42
    rule = "-" * width
    out: list[str] = []
    out += _center(settings.name.upper(), width)
    if settings.nit:
        out += _center(f"NIT {settings.nit}", width)
    if settings.address:
        out += _center(settings.address, width)
    out.append(rule)
    out += _center("Factura de venta", width)
    out += _center(f"No. {inv.full_number}", width)
    if copy:
        out += _center("*** COPIA ***", width)
    if inv.voided_at is not None:
        out += _center("*** ANULADA ***", width)
    out.append(rule)
    out += _pair("Resolución DIAN", auth.resolution or "-", width)
    if auth.resolution_date:
        out += _pair("Fecha resolución", auth.resolution_date, width)
    out += _pair(
        "Rango autorizado",
        f"{auth.prefix}{auth.range_from} a {auth.prefix}{auth.range_to}",
        width,
    )
    out += _pair(_("Issued"), _local(settings, inv.issued_at), width)
    if inv.buyer_name:
        out += _pair(_("Buyer"), inv.buyer_name, width)
    out += _pair("C.C./NIT", inv.buyer_id, width)
    out.append(rule)
    out += _pair(_("Plate"), stay.plate, width)
    out += _pair(_("Type"), vehicle_label(stay.vehicle_type), width)
    out += _pair(_("Entry"), _local(settings, stay.entered_at), width)
    if stay.exited_at is not None:
        out += _pair(_("Exit"), _local(settings, stay.exited_at), width)
    out += _pair(_("Minutes"), f"{inv.minutes} ({duration_label(inv.minutes)})", width)
    out += _pair(
        _("Tariff"),
        _("{price} per {unit} min").format(
            price=format_cop(data.tariff.unit_price), unit=data.tariff.unit_minutes
        ),
        width,
    )
    out.append(rule)
    out += _pair(_("Base"), format_cop(inv.base), width)
    out += _pair(f"IVA {format_rate(inv.iva_rate_bp)}", format_cop(inv.tax), width)
    out += _pair(_("TOTAL"), format_cop(inv.amount), width)
    out.append(rule)
    out += _pair(_("Payment"), method_label(inv.payment_method), width)
    out += _pair(_("Tendered"), format_cop(inv.tendered), width)
    out += _pair(_("Change"), format_cop(inv.change), width)
    out.append(rule)
    who = data.attendant.name or data.attendant.username
    out += _pair(_("Attendant"), who, width)
    out += _pair(_("Booth"), inv.booth, width)
    if inv.voided_at is not None:
        out.append(rule)
        out += _center("ANULADA", width)
        out += _pair(_("Voided"), _local(settings, inv.voided_at), width)
        out += _left(_("Reason: {reason}").format(reason=inv.void_reason or "-"), width)
    if copy:
        out.append(rule)
        out += _center("COPIA", width)
    out.append(rule)
    out += _center(_("Thank you for your visit"), width)
    return "\n".join(line.rstrip() for line in out) + "\n"


def render_invoice(
    engine: Engine, invoice_id: int, *, width: int | None = None, copy: bool = False
) -> str:
    """`render` of a stored invoice."""
    return render(load_receipt(engine, invoice_id), width=width, copy=copy)


# --- printing --------------------------------------------------------------------------------


def receipt_folder(engine: Engine, settings: LotSettings) -> Path:
    """Where receipt files go: the lot's receipt_dir, else `receipts/` beside the database."""
    if settings.receipt_dir:
        return Path(settings.receipt_dir).expanduser()
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).expanduser().parent / "receipts"
    return DEFAULT_RECEIPT_DIR


def _claim(engine: Engine, *, clock: Clock, actor: Actor, invoice_id: int, copy: bool) -> int:
    """Take this print's place in print_count; returns the count before it."""

    def work(session: Session) -> int:
        invoice = session.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFound(_("That invoice does not exist."))
        before = invoice.print_count
        invoice.print_count = before + 1
        session.add(invoice)
        audit.record(
            session,
            clock=clock,
            actor=actor,
            action="invoice.print",
            subject=invoice.full_number,
            details={"copy": copy or before > 0, "print": before + 1},
        )
        return before

    return run_write(engine, work)


def _give_back(
    engine: Engine, *, clock: Clock, actor: Actor, invoice_id: int, claimed: int, reason: str
) -> None:
    """Undo a claim whose print failed (unless another print came after it)."""

    def work(session: Session) -> None:
        result = session.execute(
            update(Invoice)
            .where(col(Invoice.id) == invoice_id, col(Invoice.print_count) == claimed + 1)
            .values(print_count=claimed)
        )
        invoice = session.get(Invoice, invoice_id)
        audit.record(
            session,
            clock=clock,
            actor=actor,
            action="invoice.print_failed",
            subject=invoice.full_number if invoice else str(invoice_id),
            details={"reason": reason, "count_restored": bool(getattr(result, "rowcount", 0))},
        )

    run_write(engine, work)


def write_receipt_file(folder: Path, name: str, text: str) -> Path:
    """Write `text` atomically as `folder/name` (numbered, never overwriting)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        n = 2
        while path.exists():
            path = folder / f"{Path(name).stem}-{n}.txt"
            n += 1
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".receipt-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
        return path
    except OSError as exc:
        raise BoothError(
            _("Cannot write the receipt in {folder}: {reason}.").format(
                folder=folder, reason=exc.strerror or exc
            )
        ) from exc


def pipe_to_printer(command: str, text: str) -> None:
    """Give `text` (UTF-8) on stdin to the lot's printer command; BoothError if it fails."""
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise BoothError(
            _("The printer command in the lot settings cannot be read: {reason}.").format(
                reason=exc
            )
        ) from exc
    if not argv:
        raise BoothError(_("The printer command in the lot settings is empty."))
    try:
        done = subprocess.run(
            argv,
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=PRINT_TIMEOUT_S,
            check=False,
        )
    except FileNotFoundError as exc:
        raise BoothError(
            _("The printer command '{cmd}' was not found; check the lot settings.").format(
                cmd=argv[0]
            )
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise BoothError(
            _("The printer did not answer within {n} seconds; check it and print again.").format(
                n=PRINT_TIMEOUT_S
            )
        ) from exc
    except OSError as exc:
        raise BoothError(
            _("The printer command could not run: {reason}.").format(reason=exc.strerror or exc)
        ) from exc
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BoothError(
            _("The printer command failed (exit {code}){detail}; check the printer.").format(
                code=done.returncode, detail=f": {detail[0][:120]}" if detail else ""
            )
        )


def print_receipt(
    engine: Engine, *, clock: Clock, actor: Actor, invoice_id: int, copy: bool = False
) -> PrintResult:
    """Print the receipt of an invoice; the second and later prints say COPIA.

    `copy` marks this print as a copy even when it is the first one (a reprint
    asked for after the customer left).
    """
    claimed = _claim(engine, clock=clock, actor=actor, invoice_id=invoice_id, copy=copy)
    is_copy = copy or claimed > 0
    try:
        data = load_receipt(engine, invoice_id)
        text = render(data, copy=is_copy)
        command = data.settings.printer_command.strip()
        if command:
            pipe_to_printer(command, text)
            return PrintResult(copy=is_copy, destination=command, to_file=False, text=text)
        # Named by print number, so two booths printing copies at once never clash.
        number = data.invoice.full_number
        name = f"{number}-copia-{claimed + 1}.txt" if is_copy else f"{number}.txt"
        path = write_receipt_file(receipt_folder(engine, data.settings), name, text)
        return PrintResult(copy=is_copy, destination=str(path), to_file=True, text=text)
    except BoothError as exc:
        try:
            _give_back(
                engine,
                clock=clock,
                actor=actor,
                invoice_id=invoice_id,
                claimed=claimed,
                reason=exc.message,
            )
        except (BoothError, SQLAlchemyError):
            pass  # the person needs the print's error, not this one; the count stays high
        raise


# --- the day's invoices ----------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceRow:
    """One line of the invoices list."""

    id: int
    number: str
    issued: str  # HH:MM in the lot's zone
    plate: str
    vehicle_type: str
    minutes: int
    amount: int
    payment_method: str
    booth: str
    print_count: int
    voided: bool

    def matches(self, text: str) -> bool:
        """Whether a search for `text` (number or plate, any case, spaces ignored) finds it."""
        needle = text.strip().upper().replace(" ", "").replace("-", "")
        return not needle or needle in self.number.upper() or needle in self.plate


def invoices_of_day(engine: Engine, *, clock: Clock, search: str = "") -> list[InvoiceRow]:
    """Today's invoices at this lot (today in the lot's zone), newest first."""

    def read(session: Session) -> list[InvoiceRow]:
        settings = lot.get_settings(session)
        tz = lot.zone(settings)
        local_now = clock.now().astimezone(tz)
        start = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
        # Aware arithmetic in one zone is wall-clock: the next local midnight, DST or not.
        end = start + timedelta(days=1)
        rows = session.exec(
            select(Invoice, Stay)
            .join(Stay, col(Stay.id) == col(Invoice.stay_id))
            .where(
                col(Invoice.issued_at) >= start.astimezone(UTC),
                col(Invoice.issued_at) < end.astimezone(UTC),
            )
            .order_by(col(Invoice.issued_at).desc(), col(Invoice.id).desc())
        ).all()
        found = [
            InvoiceRow(
                id=inv.id or 0,
                number=inv.full_number,
                issued=inv.issued_at.astimezone(tz).strftime("%H:%M"),
                plate=stay.plate,
                vehicle_type=stay.vehicle_type,
                minutes=inv.minutes,
                amount=inv.amount,
                payment_method=inv.payment_method,
                booth=inv.booth,
                print_count=inv.print_count,
                voided=inv.voided_at is not None,
            )
            for inv, stay in rows
        ]
        return [row for row in found if row.matches(search)]

    return run_read(engine, read)
