"""Whole-peso money: integers only, rounding half-up, IVA split, formatting."""

from __future__ import annotations

DEFAULT_IVA_BP = 1900  # 19.00 % in basis points


def div_round_half_up(numerator: int, denominator: int) -> int:
    """`numerator / denominator` rounded half-up, for non-negative integers."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    if numerator < 0:
        raise ValueError("numerator must not be negative")
    return (2 * numerator + denominator) // (2 * denominator)


def round_to_multiple(amount: int, step: int) -> int:
    """Round `amount` half-up to a multiple of `step` (step >= 1)."""
    if step < 1:
        raise ValueError("step must be at least 1")
    return div_round_half_up(amount, step) * step


def split_iva(total: int, rate_bp: int = DEFAULT_IVA_BP) -> tuple[int, int]:
    """Split an IVA-inclusive `total` into (base, tax); base + tax == total."""
    base = div_round_half_up(total * 10_000, 10_000 + rate_bp)
    return base, total - base


def format_cop(amount: int) -> str:
    """`$ 12.345`: Colombian pesos with a dot as thousands separator."""
    sign = "-" if amount < 0 else ""
    return f"{sign}$ {abs(amount):,}".replace(",", ".")


def format_rate(rate_bp: int) -> str:
    """19 % from 1900 basis points (decimals only when needed)."""
    whole, frac = divmod(rate_bp, 100)
    return f"{whole} %" if frac == 0 else f"{whole}.{frac:02d} %".replace(".", ",")
