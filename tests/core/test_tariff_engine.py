"""The pure fee engine: every rule of README "Tariffs", its boundaries and its properties."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from booth.core.localtime import parse_instant
from booth.core.money import split_iva
from booth.core.tariff import DAY_MINUTES, TariffError, TariffRule, billable_minutes, compute_fee

E = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")


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
    with pytest.raises(TariffError, match="exit is before entry"):
        compute_fee(TariffRule(1, 37), E, E - timedelta(microseconds=1))


def test_naive_times_are_refused() -> None:
    with pytest.raises(TariffError, match="timezone-aware"):
        billable_minutes(E.replace(tzinfo=None), E)


class TestMinutes:
    def test_seconds_are_never_billed(self) -> None:
        assert billable_minutes(E, E + timedelta(seconds=59, microseconds=999_999)) == 0
        assert billable_minutes(E, E + timedelta(minutes=1)) == 1
        assert billable_minutes(E, E + timedelta(minutes=61, seconds=59)) == 61

    def test_a_stay_under_a_minute_is_free_even_without_grace(self) -> None:
        result = compute_fee(TariffRule(1, 37), E, E + timedelta(seconds=59))
        assert (result.minutes, result.amount, result.within_grace) == (0, 0, True)

    def test_exact_to_the_microsecond_on_long_stays(self) -> None:
        # Float seconds would round this up to a whole minute.
        just_short = timedelta(days=3000) - timedelta(microseconds=1)
        assert billable_minutes(E, E + just_short) == 3000 * DAY_MINUTES - 1

    def test_instants_in_other_zones_are_compared_as_instants(self) -> None:
        bogota = E.astimezone(ZoneInfo("America/Bogota"))
        assert billable_minutes(bogota, E + timedelta(minutes=5)) == 5


class TestGrace:
    moto = TariffRule(15, 500, grace_minutes=10)

    def test_exact_grace_edge(self) -> None:
        assert fee(self.moto, minutes=10, seconds=59) == 0
        assert fee(self.moto, minutes=11) == 500

    def test_after_grace_the_whole_stay_is_billed(self) -> None:
        # 25 minutes: 2 blocks of 15, not (25 - 10) -> 1 block.
        assert fee(self.moto, minutes=25) == 1000
        result = compute_fee(self.moto, E, E + timedelta(minutes=25))
        assert not result.within_grace
        assert [p.minutes for p in result.periods] == [25]

    def test_within_grace_has_no_periods(self) -> None:
        result = compute_fee(self.moto, E, E + timedelta(minutes=10))
        assert result.within_grace and result.periods == () and result.subtotal == 0


class TestBlocks:
    rule = TariffRule(15, 500)

    @pytest.mark.parametrize(
        "minutes,expected", [(1, 500), (14, 500), (15, 500), (16, 1000), (30, 1000), (31, 1500)]
    )
    def test_block_edges(self, minutes: int, expected: int) -> None:
        assert fee(self.rule, minutes=minutes) == expected

    def test_a_started_block_is_a_whole_block(self) -> None:
        hourly = TariffRule(60, 3000)
        assert fee(hourly, minutes=60, seconds=59) == 3000
        assert fee(hourly, minutes=61) == 6000

    def test_free_tariff(self) -> None:
        assert fee(TariffRule(30, 0), hours=50) == 0


class TestPeriods:
    hourly = TariffRule(60, 3000)
    capped = TariffRule(60, 3000, daily_max=20000)

    def test_24_hour_edge_without_cap(self) -> None:
        day = compute_fee(self.hourly, E, E + timedelta(minutes=DAY_MINUTES))
        assert [(p.minutes, p.blocks, p.amount) for p in day.periods] == [(1440, 24, 72000)]
        more = compute_fee(self.hourly, E, E + timedelta(minutes=DAY_MINUTES + 1))
        assert [(p.minutes, p.blocks, p.amount) for p in more.periods] == [
            (1440, 24, 72000),
            (1, 1, 3000),
        ]
        assert more.amount == 75000

    def test_24_hour_edge_with_cap(self) -> None:
        assert fee(self.capped, minutes=DAY_MINUTES) == 20000
        assert fee(self.capped, minutes=DAY_MINUTES + 1) == 23000

    def test_cap_reached_within_the_day(self) -> None:
        assert fee(self.capped, hours=6) == 18000
        assert fee(self.capped, hours=6, minutes=1) == 20000
        result = compute_fee(self.capped, E, E + timedelta(hours=6, minutes=1))
        assert result.periods[0].uncapped == 21000 and result.periods[0].capped

    def test_multi_day_periods_are_counted_from_entry(self) -> None:
        result = compute_fee(self.capped, E, E + timedelta(days=3, minutes=30))
        assert [(p.index, p.minutes, p.amount, p.capped) for p in result.periods] == [
            (1, 1440, 20000, True),
            (2, 1440, 20000, True),
            (3, 1440, 20000, True),
            (4, 30, 3000, False),
        ]
        assert [p.start for p in result.periods] == [E + timedelta(days=d) for d in range(4)]
        assert result.periods[-1].end == E + timedelta(days=3, minutes=30)
        assert result.amount == 63000

    def test_blocks_restart_each_period(self) -> None:
        # 25 h with 7-hour blocks: day 1 = 4 blocks (28 h worth), day 2 = 1 block.
        rule = TariffRule(7 * 60, 1000)
        result = compute_fee(rule, E, E + timedelta(hours=25))
        assert [p.blocks for p in result.periods] == [4, 1]
        assert result.amount == 5000


class TestRounding:
    @pytest.mark.parametrize(
        "price,expected", [(2249, 2200), (2250, 2300), (2251, 2300), (2349, 2300), (2350, 2400)]
    )
    def test_half_up_both_sides(self, price: int, expected: int) -> None:
        assert fee(TariffRule(60, price, round_to=100), minutes=30) == expected

    def test_per_minute_example_rounded(self) -> None:
        rule = TariffRule(1, 37, round_to=50)
        assert fee(rule, minutes=61) == 2250  # 2257 -> 2250
        assert fee(rule, minutes=62) == 2300  # 2294 -> 2300

    def test_rounding_applies_to_the_sum_not_each_period(self) -> None:
        rule = TariffRule(60, 100, daily_max=1050, round_to=100)
        result = compute_fee(rule, E, E + timedelta(days=2))
        assert [p.amount for p in result.periods] == [1050, 1050]
        assert (result.subtotal, result.amount) == (2100, 2100)

    def test_round_to_one_changes_nothing(self) -> None:
        assert fee(TariffRule(1, 37), minutes=61) == 2257


class TestDaylightSaving:
    """Billing follows real elapsed time, never the wall clock."""

    hourly = TariffRule(60, 3000)

    def test_spring_forward_night_is_an_hour_shorter(self) -> None:
        entry = parse_instant("2026-03-07 22:00", NEW_YORK)
        exit = parse_instant("2026-03-08 06:00", NEW_YORK)  # 8 h on the wall, 7 h elapsed
        result = compute_fee(self.hourly, entry, exit)
        assert result.minutes == 420
        assert result.amount == 21000

    def test_fall_back_night_is_an_hour_longer(self) -> None:
        entry = parse_instant("2026-10-31 22:00", NEW_YORK)
        exit = parse_instant("2026-11-01 06:00", NEW_YORK)  # 8 h on the wall, 9 h elapsed
        assert compute_fee(self.hourly, entry, exit).minutes == 540

    def test_a_period_is_24_real_hours_across_the_change(self) -> None:
        entry = parse_instant("2026-03-07 12:00", NEW_YORK)
        exit = parse_instant("2026-03-08 13:00", NEW_YORK)  # 24 h elapsed
        result = compute_fee(self.hourly, entry, exit)
        assert [p.minutes for p in result.periods] == [1440]


class TestRuleValidation:
    @pytest.mark.parametrize(
        "kwargs,message",
        [
            ({"unit_minutes": 0, "unit_price": 1}, "unit_minutes must be at least 1"),
            ({"unit_minutes": 1, "unit_price": -1}, "unit_price must not be negative"),
            ({"unit_minutes": 1, "unit_price": 1, "grace_minutes": -1}, "grace_minutes"),
            ({"unit_minutes": 1, "unit_price": 1, "daily_max": -1}, "daily_max"),
            ({"unit_minutes": 1, "unit_price": 1, "round_to": 0}, "round_to must be at least 1"),
            ({"unit_minutes": 1.5, "unit_price": 1}, "whole number"),
            ({"unit_minutes": True, "unit_price": 1}, "whole number"),
        ],
    )
    def test_bad_rules(self, kwargs: dict[str, object], message: str) -> None:
        with pytest.raises(TariffError, match=message):
            TariffRule(**kwargs)  # type: ignore[arg-type]


# --- properties -----------------------------------------------------------------------------

rules = st.builds(
    TariffRule,
    unit_minutes=st.integers(1, DAY_MINUTES),
    unit_price=st.integers(0, 100_000),
    grace_minutes=st.integers(0, 120),
    daily_max=st.one_of(st.just(0), st.integers(1, 2_000_000)),
    round_to=st.sampled_from([1, 10, 50, 100, 500, 1000, 7]),
)
stays = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=5))
PROPERTY = settings(max_examples=150, deadline=None)


def oracle(rule: TariffRule, minutes: int) -> int:
    """The README rules written out independently of the engine's loop."""
    if minutes <= rule.grace_minutes:
        return 0

    def period_cost(m: int) -> int:
        cost = ((m + rule.unit_minutes - 1) // rule.unit_minutes) * rule.unit_price
        return min(cost, rule.daily_max) if rule.daily_max else cost

    days, rest = divmod(minutes, DAY_MINUTES)
    subtotal = days * period_cost(DAY_MINUTES) + (period_cost(rest) if rest else 0)
    low = subtotal // rule.round_to * rule.round_to
    return low + rule.round_to if 2 * (subtotal - low) >= rule.round_to else low


@PROPERTY
@given(rule=rules, stay=stays)
def test_fee_matches_the_written_rules(rule: TariffRule, stay: timedelta) -> None:
    result = compute_fee(rule, E, E + stay)
    assert type(result.amount) is int
    assert result.amount >= 0
    assert result.amount == oracle(rule, result.minutes)
    assert result.amount % rule.round_to == 0


@PROPERTY
@given(rule=rules, stay=stays, extra=st.timedeltas(timedelta(0), timedelta(days=2)))
def test_fee_never_decreases_when_the_stay_gets_longer(
    rule: TariffRule, stay: timedelta, extra: timedelta
) -> None:
    assert compute_fee(rule, E, E + stay).amount <= compute_fee(rule, E, E + stay + extra).amount


@PROPERTY
@given(rule=rules, data=st.data())
def test_inside_grace_is_free(rule: TariffRule, data: st.DataObject) -> None:
    minutes = data.draw(st.integers(0, rule.grace_minutes))
    seconds = data.draw(st.integers(0, 59))
    assert fee(rule, minutes=minutes, seconds=seconds) == 0


@PROPERTY
@given(rule=rules, stay=stays)
def test_periods_cover_the_stay_and_respect_the_daily_max(
    rule: TariffRule, stay: timedelta
) -> None:
    result = compute_fee(rule, E, E + stay)
    if result.within_grace:
        return
    assert sum(p.minutes for p in result.periods) == result.minutes
    assert all(0 < p.minutes <= DAY_MINUTES for p in result.periods)
    assert all(p.minutes == DAY_MINUTES for p in result.periods[:-1])
    for before, after in zip(result.periods, result.periods[1:], strict=False):
        assert before.end == after.start
    if rule.daily_max > 0:
        assert all(p.amount <= rule.daily_max for p in result.periods)
    assert result.subtotal == sum(p.amount for p in result.periods)


@PROPERTY
@given(rule=rules, stay=stays, rate_bp=st.integers(0, 3000))
def test_base_plus_tax_is_the_fee(rule: TariffRule, stay: timedelta, rate_bp: int) -> None:
    amount = compute_fee(rule, E, E + stay).amount
    base, tax = split_iva(amount, rate_bp)
    assert base + tax == amount
    assert base >= 0 and tax >= 0


def test_iva_split_of_the_issue_example() -> None:
    assert split_iva(2257) == (1897, 360)  # 2257 / 1.19 = 1896.64
    assert split_iva(26000) == (21849, 4151)
