"""The curators' page of broken and moved links, and its two actions."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socialmission.accounts import roles
from socialmission.accounts.models import User
from socialmission.linkhealth import selectors, services
from socialmission.linkhealth.forms import LinkFilterForm
from socialmission.linkhealth.models import Link

PAGE_SIZE = 50

View = Callable[..., HttpResponse]


def curator_required(view: View) -> View:
    # Until accounts/decorators.py (the shared one) is on main.
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not roles.is_curator(request.user):
            raise PermissionDenied(_("Only curators may see this page."))
        return view(request, *args, **kwargs)

    return wrapper


@curator_required
def queue(request: HttpRequest) -> HttpResponse:
    form = LinkFilterForm(request.GET or None)
    filters = selectors.LinkFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.LinkFilters(
            status=data["status"], kind=data["kind"], q=data["q"].strip()
        )
    page = Paginator(selectors.attention_queue(filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "linkhealth/queue.html",
        {
            "filter_form": form if form.is_bound else LinkFilterForm(),
            "page_obj": page,
            "links": page.object_list,
            "query": query.urlencode(),
            "here": request.get_full_path(),
        },
    )


def _back(request: HttpRequest) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not target.startswith(reverse("linkhealth:queue")):
        target = reverse("linkhealth:queue")
    return HttpResponseRedirect(target)


@curator_required
@require_POST
def take_new_address(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(Link, pk=pk)
    try:
        resource = services.take_redirect_target(link, curator=cast(User, request.user))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("“%(title)s” now links to its new address; the change is in its history.")
            % {"title": resource.title},
        )
    return _back(request)


@curator_required
@require_POST
def checked_by_hand(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(Link, pk=pk)
    link = services.mark_checked_by_hand(link, curator=cast(User, request.user))
    messages.success(
        request,
        _("The link of “%(title)s” is marked as checked by hand.") % {"title": link.resource.title},
    )
    return _back(request)
