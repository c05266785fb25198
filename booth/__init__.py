"""booth: the parking-lot booth in the terminal."""

__version__ = "0.1.0"
