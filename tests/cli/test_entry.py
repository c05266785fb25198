import pytest

from booth.entry import screen_options


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], {"--db": None, "--booth": None}),
        (["run"], {"--db": None, "--booth": None}),
        (["--db", "x.db"], {"--db": "x.db", "--booth": None}),
        (["--db=x.db", "run", "--booth", "B2"], {"--db": "x.db", "--booth": "B2"}),
        (["run", "--booth=B3"], {"--db": None, "--booth": "B3"}),
    ],
)
def test_plain_booth_goes_straight_to_the_screen(
    argv: list[str], expected: dict[str, str | None]
) -> None:
    assert screen_options(argv) == expected


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["report"],
        ["--db", "x.db", "users", "list"],
        ["--db"],
        ["--db", "--booth", "B1"],
        ["--db="],
        ["run", "run"],
        ["--bogus"],
    ],
)
def test_everything_else_goes_to_the_command_line(argv: list[str]) -> None:
    assert screen_options(argv) is None
