"""Tariff versions in the database: which one is in force, adding new ones, quotes.

Versions are never edited or deleted. A new version starts now or later; a
version scheduled for the very instant of an earlier, still-future version of
the same type takes its place (the earlier row stays, unused); one that already
took effect at that instant cannot be replaced.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from booth.core import audit, lot
from booth.core.audit import Actor
from booth.core.clock import Clock
from booth.core.errors import Refused
from booth.core.i18n import _
from booth.core.localtime import format_label
from booth.core.models import VEHICLE_TYPES, TariffVersion, VehicleType
from booth.core.money import split_iva
from booth.core.tariff import Fee, TariffRule, compute_fee

# Bounds on what an operator may type: they catch typing mistakes (an extra zero)
# and keep every amount far inside SQLite's 64-bit integers.
LIMITS: dict[str, tuple[int, int]] = {
    "unit_minutes": (1, 24 * 60),
    "unit_price": (0, 10_000_000),
    "grace_minutes": (0, 24 * 60),
    "daily_max": (0, 100_000_000),
    "round_to": (1, 100_000),
}
DEFAULTS_FOR_NEW_TYPE = {"grace_minutes": 0, "daily_max": 0, "round_to": 1}
MAX_QUOTE = timedelta(days=366)


@dataclass(frozen=True)
class TariffChange:
    """The values given for a new version; None = carry over from the previous one."""

    unit_minutes: int | None = None
    unit_price: int | None = None
    grace_minutes: int | None = None
    daily_max: int | None = None
    round_to: int | None = None

    def given(self) -> dict[str, int]:
        """Only the values that were given."""
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }


@dataclass(frozen=True)
class AddedVersion:
    """A version just written, what it carried over from and what it replaced."""

    version: TariffVersion
    carried_from: TariffVersion | None
    replaced: TariffVersion | None


@dataclass(frozen=True)
class Overview:
    """Per vehicle type: the version in force at `as_of` and those scheduled after it."""

    as_of: datetime
    current: dict[str, TariffVersion | None]
    scheduled: dict[str, list[TariffVersion]]


@dataclass(frozen=True)
class StayQuote:
    """What a (hypothetical) stay costs, with the version used and the IVA split."""

    vehicle_type: str
    entry: datetime
    exit: datetime
    tariff: TariffVersion
    fee: Fee
    base: int
    tax: int
    iva_rate_bp: int

    @property
    def amount(self) -> int:
        return self.fee.amount


def in_effect(session: Session, vehicle_type: str, at: datetime) -> TariffVersion | None:
    """The version for `vehicle_type` in force at instant `at` (latest effective_from <= at)."""
    return session.exec(
        select(TariffVersion)
        .where(TariffVersion.vehicle_type == vehicle_type, col(TariffVersion.effective_from) <= at)
        .order_by(col(TariffVersion.effective_from).desc(), col(TariffVersion.id).desc())
        .limit(1)
    ).first()


def rule_of(version: TariffVersion) -> TariffRule:
    """The pure pricing rule of a stored version."""
    return TariffRule(
        unit_minutes=version.unit_minutes,
        unit_price=version.unit_price,
        grace_minutes=version.grace_minutes,
        daily_max=version.daily_max,
        round_to=version.round_to,
    )


def vehicle_type_of(session: Session, text: str) -> str:
    """A vehicle type code the lot knows (car, motorcycle, bicycle), or Refused."""
    code = text.strip().lower()
    if code not in VEHICLE_TYPES or session.get(VehicleType, code) is None:
        raise Refused(
            _("Unknown vehicle type '{vtype}'; use car, motorcycle or bicycle.").format(
                vtype=text.strip()[:20]
            )
        )
    return code


def _known_types(session: Session) -> list[str]:
    present = set(session.exec(select(VehicleType.code)).all())
    return [code for code in VEHICLE_TYPES if code in present]


def scheduled(session: Session, vehicle_type: str, after: datetime) -> list[TariffVersion]:
    """Versions of `vehicle_type` that start after `after`, in order; replaced ones left out."""
    rows = session.exec(
        select(TariffVersion)
        .where(
            TariffVersion.vehicle_type == vehicle_type, col(TariffVersion.effective_from) > after
        )
        .order_by(col(TariffVersion.effective_from), col(TariffVersion.id))
    ).all()
    by_instant: dict[datetime, TariffVersion] = {}
    for row in rows:
        by_instant[row.effective_from] = row  # the newest row for an instant wins
    return list(by_instant.values())


def overview(session: Session, at: datetime) -> Overview:
    """The version in force at `at` and the scheduled ones, for every vehicle type."""
    types = _known_types(session)
    return Overview(
        as_of=at,
        current={code: in_effect(session, code, at) for code in types},
        scheduled={code: scheduled(session, code, at) for code in types},
    )


def check_values(values: dict[str, int]) -> None:
    """Refuse a value outside its bounds, naming it as the command line does."""
    for name, value in values.items():
        low, high = LIMITS[name]
        label = name.replace("_", "-")
        if value < low:
            if low == 0:
                message = _("{name} cannot be negative (got {value}).")
            else:
                message = _("{name} must be at least {low} (got {value}).")
            raise Refused(message.format(name=label, low=low, value=value))
        if value > high:
            raise Refused(
                _("{name} can be at most {high} (got {value}); check what was typed.").format(
                    name=label, high=high, value=value
                )
            )


def add_version(
    session: Session,
    *,
    clock: Clock,
    actor: Actor,
    vehicle_type: str,
    change: TariffChange,
    effective_from: datetime | None = None,
    created_by: int | None = None,
) -> AddedVersion:
    """Write a new version (inside a write transaction) and audit it as `tariff.set`.

    Omitted values carry over from the version that would otherwise be in force
    at `effective_from` (the current one unless another is scheduled before it).
    """
    settings = lot.get_settings(session)
    zone = lot.zone(settings)
    vtype = vehicle_type_of(session, vehicle_type)
    given = change.given()
    if not given:
        raise Refused(
            _(
                "Give at least one value to change: --unit-minutes, --unit-price, "
                "--grace-minutes, --daily-max or --round-to."
            )
        )
    check_values(given)
    now = clock.now()
    start = now if effective_from is None else effective_from
    if start < now:
        raise Refused(
            _(
                "The effective time {at} is in the past; a new tariff starts now or later "
                "(history is not rewritten)."
            ).format(at=format_label(start, zone))
        )
    previous = in_effect(session, vtype, start)
    replaced: TariffVersion | None = None
    if previous is not None and previous.effective_from == start:
        if previous.effective_from <= now:
            raise Refused(
                _(
                    "A {vtype} tariff already took effect at exactly {at}; "
                    "choose a later effective time."
                ).format(vtype=_(vtype), at=format_label(start, zone))
            )
        replaced = previous
    if previous is None:
        missing = [name for name in ("unit_minutes", "unit_price") if name not in given]
        if missing:
            raise Refused(
                _(
                    "There is no {vtype} tariff to carry values over from: "
                    "give --unit-minutes and --unit-price (grace, daily max and rounding "
                    "default to 0, 0 and 1)."
                ).format(vtype=_(vtype))
            )
        values = {**DEFAULTS_FOR_NEW_TYPE, **given}
    else:
        values = {name: getattr(previous, name) for name in LIMITS} | given
    version = TariffVersion(
        vehicle_type=vtype,
        effective_from=start,
        created_at=now,
        created_by=created_by,
        **values,
    )
    session.add(version)
    session.flush()
    audit.record(
        session,
        clock=clock,
        actor=actor,
        action="tariff.set",
        subject=vtype,
        details={
            "version": version.id,
            "vehicle_type": vtype,
            **values,
            "effective_from": start.isoformat(),
            "given": sorted(given),
            "carried_from": previous.id if previous is not None else None,
            "replaces": replaced.id if replaced is not None else None,
        },
    )
    return AddedVersion(version=version, carried_from=previous, replaced=replaced)


def quote(session: Session, *, vehicle_type: str, entry: datetime, exit: datetime) -> StayQuote:
    """What a stay of `vehicle_type` from `entry` to `exit` costs (read-only).

    The version is the one in force at `entry`, as check-in would have frozen it.
    """
    settings = lot.get_settings(session)
    zone = lot.zone(settings)
    vtype = vehicle_type_of(session, vehicle_type)
    if exit < entry:
        raise Refused(
            _("The exit time {exit} is before the entry time {entry}.").format(
                exit=format_label(exit, zone), entry=format_label(entry, zone)
            )
        )
    if exit - entry > MAX_QUOTE:
        raise Refused(
            _("A quote covers at most {days} days; check the dates.").format(days=MAX_QUOTE.days)
        )
    version = in_effect(session, vtype, entry)
    if version is None:
        first = session.exec(
            select(TariffVersion)
            .where(TariffVersion.vehicle_type == vtype)
            .order_by(col(TariffVersion.effective_from))
            .limit(1)
        ).first()
        if first is None:
            raise Refused(
                _(
                    "There is no {vtype} tariff; the operator can set one with "
                    "`booth tariff set --type {code}`."
                ).format(vtype=_(vtype), code=vtype)
            )
        raise Refused(
            _("No {vtype} tariff was in effect at {entry}; the first one starts {first}.").format(
                vtype=_(vtype),
                entry=format_label(entry, zone),
                first=format_label(first.effective_from, zone),
            )
        )
    fee = compute_fee(rule_of(version), entry, exit)
    base, tax = split_iva(fee.amount, settings.iva_rate_bp)
    return StayQuote(
        vehicle_type=vtype,
        entry=entry,
        exit=exit,
        tariff=version,
        fee=fee,
        base=base,
        tax=tax,
        iva_rate_bp=settings.iva_rate_bp,
    )
