"""SQLModel tables: the whole schema in one place.

Money columns are whole pesos (INTEGER). Timestamps are UTC (`UTCDateTime`).
Nothing is deleted: invoices are voided, users disabled, tariffs superseded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from booth.core.types import UTCDateTime

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("attendant", "operator")
VEHICLE_TYPES = ("car", "motorcycle", "bicycle")
PAYMENT_METHODS = ("cash", "card", "transfer")
CASH_MOVEMENT_KINDS = ("drop", "payout", "cash_in")


def utc_column(*, nullable: bool = False, index: bool = False) -> Any:
    """A UTC timestamp column."""
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class LotSettings(SQLModel, table=True):
    """The lot itself: one row (id 1)."""

    __tablename__ = "lot_settings"

    id: int = Field(default=1, primary_key=True)
    name: str
    nit: str = ""
    address: str = ""
    timezone: str = "America/Bogota"
    iva_rate_bp: int = 1900
    max_failed_logins: int = 5
    lockout_minutes: int = 15
    idle_lock_minutes: int = 5
    receipt_width: int = 42
    printer_command: str = ""
    receipt_dir: str = ""
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()


class User(SQLModel, table=True):
    """An attendant or operator. Usernames are stored lower-case."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_column=Column(String, nullable=False, unique=True))
    name: str = ""
    role: str
    password_hash: str
    active: bool = True
    failed_attempts: int = 0
    locked_until: datetime | None = utc_column(nullable=True)
    must_change_password: bool = False
    created_at: datetime = utc_column()


class VehicleType(SQLModel, table=True):
    """A kind of vehicle the lot may accept, with its number of spaces."""

    __tablename__ = "vehicle_types"

    code: str = Field(primary_key=True)
    capacity: int = 0


class TariffVersion(SQLModel, table=True):
    """One version of the price for a vehicle type, in force from `effective_from`."""

    __tablename__ = "tariff_versions"
    __table_args__ = (Index("ix_tariff_versions_type_effective", "vehicle_type", "effective_from"),)

    id: int | None = Field(default=None, primary_key=True)
    vehicle_type: str = Field(foreign_key="vehicle_types.code")
    unit_minutes: int
    unit_price: int
    grace_minutes: int = 0
    daily_max: int = 0
    round_to: int = 1
    effective_from: datetime = utc_column()
    created_at: datetime = utc_column()
    created_by: int | None = Field(default=None, foreign_key="users.id")


class InvoiceAuthorization(SQLModel, table=True):
    """A DIAN numbering authorisation: prefix and range of consecutive numbers."""

    __tablename__ = "invoice_authorizations"

    id: int | None = Field(default=None, primary_key=True)
    prefix: str = ""
    range_from: int
    range_to: int
    resolution: str = ""
    resolution_date: str = ""
    next_number: int
    active: bool = True
    created_at: datetime = utc_column()


class Shift(SQLModel, table=True):
    """An attendant's turn at one booth's cash drawer."""

    __tablename__ = "shifts"
    __table_args__ = (
        Index(
            "uq_shifts_open_per_booth",
            "booth",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    booth: str
    user_id: int = Field(foreign_key="users.id", index=True)
    opened_at: datetime = utc_column(index=True)
    opening_float: int = 0
    closed_at: datetime | None = utc_column(nullable=True)
    closed_by: int | None = Field(default=None, foreign_key="users.id")
    expected_cash: int | None = None
    counted_cash: int | None = None
    close_reason: str = ""


class Stay(SQLModel, table=True):
    """A vehicle inside the lot, from check-in to check-out."""

    __tablename__ = "stays"
    __table_args__ = (
        Index(
            "uq_stays_open_plate",
            "plate",
            unique=True,
            sqlite_where=text("exited_at IS NULL"),
            postgresql_where=text("exited_at IS NULL"),
        ),
        Index("ix_stays_plate_entered", "plate", "entered_at"),
        Index("ix_stays_open_type", "vehicle_type", "exited_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    plate: str
    vehicle_type: str = Field(foreign_key="vehicle_types.code")
    ticket_code: str = Field(sa_column=Column(String, nullable=False, unique=True))
    entered_at: datetime = utc_column(index=True)
    exited_at: datetime | None = utc_column(nullable=True, index=True)
    tariff_version_id: int = Field(foreign_key="tariff_versions.id")
    entry_booth: str
    entry_user_id: int = Field(foreign_key="users.id")
    exit_booth: str | None = None
    exit_user_id: int | None = Field(default=None, foreign_key="users.id")


class Invoice(SQLModel, table=True):
    """The fiscal document of one paid stay, with its payment."""

    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("prefix", "number", name="uq_invoices_prefix_number"),)

    id: int | None = Field(default=None, primary_key=True)
    stay_id: int = Field(
        sa_column=Column(Integer, ForeignKey("stays.id"), nullable=False, unique=True)
    )
    authorization_id: int = Field(foreign_key="invoice_authorizations.id")
    prefix: str = ""
    number: int
    issued_at: datetime = utc_column(index=True)
    minutes: int
    amount: int
    base: int
    tax: int
    iva_rate_bp: int
    payment_method: str
    tendered: int
    change: int
    buyer_id: str = "222222222222"
    buyer_name: str = "Consumidor final"
    booth: str
    user_id: int = Field(foreign_key="users.id")
    shift_id: int | None = Field(default=None, foreign_key="shifts.id", index=True)
    voided_at: datetime | None = utc_column(nullable=True)
    voided_by: int | None = Field(default=None, foreign_key="users.id")
    void_reason: str = ""
    print_count: int = 0

    @property
    def full_number(self) -> str:
        """Prefix plus consecutive, as printed."""
        return f"{self.prefix}{self.number}"


class CashMovement(SQLModel, table=True):
    """Cash put into or taken out of a drawer during a shift."""

    __tablename__ = "cash_movements"

    id: int | None = Field(default=None, primary_key=True)
    shift_id: int = Field(foreign_key="shifts.id", index=True)
    kind: str
    amount: int
    reason: str = ""
    created_at: datetime = utc_column()
    user_id: int = Field(foreign_key="users.id")


class AuditEvent(SQLModel, table=True):
    """Append-only log; each row's hash chains to the previous row's."""

    __tablename__ = "audit_events"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = utc_column(index=True)
    booth: str = ""
    username: str = ""
    action: str = Field(index=True)
    subject: str = ""
    details: str = "{}"
    prev_hash: str
    hash: str
