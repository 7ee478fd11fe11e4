"""Thin views: export downloads (a resource, a whole search, the library) and the curator's import page."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods, require_safe

from socialmission.accounts.decorators import curator_required
from socialmission.accounts.roles import is_curator
from socialmission.interop.exports import EXPORTS, export_response, records_for_ids
from socialmission.interop.import_forms import ImportForm, max_upload_bytes
from socialmission.interop.importer import ImportFileError, import_file
from socialmission.interop.records import records_for, resource_to_record
from socialmission.library.models import Resource
from socialmission.library.search import SearchParams, search_ids

REPORT_LIST_LIMIT = 500


def _kind(fmt: str) -> str:
    if fmt not in EXPORTS:
        raise Http404("No such export format.")
    return fmt


# Exports stream after the view has returned; they only read, so they need no request transaction.
@transaction.non_atomic_requests
@require_safe
def resource_export(request: HttpRequest, pk: int, fmt: str) -> StreamingHttpResponse:
    key = _kind(fmt)
    resource = get_object_or_404(Resource.objects.with_vocabularies(), pk=pk)
    if not resource.is_published and not is_curator(request.user):
        raise Http404("No such resource.")
    return export_response([resource_to_record(resource)], key, filename=f"resource-{pk}")


@transaction.non_atomic_requests
@require_safe
def search_export(request: HttpRequest, fmt: str) -> StreamingHttpResponse:
    """Every result of the search the query string describes (not just one page)."""
    key = _kind(fmt)
    ids = search_ids(SearchParams.from_query(request.GET))
    return export_response(records_for_ids(ids), key, filename="search-results")


@transaction.non_atomic_requests
@require_safe
def library_export(request: HttpRequest, fmt: str) -> StreamingHttpResponse:
    key = _kind(fmt)
    resources = Resource.objects.published().order_by("pk")
    return export_response(records_for(resources), key, filename="social-mission-library")


# The importer runs its own transaction per file (and rolls back a dry run).
@transaction.non_atomic_requests
@require_http_methods(["GET", "POST"])
@curator_required
def import_page(request: HttpRequest) -> HttpResponse:
    report = None
    error = ""
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = import_file(
                    upload,
                    filename=upload.name,
                    dry_run=form.cleaned_data["dry_run"],
                    defaults=form.defaults(),
                    status=form.cleaned_data["status"],
                    user=request.user,  # type: ignore[arg-type]
                )
            except (ImportFileError, ValueError) as exc:
                error = str(exc)
    else:
        form = ImportForm()
    context = {
        "form": form,
        "report": report,
        "error": error,
        "max_bytes": max_upload_bytes(),
        "list_limit": REPORT_LIST_LIMIT,
    }
    status = 400 if request.method == "POST" and (error or not form.is_valid()) else 200
    return render(request, "interop/import.html", context, status=status)
