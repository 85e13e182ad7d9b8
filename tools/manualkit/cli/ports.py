"""Say so plainly when a port on 127.0.0.1 is taken, before a server starts."""
from __future__ import annotations

import socket

from manualkit.core.problems import ManualkitError

HOST = "127.0.0.1"


def require_free(port: int, what: str, hint: str) -> None:
    """Raise ``cannot run WHAT on port N: <reason>`` with ``hint`` when ``port`` cannot be bound."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError as exc:
            raise ManualkitError(f"cannot run {what} on port {port}: {exc.strerror or exc}", hint=hint) from exc


__all__ = ["require_free", "HOST"]
