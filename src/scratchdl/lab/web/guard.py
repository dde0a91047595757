"""Who may talk to ``scratchdl serve``: the Host and Origin checks (DNS-rebinding protection).

The attack: a page on ``evil.example`` makes its DNS name point at 127.0.0.1 after the page
has loaded; the browser then sends the page's requests to the server on this machine, with
``Host: evil.example``.  A server that answers any Host is readable and writable by that
page.  The defence is to answer only Host names the server was started for.

Rules (``HostPolicy.allows(name)``):

* ``localhost``, ``*.localhost`` and any IP-address literal (``127.0.0.1``, ``[::1]``,
  ``192.168.1.20``) are accepted: rebinding needs a DNS *name*, so an address cannot be a
  rebinding attack;
* the name the server was bound to (``--host``), and every ``--allow-host NAME``;
* anything else is refused with 403 and a JSON error naming the Host and the flag to use.

A POST that carries an ``Origin`` header must come from an allowed host too (a page from
another site cannot post drawings).  Requests without Origin (curl, scripts) pass.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

__all__ = ["HostPolicy", "host_name"]


def host_name(host_header: str) -> str:
    """``"Example.org:8000"`` -> ``"example.org"``; ``"[::1]:8000"`` -> ``"::1"``."""
    value = host_header.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class HostPolicy:
    """The Host names a server answers; see the module docstring for the rules."""

    def __init__(self, bound_host: str, allowed: Iterable[str] = ()) -> None:
        self.names = {host_name(bound_host)} | {host_name(a) for a in allowed if a}
        self.names.discard("")

    def allows(self, name: str) -> bool:
        if name == "localhost" or name.endswith(".localhost") or _is_address(name):
            return True
        return name in self.names or "*" in self.names

    def host_problem(self, host_header: str | None) -> str | None:
        """Why the Host header is refused, or None.  HTTP/1.0 clients may omit it."""
        if host_header is None:
            return None
        name = host_name(host_header)
        if self.allows(name):
            return None
        return (
            f"Host {host_header!r} is not served here (DNS-rebinding protection); "
            f"start the server with --allow-host {name} to accept it"
        )

    def origin_problem(self, origin: str | None) -> str | None:
        """Why a POST's Origin header is refused, or None (absent Origin passes)."""
        if origin is None:
            return None
        parts = urlsplit(origin.strip())
        name = (parts.hostname or "").lower()
        if parts.scheme in ("http", "https") and name and self.allows(name):
            return None
        return (
            f"Origin {origin!r} may not post here (cross-site request refused); "
            f"start the server with --allow-host NAME to accept that site"
        )
