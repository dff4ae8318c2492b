"""A TCP connection joined to another, byte for byte, both ways (the tests' relay and
balancer stand between a client and a server process with it)."""

from __future__ import annotations

import contextlib
import socket
import threading


def _pipe(a: socket.socket, b: socket.socket) -> None:
    try:
        while data := a.recv(65536):
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()


def join(client: socket.socket, upstream: socket.socket) -> None:
    """Relay ``client`` and ``upstream`` to each other until either side closes."""
    for a, b in ((client, upstream), (upstream, client)):
        threading.Thread(target=_pipe, args=(a, b), daemon=True).start()
