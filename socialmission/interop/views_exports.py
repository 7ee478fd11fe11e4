"""Thin views: export downloads (a resource, a whole search, the library) and the curator's import page."""

from __future__ import annotations

import os
from typing import Any, cast

from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe

from socialmission.accounts.decorators import curator_required
from socialmission.accounts.roles import is_curator
from socialmission.interop import dumps, staging
from socialmission.interop.exports import (
    EXPORTS,
    export_response,
    records_for_ids,
    search_export_cap,
    throttle,
)
from socialmission.interop.import_forms import ImportForm, max_upload_bytes
from socialmission.interop.importer import ImportFileError, ImportReport, import_file
from socialmission.interop.records import resource_to_record
from socialmission.library.models import Resource
from socialmission.library.search import SearchParams, search_ids

REPORT_LIST_LIMIT = 500
# What a "being prepared" page asks the client to wait, in seconds.
PENDING_RETRY_AFTER = 120


def _import(request: HttpRequest, form: ImportForm) -> tuple[ImportReport | None, str, str]:
    """Import the uploaded or the kept file: (report, error, token of the file kept for
    "Import now" after a dry run)."""
    user_id = cast(int, request.user.pk)
    dry_run = form.cleaned_data["dry_run"]
    upload = form.cleaned_data["file"]
    if upload is not None:
        token = staging.stage(upload, user_id=user_id) if dry_run else ""
        upload.seek(0)
        return _run_import(request, form, upload, upload.name, dry_run, token)
    staged = staging.fetch(form.cleaned_data["staged"], user_id=user_id)
    if staged is None:
        form.add_error(
            "file", gettext("The file kept from the dry run has expired: upload it again.")
        )
        return None, "", ""
    with staged.path.open("rb") as stream:
        result = _run_import(request, form, stream, staged.name, dry_run, staged.token)
    if not dry_run and not result[1]:
        staging.discard(staged.token)
    return result


def _run_import(
    request: HttpRequest,
    form: ImportForm,
    stream: Any,
    filename: str,
    dry_run: bool,
    token: str,
) -> tuple[ImportReport | None, str, str]:
    try:
        report = import_file(
            stream,
            filename=filename,
            dry_run=dry_run,
            defaults=form.defaults(),
            status=form.cleaned_data["status"],
            user=request.user,  # type: ignore[arg-type]
        )
    except (ImportFileError, ValueError) as exc:
        if token and dry_run:
            staging.discard(token)
        return None, str(exc), ""
    return report, "", token if dry_run else ""


def _import_now_fields(request: HttpRequest, token: str) -> list[tuple[str, str]]:
    """The dry run's choices as hidden fields, with the kept file's token instead of a file."""
    skip = {"csrfmiddlewaretoken", "dry_run", "staged", "file"}
    fields = [
        (name, value)
        for name in request.POST
        if name not in skip
        for value in request.POST.getlist(name)
    ]
    return [*fields, ("staged", token)]


def _kind(fmt: str) -> str:
    if fmt not in EXPORTS:
        raise Http404(gettext("No such export format."))
    return fmt


# Exports stream after the view has returned; they only read, so they need no request transaction.
@transaction.non_atomic_requests
@require_safe
def resource_export(request: HttpRequest, pk: int, fmt: str) -> StreamingHttpResponse:
    key = _kind(fmt)
    resource = get_object_or_404(Resource.objects.with_vocabularies(), pk=pk)
    if not resource.is_published and not is_curator(request.user):
        raise Http404(gettext("No such resource."))
    return export_response([resource_to_record(resource)], key, filename=f"resource-{pk}")


@transaction.non_atomic_requests
@require_safe
def search_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """Every result of the search the query string describes (not just one page), up to the
    format's cap; a bigger search gets a page that points to the whole-library files."""
    key = _kind(fmt)
    if limited := throttle(request):
        return limited
    params = SearchParams.from_query(request.GET)
    cap = search_export_cap(key)
    ids = search_ids(params, limit=cap + 1)
    if len(ids) > cap:
        query = params.urlencode(page=False)
        context = {
            "cap": cap,
            "format_key": key,
            "format_label": EXPORTS[key].label,
            "search_url": reverse("library:search") + (f"?{query}" if query else ""),
        }
        return render(request, "interop/export_too_large.html", context, status=422)
    return export_response(records_for_ids(ids), key, filename="search-results")


def _dump_file_response(
    request: HttpRequest, manifest: dumps.Manifest | None, key: str
) -> HttpResponseBase | None:
    """The pre-built file of export ``key`` (304 when the client has it), or None if missing."""
    if manifest is None or key not in manifest.files:
        return None
    try:
        handle = (dumps.dump_dir() / manifest.files[key]).open("rb")
    except OSError:
        return None
    # The validators come from the file actually opened, which a rebuild may have just replaced.
    stat = os.fstat(handle.fileno())
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    last_modified = int(stat.st_mtime)
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        handle.close()
        return not_modified
    kind = EXPORTS[key]
    response = FileResponse(
        handle,
        content_type=f"{kind.media_type}; charset=utf-8",
        as_attachment=not kind.html,
        filename=f"social-mission-library{kind.extension}",
    )
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@transaction.non_atomic_requests
@require_safe
def library_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The whole library, always from the pre-built files (``interop.dumps``), never computed
    here. Out of date or missing files queue a rebuild; meanwhile the last files are served, or,
    before the first build, a "being prepared" page."""
    key = _kind(fmt)
    if limited := throttle(request):
        return limited
    manifest = dumps.read_manifest()
    if not dumps.is_current(manifest):
        dumps.queue_rebuild()
        # A task backend that runs tasks as they are queued (the tests') has built them by now.
        manifest = dumps.read_manifest() or manifest
    response = _dump_file_response(request, manifest, key)
    if response is not None:
        return response
    response = render(
        request,
        "interop/library_export_pending.html",
        {"minutes": max(1, PENDING_RETRY_AFTER // 60)},
        status=503,
    )
    response["Retry-After"] = str(PENDING_RETRY_AFTER)
    return response


# The importer runs its own transaction per file (and rolls back a dry run).
@transaction.non_atomic_requests
@require_http_methods(["GET", "POST"])
@curator_required
def import_page(request: HttpRequest) -> HttpResponse:
    report = None
    error = ""
    token = ""
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            report, error, token = _import(request, form)
    else:
        form = ImportForm()
    context = {
        "form": form,
        "report": report,
        "error": error,
        "max_bytes": max_upload_bytes(),
        "list_limit": REPORT_LIST_LIMIT,
        # After a dry run: the same choices and the kept file, for "Import now".
        "import_now": _import_now_fields(request, token) if report and token else [],
    }
    status = 400 if request.method == "POST" and (error or not form.is_valid()) else 200
    return render(request, "interop/import.html", context, status=status)
