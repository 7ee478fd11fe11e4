"""Whether an exception means "the disk is full", whichever layer raised it.

A full disk reaches us as ``OSError`` (ENOSPC, EDQUOT: a file we write), as SQLite's
``SQLITE_FULL`` ("database or disk is full"), or as PostgreSQL's SQLSTATE class 53 ``disk_full``
(53100, "could not extend file …: No space left on device"); Django wraps the database ones in
``django.db.OperationalError``. ``is_disk_full`` follows the exception's causes, so callers can
turn exactly this failure into a clear message and let every other error propagate.
"""

from __future__ import annotations

import errno

_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_SQLITE_FULL = 13
_POSTGRES_DISK_FULL = "53100"
_MESSAGES = ("database or disk is full", "no space left on device", "disk quota exceeded")


def is_disk_full(error: BaseException | None) -> bool:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in _ERRNOS:
            return True
        if getattr(error, "sqlite_errorcode", None) == _SQLITE_FULL:
            return True
        if getattr(error, "sqlstate", None) == _POSTGRES_DISK_FULL:
            return True
        if any(message in str(error).lower() for message in _MESSAGES):
            return True
        error = error.__cause__ or error.__context__
    return False
