"""gunicorn's logger with private links masked (``logger_class`` in gunicorn.conf.py).

Every access-log line (request line, path, Referer, whatever ``access_log_format`` names) and
every error-log line ("Error handling request /alerts/manage/…") goes through
``core.logmasking.MaskPrivateLinks`` before any handler writes it.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from socialmission.core.logmasking import MaskPrivateLinks


class MaskingLogger(Logger):  # type: ignore[misc]
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, MaskPrivateLinks) for f in log.filters):
                log.addFilter(MaskPrivateLinks())
