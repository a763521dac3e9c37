"""The client's address: the one helper that lockout, rate limits and logs use.

Behind the production proxy every request comes from the proxy's address; the client's is in
``X-Forwarded-For``. That header is believed only when the request comes from a configured
trusted proxy (``TRUSTED_PROXIES``: addresses or networks), and only as far as the chain of
trusted proxies goes, so a client cannot pick its own address by sending the header itself.
"""

import ipaddress
from functools import cache

from django.conf import settings


@cache
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str:
    """The address of the client that sent ``request`` (``REMOTE_ADDR`` unless a trusted proxy
    forwarded it)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    address = _address(remote)
    if not networks or not _trusted(address, networks):
        return str(address) if address else remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    # Right to left: each trusted proxy appended the address it received from.
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        hop_address = _address(hop)
        if hop_address is None:
            break  # garbage in the chain: the last good hop is as far as we can trust
        address = hop_address
        if not _trusted(hop_address, networks):
            break
    return str(address)


def axes_client_ip(request) -> str:
    """``AXES_CLIENT_IP_CALLABLE``: lockout by the real client, not by the proxy."""
    return client_ip(request)


def axes_username(request, credentials) -> str:
    """``AXES_USERNAME_CALLABLE``: the email as the login backend matches it (trimmed,
    case-insensitive), so changing its case is the same account; at most 255 characters,
    the column axes stores it in."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    value = (credentials or {}).get(field)
    if value is None and request is not None and request.method == "POST":
        value = request.POST.get(field)
    return str(value or "").strip().lower()[:255]


class ClientIpLogFilter:
    """A logging filter that adds ``client_ip`` to every record: the client of the request the
    record is about (Django's request loggers attach it), else ``-``."""

    def filter(self, record) -> bool:
        request = getattr(record, "request", None)
        try:
            record.client_ip = client_ip(request) if request is not None else "-"
        except Exception:  # a log line must never fail over its decoration
            record.client_ip = "-"
        return True
