"""Private links of the alerts: unguessable, checked in constant time, never stored.

A token is a random *selector* (stored, indexed) followed by a *verifier*, an HMAC of the
selector and the link's purpose under SECRET_KEY. The database only finds the row by its
selector; the verifier is recomputed and compared with ``constant_time_compare``, so neither a
timing difference nor a copy of the database gives anyone a working link. A value that is not
URL-safe or has the wrong length is refused before any query.
"""

from __future__ import annotations

import base64
import re
import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

SELECTOR_LENGTH = 16
VERIFIER_LENGTH = 32
TOKEN_LENGTH = SELECTOR_LENGTH + VERIFIER_LENGTH
_SHAPE = re.compile(rf"[A-Za-z0-9_-]{{{TOKEN_LENGTH}}}")

CONFIRM = "confirm"
MANAGE = "manage"
UNSUBSCRIBE = "unsubscribe"


def new_selector() -> str:
    return secrets.token_urlsafe(12)[:SELECTOR_LENGTH]


def _verifier(selector: str, purpose: str) -> str:
    digest = salted_hmac(f"socialmission.alerts.{purpose}", selector, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:VERIFIER_LENGTH]


def make_token(selector: str, purpose: str) -> str:
    return selector + _verifier(selector, purpose)


def split_token(token: str) -> str | None:
    """The selector of a well-formed token, or None (without touching the database)."""
    if not isinstance(token, str) or not _SHAPE.fullmatch(token):
        return None
    return token[:SELECTOR_LENGTH]


def verify(token: str, selector: str, purpose: str) -> bool:
    return constant_time_compare(token[SELECTOR_LENGTH:], _verifier(selector, purpose))
