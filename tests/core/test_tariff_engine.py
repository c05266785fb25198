from datetime import UTC, datetime, timedelta

import pytest

from booth.core.tariff import TariffError, TariffRule, compute_fee

E = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)


def fee(rule: TariffRule, **delta: float) -> int:
    return compute_fee(rule, E, E + timedelta(**delta)).amount


def test_issue_examples() -> None:
    assert fee(TariffRule(1, 37), minutes=61, seconds=30) == 2257
    hourly = TariffRule(60, 3000, daily_max=20000)
    assert fee(hourly, minutes=61) == 6000
    assert fee(hourly, hours=26) == 26000
    moto = TariffRule(15, 500, grace_minutes=10)
    assert [fee(moto, minutes=m) for m in (10, 11, 16)] == [0, 500, 1000]


def test_exit_before_entry_is_an_error() -> None:
    with pytest.raises(TariffError):
        compute_fee(TariffRule(1, 37), E, E - timedelta(seconds=1))
