from sqlalchemy.engine import Engine

from booth.core import stays
from booth.core.audit import SignedIn
from booth.core.clock import FixedClock
from booth.core.db import run_read
from booth.core.lot_status import read_snapshot


def test_snapshot_prices_every_vehicle_inside_newest_first(
    engine: Engine, clock: FixedClock, ana: SignedIn
) -> None:
    stays.check_in(engine, clock=clock, who=ana, plate="AAA111")
    clock.advance(minutes=30)
    stays.check_in(engine, clock=clock, who=ana, plate="BBB222")
    clock.advance(minutes=10, seconds=59)
    snap = run_read(engine, lambda s: read_snapshot(s, now=clock.now(), user_id=ana.user_id))
    assert snap.lot_name == "Parqueadero Central"
    assert snap.attendant == "Ana Pérez (ana)"
    assert [(r.plate, r.minutes, r.fee) for r in snap.inside] == [
        ("BBB222", 10, 370),
        ("AAA111", 40, 1480),
    ]
    assert snap.occupancy["car"] == (2, 50)
    assert snap.numbering is not None and snap.numbering.remaining == 100_000
