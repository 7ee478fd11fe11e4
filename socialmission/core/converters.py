"""URL converters of our own, registered in ``CoreConfig.ready()``.

``link_token``: the private links' tokens (contribution status links, assessment share links
and invitations) are ``secrets.token_urlsafe(32)``, 43 URL-safe characters. A path segment of
any other shape never reaches the view, so nothing a visitor types there (a NUL byte, which
PostgreSQL refuses in a query, or a megabyte of text) is ever looked up: the answer is a 404.
"""

from __future__ import annotations

LINK_TOKEN_PATTERN = r"[A-Za-z0-9_-]{43}"  # noqa: S105 (a shape, not a secret)


class LinkTokenConverter:
    regex = LINK_TOKEN_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
