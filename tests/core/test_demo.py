import hashlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import col, select

from booth.core import auth, demo, shifts, stays
from booth.core.audit import Actor, SignedIn
from booth.core.clock import FixedClock
from booth.core.db import open_database, run_read
from booth.core.errors import Refused
from booth.core.lot import SetupOptions
from booth.core.models import AuditEvent, Shift
from booth.core.setup import run_setup
from booth.core.tariffs import in_effect
from tests.conftest import make_lot
from tests.reliability import invariants

NOW = datetime(2026, 12, 4, 21, 30, tzinfo=UTC)  # 16:30 in Bogotá, a Friday
ACTOR = Actor("cli:test", "B1")


def build(path: Path, *, days: int | None = 3, n: int | None = None, seed: int = 1):
    return demo.generate(
        str(path), clock=FixedClock(NOW), actor=ACTOR, days=days, stays=n, seed=seed
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, demo.DemoResult]:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    return path, build(path)


def q(path: Path, sql: str, *args: object) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def test_demo_keeps_every_invariant(built: tuple[Path, demo.DemoResult]) -> None:
    path, result = built
    engine = open_database(str(path))
    try:
        totals = invariants.assert_sound(path, engine)
    finally:
        engine.dispose()
    assert totals.stays == result.stays > 900
    assert totals.invoices == result.invoices == result.stays - result.inside
    assert totals.revenue == result.revenue > 0
    assert 0 < result.inside <= 180  # capacity car 120 + motorcycle 60
    assert (
        result.first_day.isoformat() == "2026-12-02" and result.last_day.isoformat() == "2026-12-04"
    )


def test_demo_rows_are_realistic(built: tuple[Path, demo.DemoResult]) -> None:
    path, result = built
    methods = dict(q(path, "SELECT payment_method, count(*) FROM invoices GROUP BY 1"))
    assert set(methods) == {"cash", "card", "transfer"}
    assert methods["cash"] > methods["card"] > methods["transfer"]
    assert q(path, 'SELECT count(*) FROM invoices WHERE "change" > 0')[0][0] > 0
    voids = q(
        path,
        "SELECT voided_at, voided_by, void_reason, issued_at FROM invoices WHERE voided_at IS NOT NULL",
    )
    assert len(voids) == result.voided > 0
    admin = q(path, "SELECT id FROM users WHERE username = 'demo-admin'")[0][0]
    assert all(v[1] == admin and v[2] and v[0] > v[3] for v in voids)
    types = dict(q(path, "SELECT vehicle_type, count(*) FROM stays GROUP BY 1"))
    assert set(types) == {"car", "motorcycle"} and types["car"] > types["motorcycle"]
    # Arrivals peak in the morning rush (07-09 local = 12-14 UTC), not at opening time.
    by_hour = dict(
        q(path, "SELECT cast(strftime('%H', entered_at) AS int), count(*) FROM stays GROUP BY 1")
    )
    assert by_hour[13] > 2 * by_hour[11]
    assert set(by_hour) <= set(range(11, 24)) | {0, 1, 2}  # 06:00-22:00 Bogotá
    # Plates recur (regular customers) but never inside twice at once.
    assert (
        q(
            path,
            "SELECT count(*) FROM (SELECT plate FROM stays GROUP BY plate HAVING count(*) > 1)",
        )[0][0]
        > 0
    )


def test_every_stay_priced_by_the_tariff_in_force_at_entry(
    built: tuple[Path, demo.DemoResult],
) -> None:
    path, _result = built
    engine = open_database(str(path))
    try:
        rows = q(path, "SELECT vehicle_type, entered_at, tariff_version_id FROM stays")

        def check(session):  # type: ignore[no-untyped-def]
            wrong = []
            for vtype, entered, tid in rows:
                at = datetime.fromisoformat(entered).replace(tzinfo=UTC)
                version = in_effect(session, vtype, at)
                if version is None or version.id != tid:
                    wrong.append((vtype, entered, tid))
            return wrong

        assert run_read(engine, check) == []
    finally:
        engine.dispose()
    used = {t for (t,) in q(path, "SELECT DISTINCT tariff_version_id FROM stays")}
    assert len(used) == 3  # car before and after the mid-history change, motorcycle


def test_shifts_are_closed_and_balance(built: tuple[Path, demo.DemoResult]) -> None:
    path, result = built
    rows = q(
        path,
        "SELECT id, booth, opened_at, closed_at, expected_cash, counted_cash FROM shifts",
    )
    assert len(rows) == result.shifts == 3 * 2 * 2  # 3 days x 2 booths x 2 turns (all begun)
    engine = open_database(str(path))
    try:
        # The drawer as the product counts it (voided cash invoices included).
        expected = run_read(
            engine,
            lambda s: {sh.id: shifts.expected_cash(s, sh) for sh in s.exec(select(Shift)).all()},
        )
    finally:
        engine.dispose()
    voided_cash = q(
        path,
        "SELECT count(*) FROM invoices WHERE voided_at IS NOT NULL AND payment_method = 'cash'",
    )[0][0]
    assert voided_cash > 0  # so the line above is really exercised
    for sid, booth, opened, closed, stored, counted in rows:
        assert closed is not None and opened < closed <= "2026-12-04 21:30:00.000000"
        assert stored == expected[sid] > demo.OPENING_FLOAT
        assert abs(counted - stored) <= 5000
        outside = q(
            path,
            "SELECT count(*) FROM invoices WHERE shift_id = ? AND (booth != ? OR issued_at < ?"
            " OR issued_at > ?)",
            sid,
            booth,
            opened,
            closed,
        )
        assert outside == [(0,)]
    assert q(path, "SELECT count(*) FROM invoices WHERE shift_id IS NULL") == [(0,)]


def test_audit_chain_ends_with_one_demo_event(built: tuple[Path, demo.DemoResult]) -> None:
    path, result = built
    engine = open_database(str(path))
    try:
        events = run_read(
            engine, lambda s: s.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
        )
    finally:
        engine.dispose()
    assert [e.action for e in events].count("demo.generate") == 1
    last = events[-1]
    assert last.action == "demo.generate" and last.at == NOW
    assert f'"stays": {result.stays}' in last.details


def test_demo_users_log_in_with_published_passwords(built: tuple[Path, demo.DemoResult]) -> None:
    path, result = built
    engine = open_database(str(path))
    try:
        for user in result.users:
            signed = auth.authenticate(
                engine,
                clock=FixedClock(NOW),
                booth="B1",
                username=user.username,
                password=user.password,
            )
            assert signed.role == user.role
    finally:
        engine.dispose()
    assert {u.username for u in result.users} == demo.DEMO_USERNAMES


def test_services_continue_on_a_demo_lot(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    result = build(path, days=1)
    engine = open_database(str(path))
    clock = FixedClock(NOW)
    try:
        ana = run_read(engine, lambda s: auth.get_user(s, "demo-ana"))
        who = SignedIn(user_id=ana.id or 0, username=ana.username, role=ana.role, booth="B1")
        plate = q(path, "SELECT plate FROM stays WHERE exited_at IS NULL LIMIT 1")[0][0]
        quote = stays.quote(engine, clock=clock, query=plate)
        inv = stays.check_out(
            engine, clock=clock, who=who, stay_id=quote.stay.id or 0, payment_method="card"
        )
        assert inv.number == result.invoices + 1
        with pytest.raises(Refused, match="already inside"):
            stays.check_in(
                engine,
                clock=clock,
                who=who,
                plate=q(path, "SELECT plate FROM stays WHERE exited_at IS NULL LIMIT 1")[0][0],
            )
        stays.check_in(engine, clock=clock, who=who, plate=plate)
        invariants.assert_sound(path, engine)
    finally:
        engine.dispose()


def digest(path: Path) -> str:
    h = hashlib.sha256()
    for table in ("stays", "invoices", "shifts", "tariff_versions", "invoice_authorizations"):
        for row in q(path, f"SELECT * FROM {table} ORDER BY id"):
            h.update(repr(row).encode())
    return h.hexdigest()


def test_same_seed_same_data_other_seed_other_data(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "c.db"
    build(a, days=2, seed=5)
    build(b, days=2, seed=5)
    build(c, days=2, seed=6)
    assert digest(a) == digest(b) != digest(c)


def test_stays_option_gives_that_many_arrivals(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    result = build(path, days=None, n=2500)
    assert result.turned_away == 0
    assert result.stays == 2500 == q(path, "SELECT count(*) FROM stays")[0][0]
    assert result.first_day.isoformat() == "2026-11-28"
    invariants.assert_sound(path, fees=False)


def test_refuses_a_database_with_real_data(tmp_path: Path) -> None:
    path = tmp_path / "real.db"
    engine = make_lot(path, FixedClock(NOW))
    engine.dispose()
    before = path.read_bytes()
    with pytest.raises(Refused, match=r"already holds data \(0 stays, 0 invoices, 2 other users\)"):
        build(path)
    assert path.read_bytes() == before


def test_refuses_a_second_demo_over_the_first(built: tuple[Path, demo.DemoResult]) -> None:
    path, result = built
    with pytest.raises(Refused, match=f"already holds data \\({result.stays} stays"):
        build(path)


@pytest.mark.parametrize(
    "days,n", [(0, None), (demo.MAX_DAYS + 1, None), (None, 0), (None, demo.MAX_STAYS + 1)]
)
def test_refuses_silly_sizes_and_writes_nothing(
    tmp_path: Path, days: int | None, n: int | None
) -> None:
    path = tmp_path / "x.db"
    with pytest.raises(Refused, match="must be between"):
        build(path, days=days, n=n)
    assert not path.exists()


def test_fills_an_empty_file_and_a_demo_only_lot(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    build(path, days=1)
    assert q(path, "SELECT count(*) FROM stays")[0][0] > 0
    # A lot with nothing but the demo operator (no stays) is not real data.
    only_demo = tmp_path / "only-demo.db"
    run_setup(
        str(only_demo),
        clock=FixedClock(NOW),
        actor=ACTOR,
        options=SetupOptions(lot_name="X"),
        operator=("demo-admin", "some-other-pass"),
    )
    result = build(only_demo, days=1)
    engine = open_database(str(only_demo))
    try:
        invariants.assert_sound(only_demo, engine)
        auth.authenticate(
            engine,
            clock=FixedClock(NOW),
            booth="B1",
            username="demo-admin",
            password=demo.DEMO_OPERATOR[1],
        )
    finally:
        engine.dispose()
    assert result.stays > 0


def test_a_failed_demo_leaves_no_new_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "new.db"

    def boom(*_a: object, **_k: object) -> None:
        raise Refused("stop")

    monkeypatch.setattr(demo, "_write_invoices", boom)
    with pytest.raises(Refused, match="stop"):
        build(path, days=1)
    assert list(tmp_path.iterdir()) == []


def test_before_opening_time_the_history_ends_yesterday(tmp_path: Path) -> None:
    early = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)  # 03:00 in Bogotá
    path = tmp_path / "early.db"
    result = demo.generate(str(path), clock=FixedClock(early), actor=ACTOR, days=1)
    assert result.last_day.isoformat() == result.first_day.isoformat() == "2026-12-04"
    assert result.stays > 300 and result.inside > 0  # overnight vehicles are still inside
    assert result.shifts == 4
    invariants.assert_sound(path)
