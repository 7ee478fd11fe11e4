"""Who is asking: the client's address, as seen through the configured number of proxies.

Behind a reverse proxy every request comes from the proxy, so the client's address is in
``X-Forwarded-For``. Each proxy appends the address it received the request from, so the
only entries that can be trusted are the last ``TRUSTED_PROXY_COUNT`` ones: anything to their
left was written by the client and may be forged. With ``TRUSTED_PROXY_COUNT = 0`` (the default,
no proxy) the header is ignored and the socket's address is used.

Rate limits (contributions, alerts, exports) and the sign-in throttle all read the address here.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

MAX_ADDRESS_LENGTH = 64


def client_address(request: HttpRequest) -> str:
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    remote = str(request.META.get("REMOTE_ADDR", ""))
    if proxies <= 0:
        return remote[:MAX_ADDRESS_LENGTH]
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    if not forwarded:
        # Not through the proxy (a health check on the loopback, say): the socket is the client.
        return remote[:MAX_ADDRESS_LENGTH]
    # The right-most `proxies` entries were appended by our proxies; the one they received the
    # request from is the client. Fewer entries than proxies: the outermost one we have.
    return forwarded[-min(proxies, len(forwarded))][:MAX_ADDRESS_LENGTH]


def axes_client_address(request: HttpRequest) -> str:
    """django-axes' AXES_CLIENT_IP_CALLABLE: the same address the rate limits use."""
    return client_address(request)
