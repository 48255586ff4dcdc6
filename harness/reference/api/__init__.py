"""HTTP and WebSocket API of the reference contact center (the adapter's way in)."""

from .app import build_app

__all__ = ["build_app"]
