from hypothesis import given
from hypothesis import strategies as st

from booth.core.money import div_round_half_up, format_cop, round_to_multiple, split_iva


def test_half_up_not_bankers() -> None:
    assert div_round_half_up(5, 2) == 3  # round(2.5) would give 2
    assert div_round_half_up(7, 2) == 4
    assert div_round_half_up(1, 3) == 0
    assert div_round_half_up(2, 3) == 1


def test_round_to_multiple_both_sides() -> None:
    assert round_to_multiple(2249, 100) == 2200
    assert round_to_multiple(2250, 100) == 2300
    assert round_to_multiple(2257, 50) == 2250
    assert round_to_multiple(2275, 50) == 2300


def test_iva_split_examples() -> None:
    assert split_iva(2257) == (1897, 360)  # 2257 / 1.19 = 1896.64
    assert split_iva(0) == (0, 0)
    assert split_iva(1190) == (1000, 190)


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=5000))
def test_iva_split_adds_up(total: int, rate: int) -> None:
    base, tax = split_iva(total, rate)
    assert base + tax == total
    assert 0 <= tax <= total


def test_format_cop() -> None:
    assert format_cop(1234567) == "$ 1.234.567"
    assert format_cop(0) == "$ 0"
