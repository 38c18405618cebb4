"""The webhook SSRF guard: which URLs alerts and subscriptions may POST to.

A URL is allowed when its host is on the allowlist (when one is configured) and every address
the host resolves to is public, or inside a network the configuration explicitly allows.
Loopback, private, link-local (which holds the cloud metadata service 169.254.169.254),
multicast and reserved addresses are refused by default, so a job author cannot make the
scheduler reach internal services. The connection then goes to the address that was checked,
so a second DNS answer cannot swap in another one.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import socket
from urllib.parse import urlsplit

from .spec import SchedulerError, WebhookPolicy

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class WebhookRefused(SchedulerError):
    """A webhook URL is not allowed by the scheduler's webhook policy."""


def check_url(url: str, policy: WebhookPolicy) -> tuple[str, int, str]:
    """(host, port, address to connect to) for an allowed URL; raise :class:`WebhookRefused` otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookRefused(f"webhook URL must be http(s)://host/...: {parts.scheme}://{parts.hostname or ''}")
    if parts.username or parts.password:
        raise WebhookRefused("webhook URLs may not carry credentials; use the `secret` HMAC key instead")
    host = parts.hostname.lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if policy.allow_hosts and not any(fnmatch.fnmatch(host, pattern.lower()) for pattern in policy.allow_hosts):
        raise WebhookRefused(f"webhook host {host!r} is not in webhooks.allow_hosts {policy.allow_hosts}")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise WebhookRefused(f"webhook host {host!r} does not resolve: {exc.strerror}") from None
    addresses = sorted({str(info[4][0]) for info in infos})
    networks = [ipaddress.ip_network(n, strict=False) for n in policy.allow_networks]
    for text in addresses:
        ip = ipaddress.ip_address(text.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if any(ip in n for n in networks):
            continue
        if not ip.is_global or ip.is_multicast:
            raise WebhookRefused(
                f"webhook host {host!r} resolves to {ip}, a {_kind(ip)} address; refused to prevent SSRF "
                f"(allow it explicitly with webhooks.allow_networks: ['{ip}/{ip.max_prefixlen}'])"
            )
    return host, port, addresses[0]


def _kind(ip: IPAddress) -> str:
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local (cloud metadata service range)"
    if ip.is_private:
        return "private"
    if ip.is_multicast:
        return "multicast"
    return "reserved"
