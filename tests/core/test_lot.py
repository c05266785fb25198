from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from booth.core.audit import Actor
from booth.core.clock import FixedClock
from booth.core.db import run_read, run_write
from booth.core.errors import Refused
from booth.core.lot import (
    SetupOptions,
    active_authorization,
    configure,
    get_settings,
    parse_capacity,
    validate_nit,
    validate_timezone,
)
from booth.core.setup import run_setup


def test_nit_check_digit() -> None:
    assert validate_nit("800.197.268-4") == "800197268-4"  # DIAN's own NIT
    assert validate_nit("800197268") == "800197268-4"
    with pytest.raises(Refused, match="check digit"):
        validate_nit("800197268-5")
    with pytest.raises(Refused, match="only digits"):
        validate_nit("80019A268")


def test_capacity_syntax() -> None:
    assert parse_capacity("motorcycle=20") == ("motorcycle", 20)
    for bad in ("car:50", "car=-1", "truck=3", "car="):
        with pytest.raises(Refused):
            parse_capacity(bad)


def test_timezone() -> None:
    assert validate_timezone("America/New_York") == "America/New_York"
    with pytest.raises(Refused, match="Unknown time zone"):
        validate_timezone("Mars/Olympus")


def test_rerun_updates_only_what_is_given(engine: Engine, clock: FixedClock) -> None:
    actor = Actor("admin", "B1")
    run_write(
        engine,
        lambda s: configure(
            s, clock=clock, actor=actor, options=SetupOptions(capacities={"motorcycle": 20})
        ),
    )
    settings = run_read(engine, get_settings)
    assert settings.name == "Parqueadero Central"
    assert settings.nit == "900123456-8"


def test_new_authorisation_replaces_exhausted_range(engine: Engine, clock: FixedClock) -> None:
    actor = Actor("admin", "B1")
    run_write(
        engine,
        lambda s: configure(
            s,
            clock=clock,
            actor=actor,
            options=SetupOptions(
                invoice_prefix="PQ", invoice_from=500, invoice_to=900, resolution="18764000001"
            ),
        ),
    )
    auth = run_read(engine, active_authorization)
    assert auth is not None
    assert (auth.prefix, auth.range_from, auth.range_to, auth.next_number) == ("PQ", 500, 900, 500)


def test_range_from_greater_than_to(tmp_path: Path, clock: FixedClock) -> None:
    with pytest.raises(Refused, match="range is empty"):
        run_setup(
            str(tmp_path / "a.db"),
            clock=clock,
            actor=Actor("t", "B"),
            options=SetupOptions(lot_name="X", invoice_from=10, invoice_to=5),
            operator=("admin", "password-123"),
        )
    assert not (tmp_path / "a.db").exists()  # a refused first setup leaves nothing behind
