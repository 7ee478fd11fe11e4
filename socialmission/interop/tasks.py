"""Background tasks of interop: rebuilding the whole-library download files (``dumps``)."""

from __future__ import annotations

from socialmission.core.tasks import task


@task(queue_name="default", priority=-10)
def build_library_dumps() -> str:
    """Rebuild the dump files if the library changed since the last build; idempotent.

    "busy" (another build holds the folder) keeps the queued mark, so downloads do not queue a
    task per request while a long build runs; the periodic job catches what that build missed.
    """
    from socialmission.interop import dumps

    reason = "failed"
    try:
        reason = dumps.build(if_changed=True).reason
        return reason
    finally:
        if reason != "busy":
            dumps.rebuild_done()
