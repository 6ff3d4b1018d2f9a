"""The address guard: no request reaches an address that is not public (checked again on the
connected socket).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from ..errors import (
    BlockedURLError,
    FetchError,
)

# -- address guard --------------------------------------------------------------------------------


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    # is_global excludes private, loopback, link-local, shared (100.64/10), reserved and
    # unspecified ranges; multicast needs its own test (224.0.0.0/4 counts as "global").
    return ip.is_global and not ip.is_multicast


def check_url(url: str, *, allow_private_addresses: bool = False) -> None:
    """Refuse a URL the crawler must not fetch.

    Parameters
    ----------
    url : str
    allow_private_addresses : bool, default=False
        Skip the address check (the scheme is still checked).

    Raises
    ------
    BlockedURLError
        If the scheme is not http/https, there is no host, or the host is (or resolves to) an
        address that is not public.
    FetchError
        If the host name does not resolve (``cause="dns"``).

    Examples
    --------
    >>> check_url("http://127.0.0.1:8080/admin")
    Traceback (most recent call last):
    ...
    influence.crawl.errors.BlockedURLError: http://127.0.0.1:8080/admin: host 127.0.0.1 is a private or reserved address (set allow_private_addresses = true to allow it)
    >>> check_url("http://127.0.0.1:8080/", allow_private_addresses=True)
    >>> check_url("ftp://example.org/file")
    Traceback (most recent call last):
    ...
    influence.crawl.errors.BlockedURLError: ftp://example.org/file: only http and https URLs are fetched
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError as exc:
        raise BlockedURLError(f"invalid URL: {exc}", url=url) from None
    if parts.scheme not in ("http", "https"):
        raise BlockedURLError("only http and https URLs are fetched", url=url)
    if not host:
        raise BlockedURLError("no host in URL", url=url)
    if allow_private_addresses:
        return
    for address in _resolve(host, port or (443 if parts.scheme == "https" else 80), url):
        if not _is_public(address):
            shown = host if host == address else f"{host} ({address})"
            raise BlockedURLError(
                f"host {shown} is a private or reserved address "
                "(set allow_private_addresses = true to allow it)",
                url=url,
            )


def _resolve(host: str, port: int, url: str) -> list[str]:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        return [host]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve host {host}: {exc}", url=url, cause="dns") from None
    return sorted({info[4][0] for info in infos})


def _check_peer(sock: socket.socket, host: str) -> None:
    """The connected socket's address must be public (catches DNS answers that changed after
    :func:`check_url` looked, "DNS rebinding")."""
    try:
        peer = sock.getpeername()[0]
    except OSError:
        return
    if not _is_public(peer):
        sock.close()
        raise BlockedURLError(f"host {host} connected to non-public address {peer}", url=f"//{host}")


class _GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        if getattr(self, "proxy", None) is None:  # through a proxy, the peer is the user's proxy
            _check_peer(sock, self.host)
        return sock


class _GuardedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        if getattr(self, "proxy", None) is None:
            _check_peer(sock, self.host)
        return sock


class GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection
