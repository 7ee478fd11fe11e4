"""Private links never reach a log: their tokens are masked in every line we write.

A private link (a contribution's status link, an alert's confirm/manage/unsubscribe link, an
assessment share link or invitation, a password reset link) is a bearer credential: whoever reads it can use it. The
access log (gunicorn, through ``core/gunicorn_logger.py``) and Django's own request logging
(``django.request``'s "Not Found: …", ``django.server``; through the ``LOGGING`` filter in
settings) both pass every line through ``mask_private_links``, which replaces the token segment
of those addresses, wherever it appears (request line, path, Referer), with ``[private]``.

``test_logmasking.py`` walks the URL patterns: every pattern capturing a ``token`` must be
masked here, so a new private link cannot be forgotten. No Django import: gunicorn's master
process loads this module.
"""

from __future__ import annotations

import logging
import re

MASK = "[private]"

# The address prefixes whose next path segment is a private token.
PRIVATE_LINK_PREFIXES = (
    "contribute/status",
    "alerts/confirm",
    "alerts/manage",
    "alerts/unsubscribe",
    "assessment/shared",
    "assessment/invitations",
)
_SEGMENT = r"[^/?#\s\"']+"
_PRIVATE_LINK = re.compile(
    r"(/(?:" + "|".join(re.escape(prefix) for prefix in PRIVATE_LINK_PREFIXES) + r")/)" + _SEGMENT,
    re.IGNORECASE,
)
# Django's password reset link: /accounts/reset/<uidb64>/<token>/ (Django then swaps the token
# for "set-password", which is harmless).
_PASSWORD_RESET = re.compile(r"(/accounts/reset/" + _SEGMENT + r"/)(?!set-password\b)" + _SEGMENT)


def mask_private_links(text: str) -> str:
    """``text`` with the token of every private link replaced by ``[private]``."""
    text = _PRIVATE_LINK.sub(rf"\1{MASK}", text)
    return _PASSWORD_RESET.sub(rf"\1{MASK}", text)


class MaskPrivateLinks(logging.Filter):
    """A logging filter that masks private links in the formatted message (never drops it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler to report
            return True
        masked = mask_private_links(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
