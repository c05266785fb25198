"""Tariff versions in the database: which one is in force, adding new ones."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from booth.core.models import TariffVersion
from booth.core.tariff import TariffRule


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
