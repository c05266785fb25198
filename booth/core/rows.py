"""ORM instances made from rows read with SQLAlchemy Core (the hot paths' cheap loads).

`detached` gives what a loaded object becomes once its session is closed; `adopt`
gives what `session.get` would: the session's own instance when it has one,
otherwise the new one, made persistent in the session without any SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import ClassManager, Session, configure_mappers, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state, manager_of_class
from sqlalchemy.orm.util import identity_key

T = TypeVar("T")
_MANAGERS: dict[type[Any], ClassManager[Any]] = {}


def detached(cls: type[T], values: Mapping[Any, Any]) -> T:
    """An instance of `cls` holding `values` (every column, primary key included), detached.

    Made as the ORM makes a loaded instance (the class's `__new__`, then the values
    put straight into its state), not through the model's constructor, which
    would validate and instrument every attribute one by one.
    """
    manager = _MANAGERS.get(cls)
    if manager is None:
        configure_mappers()  # what a first query or constructor call would do
        manager = _MANAGERS[cls] = manager_of_class(cls)
    obj: T = manager.new_instance()
    instance_state(obj).dict.update(values)
    make_transient_to_detached(obj)
    return obj


def adopt(session: Session, cls: type[T], values: Mapping[Any, Any]) -> T:
    """The session's instance for this row: the one it already holds, else a new persistent one."""
    held = session.identity_map.get(identity_key(cls, _pk(cls, values)))
    if held is not None:
        return held  # type: ignore[no-any-return]
    obj = detached(cls, values)
    session.add(obj)
    return obj


def held(session: Session, cls: type[T], pk: Any) -> T | None:
    """The instance the session already holds for `pk`, without any SQL."""
    return session.identity_map.get(identity_key(cls, pk))  # type: ignore[no-any-return]


def _pk(cls: type[Any], values: Mapping[Any, Any]) -> Any:
    names = [c.key for c in cls.__mapper__.primary_key]
    return values[names[0]] if len(names) == 1 else tuple(values[n] for n in names)


def new_id(result: CursorResult[Any]) -> int:
    """The primary key an INSERT just gave its row."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])
