"""Pure fee computation: no I/O, no clock. Check-out, quotes and reports reuse it.

Rules (README "Tariffs" documents them word for word):
1. minutes = floor(elapsed seconds / 60); exit before entry is an error.
2. minutes <= grace -> 0.
3. Else cut into 24 h periods from entry; each costs ceil(minutes/unit) * price,
   capped at daily_max when > 0; the fee is the sum.
4. The fee is rounded half-up to a multiple of round_to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from booth.core.money import round_to_multiple

DAY_MINUTES = 24 * 60


class TariffError(ValueError):
    """Bad tariff parameters or an impossible stay."""


@dataclass(frozen=True)
class TariffRule:
    """The priced part of a tariff version."""

    unit_minutes: int
    unit_price: int
    grace_minutes: int = 0
    daily_max: int = 0
    round_to: int = 1

    def __post_init__(self) -> None:
        for name in ("unit_minutes", "unit_price", "grace_minutes", "daily_max", "round_to"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TariffError(f"{name} must be a whole number")
        if self.unit_minutes < 1:
            raise TariffError("unit_minutes must be at least 1")
        if self.unit_price < 0:
            raise TariffError("unit_price must not be negative")
        if self.grace_minutes < 0:
            raise TariffError("grace_minutes must not be negative")
        if self.daily_max < 0:
            raise TariffError("daily_max must not be negative")
        if self.round_to < 1:
            raise TariffError("round_to must be at least 1")


@dataclass(frozen=True)
class Period:
    """One 24-hour slice of a stay (the last may be shorter)."""

    index: int
    start: datetime
    end: datetime
    minutes: int
    blocks: int
    uncapped: int
    amount: int

    @property
    def capped(self) -> bool:
        return self.amount < self.uncapped


@dataclass(frozen=True)
class Fee:
    """The fee of a stay and how it was reached."""

    minutes: int
    within_grace: bool
    periods: tuple[Period, ...]
    subtotal: int
    amount: int


def billable_minutes(entry: datetime, exit: datetime) -> int:
    """Whole minutes between two aware instants; seconds are never billed."""
    if entry.tzinfo is None or exit.tzinfo is None:
        raise TariffError("entry and exit must be timezone-aware")
    elapsed = exit - entry
    if elapsed < timedelta(0):
        raise TariffError("exit is before entry")
    # Integer floor division of timedeltas: exact to the microsecond, no float.
    return elapsed // timedelta(minutes=1)


def compute_fee(rule: TariffRule, entry: datetime, exit: datetime) -> Fee:
    """The fee for a stay from `entry` to `exit` under `rule`."""
    minutes = billable_minutes(entry, exit)
    if minutes <= rule.grace_minutes:
        return Fee(minutes=minutes, within_grace=True, periods=(), subtotal=0, amount=0)
    periods: list[Period] = []
    remaining = minutes
    index = 0
    while remaining > 0:
        period_minutes = min(remaining, DAY_MINUTES)
        blocks = -(-period_minutes // rule.unit_minutes)
        uncapped = blocks * rule.unit_price
        amount = min(uncapped, rule.daily_max) if rule.daily_max > 0 else uncapped
        start = entry + timedelta(minutes=index * DAY_MINUTES)
        periods.append(
            Period(
                index=index + 1,
                start=start,
                end=start + timedelta(minutes=period_minutes),
                minutes=period_minutes,
                blocks=blocks,
                uncapped=uncapped,
                amount=amount,
            )
        )
        remaining -= period_minutes
        index += 1
    subtotal = sum(p.amount for p in periods)
    return Fee(
        minutes=minutes,
        within_grace=False,
        periods=tuple(periods),
        subtotal=subtotal,
        amount=round_to_multiple(subtotal, rule.round_to),
    )
