"""Lot settings, vehicle types and numbering authorisation: `booth setup`'s core."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Table
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from booth.core import audit, rows
from booth.core.audit import Actor
from booth.core.clock import Clock
from booth.core.errors import BoothError, Refused
from booth.core.i18n import _
from booth.core.models import (
    VEHICLE_TYPES,
    InvoiceAuthorization,
    LotSettings,
    TariffVersion,
    VehicleType,
)

DEFAULT_TIMEZONE = "America/Bogota"
DEFAULT_CAPACITY = {"car": 50, "motorcycle": 0, "bicycle": 0}
DEFAULT_CAR_TARIFF = {
    "unit_minutes": 1,
    "unit_price": 37,
    "grace_minutes": 0,
    "daily_max": 0,
    "round_to": 1,
}
DEFAULT_INVOICE_PREFIX = "FV"
DEFAULT_INVOICE_RANGE = (1, 100_000)
RECEIPT_WIDTHS = (32, 42, 48)
NIT_WEIGHTS = (3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71)
MAX_TEXT = 120
_SETTINGS: Table = LotSettings.__table__  # type: ignore[attr-defined]
_SETTINGS_ROW = core_select(_SETTINGS).where(_SETTINGS.c.id == 1)


@dataclass
class SetupOptions:
    """What `booth setup` (or the first-run screen) was told; None = keep as is."""

    lot_name: str | None = None
    nit: str | None = None
    address: str | None = None
    timezone: str | None = None
    capacities: dict[str, int] = field(default_factory=dict)
    invoice_prefix: str | None = None
    invoice_from: int | None = None
    invoice_to: int | None = None
    resolution: str | None = None
    resolution_date: str | None = None
    receipt_width: int | None = None
    printer_command: str | None = None
    idle_lock_minutes: int | None = None
    max_failed_logins: int | None = None
    lockout_minutes: int | None = None


def nit_check_digit(number: str) -> int:
    """DIAN's verification digit for a NIT body (digits only)."""
    total = sum(int(d) * w for d, w in zip(reversed(number), NIT_WEIGHTS, strict=False))
    rest = total % 11
    return rest if rest in (0, 1) else 11 - rest


def validate_nit(text: str) -> str:
    """A NIT as `900123456-7`; dots and spaces dropped, the check digit verified."""
    cleaned = text.strip().replace(".", "").replace(" ", "")
    if not cleaned:
        return ""
    m = re.fullmatch(r"(\d{5,15})(?:-(\d))?", cleaned)
    if not m:
        raise Refused(
            _(
                "A NIT has only digits, dots and one dash before the check digit (like 900.123.456-7)."
            )
        )
    body, dv = m.group(1), m.group(2)
    if len(body) > len(NIT_WEIGHTS):
        raise Refused(_("A NIT has at most 15 digits before the check digit."))
    expected = nit_check_digit(body)
    if dv is None:
        return f"{body}-{expected}"
    if int(dv) != expected:
        raise Refused(
            _("The NIT check digit does not match: {body} needs -{dv}.").format(
                body=body, dv=expected
            )
        )
    return f"{body}-{dv}"


def validate_timezone(name: str) -> str:
    """An IANA zone name that this machine knows."""
    name = name.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise Refused(
            _("Unknown time zone '{name}'; use an IANA name like America/Bogota.").format(name=name)
        ) from exc
    return name


def parse_capacity(text: str) -> tuple[str, int]:
    """`car=50` -> ("car", 50)."""
    m = re.fullmatch(r"\s*([a-z]+)\s*=\s*(\d{1,6})\s*", text)
    if not m:
        raise Refused(
            _("Capacity must look like TYPE=N, for example car=50 (got '{text}').").format(
                text=text
            )
        )
    vtype, n = m.group(1), int(m.group(2))
    if vtype not in VEHICLE_TYPES:
        raise Refused(
            _("Unknown vehicle type '{vtype}'; use car, motorcycle or bicycle.").format(vtype=vtype)
        )
    return vtype, n


def _clean_text(value: str, what: str) -> str:
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise Refused(_("The {what} has at most {n} characters.").format(what=what, n=MAX_TEXT))
    if any(ord(ch) < 32 for ch in value):
        raise Refused(_("The {what} cannot contain control characters.").format(what=what))
    return value


def validate_prefix(prefix: str) -> str:
    """An invoice prefix: up to 4 upper-case letters or digits (DIAN allows 4)."""
    prefix = prefix.strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{0,4}", prefix):
        raise Refused(_("An invoice prefix has at most 4 letters or digits."))
    return prefix


def not_set_up() -> BoothError:
    """The error for a database whose lot was never set up."""
    return BoothError(_("This lot is not set up yet. Run `booth setup` first."))


def get_settings(session: Session) -> LotSettings:
    """The lot's settings, or a clear refusal when the lot was never set up.

    What `session.get(LotSettings, 1)` gives, for less: the session's instance when
    it holds one, else one Core SELECT whose row becomes the session's instance.
    """
    settings = rows.held(session, LotSettings, 1)
    if settings is not None:
        return settings
    row = session.connection().execute(_SETTINGS_ROW).first()
    if row is None:
        raise not_set_up()
    return rows.adopt(session, LotSettings, row._mapping)


def zone(settings: LotSettings) -> ZoneInfo:
    """The lot's time zone."""
    return ZoneInfo(settings.timezone)


def active_authorization(session: Session) -> InvoiceAuthorization | None:
    """The numbering authorisation in use."""
    return session.exec(
        select(InvoiceAuthorization)
        .where(col(InvoiceAuthorization.active).is_(True))
        .order_by(col(InvoiceAuthorization.id).desc())
    ).first()


def configure(session: Session, *, clock: Clock, actor: Actor, options: SetupOptions) -> list[str]:
    """Create or update the lot (inside a write transaction); returns what changed."""
    now = clock.now()
    changes: list[str] = []
    settings = session.get(LotSettings, 1)
    if settings is None:
        if not options.lot_name or not options.lot_name.strip():
            raise Refused(_("Give the lot a name (--lot-name)."))
        settings = LotSettings(name="", created_at=now, updated_at=now, timezone=DEFAULT_TIMEZONE)
        changes.append("lot created")
    updates: dict[str, object] = {}
    if options.lot_name is not None:
        name = _clean_text(options.lot_name, _("lot name"))
        if not name:
            raise Refused(_("The lot name cannot be empty."))
        updates["name"] = name
    if options.nit is not None:
        updates["nit"] = validate_nit(options.nit)
    if options.address is not None:
        updates["address"] = _clean_text(options.address, _("address"))
    if options.timezone is not None:
        updates["timezone"] = validate_timezone(options.timezone)
    if options.receipt_width is not None:
        if options.receipt_width not in RECEIPT_WIDTHS:
            raise Refused(_("Receipt width must be 32, 42 or 48 columns."))
        updates["receipt_width"] = options.receipt_width
    if options.printer_command is not None:
        updates["printer_command"] = options.printer_command.strip()
    for attr, low, high in (
        ("idle_lock_minutes", 1, 240),
        ("max_failed_logins", 1, 100),
        ("lockout_minutes", 1, 24 * 60),
    ):
        value = getattr(options, attr)
        if value is not None:
            if not low <= value <= high:
                raise Refused(
                    _("{attr} must be between {low} and {high}.").format(
                        attr=attr.replace("_", "-"), low=low, high=high
                    )
                )
            updates[attr] = value
    for key, value in updates.items():
        if getattr(settings, key) != value:
            setattr(settings, key, value)
            changes.append(f"{key} = {value}")
    settings.updated_at = now
    session.add(settings)
    session.flush()

    _configure_vehicle_types(session, options.capacities, changes)
    _ensure_default_tariff(session, now, changes)
    _configure_numbering(session, clock, options, changes)
    if changes:
        audit.record(
            session,
            clock=clock,
            actor=actor,
            action="lot.setup",
            subject=settings.name,
            details={"changes": changes},
        )
    return changes


def _configure_vehicle_types(
    session: Session, capacities: dict[str, int], changes: list[str]
) -> None:
    for code in VEHICLE_TYPES:
        vt = session.get(VehicleType, code)
        wanted = capacities.get(code)
        if vt is None:
            vt = VehicleType(
                code=code, capacity=wanted if wanted is not None else DEFAULT_CAPACITY[code]
            )
            session.add(vt)
            changes.append(f"capacity {code} = {vt.capacity}")
        elif wanted is not None and vt.capacity != wanted:
            vt.capacity = wanted
            session.add(vt)
            changes.append(f"capacity {code} = {wanted}")
    session.flush()


def _ensure_default_tariff(session: Session, now: datetime, changes: list[str]) -> None:
    has_any = session.exec(select(TariffVersion.id).limit(1)).first()
    if has_any is None:
        session.add(
            TariffVersion(
                vehicle_type="car", effective_from=now, created_at=now, **DEFAULT_CAR_TARIFF
            )
        )
        changes.append("car tariff 37 COP per minute")
        session.flush()


def _configure_numbering(
    session: Session, clock: Clock, options: SetupOptions, changes: list[str]
) -> None:
    current = active_authorization(session)
    prefix = validate_prefix(options.invoice_prefix) if options.invoice_prefix is not None else None
    resolution = (
        _clean_text(options.resolution, _("resolution")) if options.resolution is not None else None
    )
    res_date = options.resolution_date
    if res_date is not None:
        try:
            res_date = date.fromisoformat(res_date.strip()).isoformat()
        except ValueError as exc:
            raise Refused(_("The resolution date must look like YYYY-MM-DD.")) from exc
    if current is None:
        low, high = DEFAULT_INVOICE_RANGE
        low = options.invoice_from if options.invoice_from is not None else low
        high = options.invoice_to if options.invoice_to is not None else max(high, low)
        _check_range(low, high)
        auth = InvoiceAuthorization(
            prefix=prefix if prefix is not None else DEFAULT_INVOICE_PREFIX,
            range_from=low,
            range_to=high,
            next_number=low,
            resolution=resolution or "",
            resolution_date=res_date or (clock.now().date().isoformat() if resolution else ""),
            created_at=clock.now(),
        )
        session.add(auth)
        changes.append(f"invoice numbering {auth.prefix}{low}..{auth.prefix}{high}")
        session.flush()
        return
    new_range = options.invoice_from is not None or options.invoice_to is not None
    new_prefix = prefix is not None and prefix != current.prefix
    if new_range or new_prefix:
        low = options.invoice_from if options.invoice_from is not None else current.range_from
        high = options.invoice_to if options.invoice_to is not None else current.range_to
        _check_range(low, high)
        same = (low, high, prefix if prefix is not None else current.prefix) == (
            current.range_from,
            current.range_to,
            current.prefix,
        )
        if not same:
            use_prefix = prefix if prefix is not None else current.prefix
            if (
                use_prefix == current.prefix
                and low < current.next_number
                and high >= current.range_from
                and low <= current.range_to
            ):
                raise Refused(
                    _(
                        "The new range overlaps numbers already issued with prefix "
                        "'{prefix}'; start it at {n} or later."
                    ).format(prefix=use_prefix, n=current.next_number)
                )
            current.active = False
            session.add(current)
            session.flush()
            auth = InvoiceAuthorization(
                prefix=use_prefix,
                range_from=low,
                range_to=high,
                next_number=low,
                resolution=resolution if resolution is not None else current.resolution,
                resolution_date=res_date
                or (clock.now().date().isoformat() if resolution else current.resolution_date),
                created_at=clock.now(),
            )
            session.add(auth)
            session.flush()
            changes.append(f"invoice numbering {use_prefix}{low}..{use_prefix}{high}")
            return
    if resolution is not None and resolution != current.resolution:
        current.resolution = resolution
        changes.append(f"resolution {resolution}")
    if res_date is not None and res_date != current.resolution_date:
        current.resolution_date = res_date
        changes.append(f"resolution date {res_date}")
    session.add(current)
    session.flush()


def _check_range(low: int, high: int) -> None:
    if low < 1:
        raise Refused(_("Invoice numbers start at 1 or more."))
    if low > high:
        raise Refused(
            _(
                "The invoice range is empty: --invoice-from {low} is greater than --invoice-to {high}."
            ).format(low=low, high=high)
        )
    if high >= 10**12:
        raise Refused(_("Invoice numbers have at most 12 digits."))
