"""Uploads spooled to a full disk: a 400 that says so, instead of a 500 with a traceback.

Django writes an upload larger than ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to a temporary file while
it parses the request (in the CSRF check, before any view runs). When that disk is full the
write fails with ENOSPC; this handler turns it into ``UploadDiskFull``, a ``BadRequest``, which
Django answers with ``core.views.bad_request`` (the 400 page, showing this message).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import BadRequest
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.utils.translation import gettext

from socialmission.core.diskfull import is_disk_full


class UploadDiskFull(BadRequest):
    def __init__(self) -> None:
        super().__init__(
            gettext(
                "The server's disk is full, so the file could not be received and nothing was "
                "saved. Free some space (or ask the administrator to), then send it again."
            )
        )


class DiskFullAwareUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().new_file(*args, **kwargs)
        except OSError as error:
            if is_disk_full(error):
                raise UploadDiskFull() from error
            raise

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        try:
            super().receive_data_chunk(raw_data, start)
        except OSError as error:
            if is_disk_full(error):
                raise UploadDiskFull() from error
            raise
