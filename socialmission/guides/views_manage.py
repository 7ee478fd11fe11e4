"""The curators' guide pages, mounted at /contribute/queue/guides/ (curators only).

List, create and edit guides; add a resource found by title, DOI or PMID; write each item's
note; move items up and down; remove them. Every change is a POST that goes through
``services.py`` and redirects back to the guide (to the item that changed), so it all works
without JavaScript and by keyboard.
"""

from __future__ import annotations

from typing import Literal, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from socialmission.accounts.decorators import curator_required
from socialmission.accounts.models import User
from socialmission.guides import selectors, services
from socialmission.guides.forms import GuideForm, NoteForm, ResourceSearchForm
from socialmission.guides.models import ReadingGuide, ReadingGuideItem
from socialmission.library.models import Resource


def _curator(request: HttpRequest) -> User:
    return cast(User, request.user)


def _item(guide_pk: int, item_pk: int) -> ReadingGuideItem:
    """The item ``item_pk`` of guide ``guide_pk``; another guide's item is a 404."""
    return get_object_or_404(
        ReadingGuideItem.objects.select_related("guide", "resource"), pk=item_pk, guide=guide_pk
    )


def _back_to(guide: ReadingGuide, item_pk: int | None = None) -> HttpResponseRedirect:
    url = reverse("guides_manage:edit", kwargs={"pk": guide.pk})
    return redirect(f"{url}#item-{item_pk}" if item_pk else url)


def _error(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@curator_required
@require_http_methods(["GET", "HEAD"])
def guide_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "guides/manage/guide_list.html", {"guides": selectors.guides_for_curators()}
    )


@curator_required
@require_http_methods(["GET", "HEAD", "POST"])
def guide_create(request: HttpRequest) -> HttpResponse:
    form = GuideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            guide = services.create_guide(curator=_curator(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The guide is created. Now add its resources."))
            return _back_to(guide)
    return render(request, "guides/manage/guide_form.html", {"form": form})


@curator_required
@require_http_methods(["GET", "HEAD", "POST"])
def guide_edit(request: HttpRequest, pk: int) -> HttpResponse:
    guide = get_object_or_404(ReadingGuide, pk=pk)
    form = GuideForm(request.POST or None, instance=guide)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_guide(guide=guide, curator=_curator(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The guide's details are saved."))
            return _back_to(guide)
    guide.refresh_from_db()  # the page shows the saved guide, not the invalid form's values
    search = ResourceSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    context = {
        "guide": guide,
        "form": form,
        "items": selectors.items_for_editing(guide),
        "search": search,
        "query": query,
        "found": selectors.resources_to_add(guide, query) if query else [],
    }
    return render(request, "guides/manage/guide_edit.html", context)


@curator_required
@require_POST
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    guide = get_object_or_404(ReadingGuide, pk=pk)
    resource_pk = request.POST.get("resource", "")
    if not resource_pk.isdigit():
        raise Http404(_("No such resource."))
    resource = get_object_or_404(Resource, pk=int(resource_pk))
    try:
        item = services.add_item(guide=guide, resource=resource, curator=_curator(request))
    except ValidationError as error:
        _error(request, error)
        return _back_to(guide)
    messages.success(
        request, _("Added “%(title)s”. Write why to read it.") % {"title": resource.title}
    )
    return _back_to(guide, item.pk)


@curator_required
@require_POST
def item_note(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(pk, item_pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return _back_to(item.guide, item.pk)
    services.set_note(
        item=item, curator=_curator(request), annotation=form.cleaned_data["annotation"]
    )
    messages.success(request, _("Saved the note on “%(title)s”.") % {"title": item.resource.title})
    return _back_to(item.guide, item.pk)


@curator_required
@require_POST
def item_move(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(pk, item_pk)
    choice = request.POST.get("direction")
    if choice not in ("up", "down"):
        messages.error(request, _("Choose to move the item up or down."))
        return _back_to(item.guide, item.pk)
    direction: Literal["up", "down"] = "up" if choice == "up" else "down"
    moved = services.move_item(item=item, curator=_curator(request), direction=direction)
    messages.success(
        request,
        _("“%(title)s” is now number %(position)d.")
        % {"title": item.resource.title, "position": moved.position},
    )
    return _back_to(item.guide, item.pk)


@curator_required
@require_POST
def item_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(pk, item_pk)
    services.remove_item(item=item, curator=_curator(request))
    messages.success(
        request, _("Removed “%(title)s” from the guide.") % {"title": item.resource.title}
    )
    return _back_to(item.guide)
