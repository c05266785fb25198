from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from booth.cli.common import runtime
from booth.core.clock import FixedClock


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def cli_clock(clock: FixedClock) -> Iterator[FixedClock]:
    saved = runtime.clock_factory, runtime.db
    runtime.clock_factory = lambda: clock
    yield clock
    runtime.clock_factory, runtime.db = saved
