"""Background tasks of interop: rebuilding the whole-library download files (``dumps``)."""

from __future__ import annotations

from socialmission.core.tasks import task


@task(queue_name="default", priority=-10)
def build_library_dumps() -> str:
    """Rebuild the dump files if the library changed since the last build; idempotent."""
    from socialmission.interop import dumps

    try:
        return dumps.build(if_changed=True).reason
    finally:
        dumps.rebuild_done()
