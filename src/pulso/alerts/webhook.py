"""Webhook delivery that cannot be turned against the server's own network (SSRF).

Every POST resolves the URL's host once, refuses it when any of its addresses is loopback,
link-local, private, shared (carrier-grade NAT), multicast, reserved or unspecified (IPv4 and
IPv6, including IPv4 addresses carried inside IPv6: mapped, 6to4, Teredo, NAT64), and then
connects to the very address it checked, so a DNS answer that changes between check and connect
(DNS rebinding) gains nothing. A host on the workspace's `webhook_allow_hosts` list (names or
addresses, comma-separated, set by an admin) may be private: a chat server on the office network.
Redirects are not followed, proxies from the environment are not used, and the server has
TIMEOUT seconds to answer.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
from typing import Any, Iterable
from urllib.parse import urlsplit

from pulso.errors import PulsoError
from pulso.i18n import N_, said, saying

TIMEOUT = 10  # seconds to connect, and to answer
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class WebhookError(PulsoError):
    """A webhook could not be delivered (the message says where and why)."""


class WebhookRefused(WebhookError):
    """A webhook the address policy refuses: it is not sent, and not retried."""


def allowed(setting: str | None) -> set[str]:
    """The host names and addresses of a `webhook_allow_hosts` setting, lower case."""
    return {h.strip().strip("[]").lower().rstrip(".") for h in (setting or "").split(",") if h.strip()}


def why_refused(address: Address) -> str | None:
    """Why an address may not receive a webhook (None: it may)."""
    inner = _embedded_ipv4(address)
    if inner is not None:
        reason = why_refused(inner)
        return saying(N_("{reason} (dentro de la dirección IPv6 {address})"), reason=reason,
                      address=address) if reason else None
    for test, reason in (("is_unspecified", N_("es una dirección sin especificar")),
                         ("is_loopback", N_("es una dirección de bucle local")),
                         ("is_link_local", N_("es una dirección de enlace local")),
                         ("is_multicast", N_("es una dirección de multidifusión")),
                         ("is_private", N_("es una dirección privada")), ("is_reserved", N_("es una dirección reservada"))):
        if getattr(address, test):
            return saying(reason)
    if not address.is_global:
        return saying(N_("no es una dirección pública"))
    return None


def _embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    if address.version == 4:
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64 or (int(address) >> 32 == 0 and int(address) > 1):  # NAT64, or IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def resolve(url: str, allow: Iterable[str] = ()) -> tuple[str, int, str, list[str]]:
    """(scheme, port, host, the checked addresses to connect to) of a webhook URL, or
    WebhookRefused/WebhookError saying why it may not be used."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise said(WebhookRefused, N_("webhook {url}: no es una URL http(s) con un servidor"), url=url)
    if parts.username or parts.password:
        raise said(WebhookRefused, N_("webhook {host}: no se admite un usuario ni una contraseña en la URL"),
                   host=parts.hostname)
    host = parts.hostname.lower().rstrip(".")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise said(WebhookRefused, N_("webhook {url}: el puerto no es un número de 1 a 65535"), url=url) from None
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise said(WebhookError, N_("webhook {host}: el nombre no se resuelve ({detail})"), host=host, detail=exc) from None
    addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in found))
    if not addresses:
        raise said(WebhookError, N_("webhook {host}: el nombre no lleva a ninguna dirección"), host=host)
    if host not in set(allow):
        for address in addresses:
            reason = why_refused(address)
            if reason:
                raise said(WebhookRefused, N_("webhook {host} rechazado: {address} {reason}; un administrador puede "
                                              "permitir este servidor con el ajuste webhook_allow_hosts"),
                           host=host, address=address, reason=reason)
    return parts.scheme, port, host, [str(a) for a in addresses]


class _Pinned:
    """Connects to the addresses that were checked (the first that answers), whatever the name
    resolves to now."""

    addresses: list[str]
    timeout: float

    def _socket(self) -> socket.socket:
        failure: OSError | None = None
        for address in self.addresses:
            try:
                return socket.create_connection((address, self.port), self.timeout)
            except OSError as exc:
                failure = exc
        raise failure or OSError("no address")


class _HTTP(_Pinned, http.client.HTTPConnection):
    def connect(self) -> None:
        self.sock = self._socket()


class _HTTPS(_Pinned, http.client.HTTPSConnection):
    def connect(self) -> None:
        self.sock = self._context.wrap_socket(self._socket(), server_hostname=self.host)


def post(url: str, payload: dict[str, Any], allow: Iterable[str] = ()) -> None:
    """POST JSON to a webhook under the address policy; WebhookError unless it answers 2xx."""
    scheme, port, host, addresses = resolve(url, allow)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if scheme == "https":
        conn = _HTTPS(host, port, timeout=TIMEOUT, context=ssl.create_default_context())
    else:
        conn = _HTTP(host, port, timeout=TIMEOUT)
    conn.addresses = addresses
    body = json.dumps(payload, ensure_ascii=False, default=str).encode()
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": "application/json; charset=utf-8",
                                                       "User-Agent": "Pulso alerts"})
        status = conn.getresponse().status
    except (OSError, http.client.HTTPException) as exc:
        raise said(WebhookError, N_("no se pudo llegar al webhook {host}: {detail}"), host=host, detail=exc) from None
    finally:
        conn.close()
    if 300 <= status < 400:
        raise said(WebhookRefused, N_("el webhook {host} respondió {status} (una redirección): las redirecciones no "
                                      "se siguen"), host=host, status=status)
    if not 200 <= status < 300:
        raise said(WebhookError, N_("el webhook {host} respondió {status}"), host=host, status=status)
