"""What every screen of the booth needs: database, clock, booth name, who is signed in."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from booth.core.audit import SignedIn
from booth.core.clock import Clock


@dataclass
class BoothContext:
    """Shared by the app and its screens; `user` is None until someone logs in."""

    engine: Engine
    clock: Clock
    booth: str
    target: str
    user: SignedIn | None = None

    def require_user(self) -> SignedIn:
        """The signed-in user (screens after login may rely on it)."""
        if self.user is None:
            raise RuntimeError("no user signed in")
        return self.user
