"""Fixtures for the reliability tests: a lot on a file, and how to run the CLI as a process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from booth.core.audit import SignedIn
from booth.core.clock import FixedClock
from tests.conftest import make_lot, signed_in

REPO = Path(__file__).resolve().parents[2]


def cli_env() -> dict[str, str]:
    """Environment for `python -m booth` from this checkout, with cheap bcrypt."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO)
    env["BOOTH_BCRYPT_ROUNDS"] = "4"
    env.pop("BOOTH_DB", None)
    return env


def run_cli(*args: str, stdin: str = "", timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`python -m booth ARGS` in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "booth", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=cli_env(),
        cwd=REPO,
        timeout=timeout,
    )


@pytest.fixture
def big_lot(db_path: Path, clock: FixedClock) -> Iterator[Engine]:
    """A lot with room for every vehicle the tests bring (operator admin, attendant ana)."""
    engine = make_lot(db_path, clock, capacities={"car": 1000, "motorcycle": 1000})
    yield engine
    engine.dispose()


@pytest.fixture
def who(big_lot: Engine) -> SignedIn:
    """Attendant 'ana' signed in at booth B1 of `big_lot`."""
    return signed_in(big_lot)
