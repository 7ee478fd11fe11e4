"""Pages of the alerts: the sign-up form (a page, or in place on the search page through
htmx), confirmation, the private manage page, and one-click unsubscribe (RFC 8058).

Every link here carries a private token and no sign-in: pages are never cached, never
indexed, and never show the e-mail address. The views run outside the request transaction
(each service has its own), so a malformed or forged token costs no database work at all.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from socialmission.alerts import searches, selectors, services, tokens
from socialmission.alerts.forms import AlertForm, FrequencyForm
from socialmission.alerts.models import MAX_ALERTS_PER_ADDRESS, Alert
from socialmission.core import abuse

RATE_SCOPE = "alerts"
ONE_CLICK = ("List-Unsubscribe", "One-Click")


def private(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Never cached, never indexed: these pages are reached through private links."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return never_cache(wrapper)


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _render_signup(
    request: HttpRequest, partial: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """The in-place partial for htmx (always 200, so htmx swaps it), else the whole page."""
    if _is_htmx(request):
        return render(request, partial, context)
    return render(request, "alerts/new.html", {**context, "partial": partial}, status=status)


@transaction.non_atomic_requests
@private
@require_http_methods(["GET", "POST"])
def new_alert(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    raw_query = source.get("query", "") if request.method == "POST" else request.GET.urlencode()
    query = searches.saved_form(searches.params_of(raw_query))
    form = AlertForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {
        "form": form,
        "query": query,
        "description": searches.describe(query),
        "search_url": searches.search_url(query),
        "started": abuse.start_stamp(),
        "honeypot": abuse.HONEYPOT_FIELD,
    }
    if request.method != "POST":
        return _render_signup(request, "alerts/includes/form.html", context)

    def rate_limited(status: abuse.RateStatus) -> HttpResponse:
        context["minutes"] = max(1, status.retry_after // 60)
        response = _render_signup(request, "alerts/includes/rate_limited.html", context, status=429)
        response["Retry-After"] = str(status.retry_after)
        return response

    status = abuse.check_rate(request, scope=RATE_SCOPE)
    if not status.allowed:
        return rate_limited(status)
    if request.POST.get(abuse.HONEYPOT_FIELD):
        spam = _("Leave the field labelled “Leave this empty” empty, then send the form again.")
    else:
        spam = abuse.fill_time_error(request.POST.get(abuse.STARTED_FIELD, ""))
    if len(query) > searches.MAX_QUERY_LENGTH:
        form.add_error(None, _("This search is too long to save as an alert. Remove some filters."))
    elif spam:
        abuse.record_submission(request, scope=RATE_SCOPE)
        form.is_valid()
        form.add_error(None, _(spam))
    elif form.is_valid():
        # Counted and decided in one step, so a burst of posts cannot all pass the check above.
        status = abuse.record_submission(request, scope=RATE_SCOPE)
        if not status.allowed:
            return rate_limited(status)
        outcome = services.request_alert(
            email=form.cleaned_data["email"],
            query=query,
            frequency=form.cleaned_data["frequency"],
        )
        if outcome is services.Outcome.LIMIT_REACHED:
            form.add_error(
                "email",
                _(
                    "This address already holds %(max)s alerts, the most one address may hold. "
                    "Delete one through the manage link in any alert e-mail, then try again."
                )
                % {"max": MAX_ALERTS_PER_ADDRESS},
            )
        else:
            # The same answer whatever happened, so the page tells nobody which addresses
            # already hold which alerts.
            return _render_signup(request, "alerts/includes/sent.html", context)
    return _render_signup(request, "alerts/includes/form.html", context, status=400)


@transaction.non_atomic_requests
@private
@require_http_methods(["GET"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    alert = selectors.alert_by_token(token, tokens.CONFIRM)
    if alert is None:
        raise Http404(_("This confirmation link is not valid."))
    if alert.confirmation_expired():
        return render(
            request,
            "alerts/expired.html",
            {"search_url": searches.search_url(alert.query)},
            status=410,
        )
    alert = services.confirm_alert(alert=alert)
    return render(
        request,
        "alerts/confirmed.html",
        {
            "alert": alert,
            "description": searches.describe(alert.query),
            "search_url": searches.search_url(alert.query),
            "manage_token": alert.subscriber.manage_token,
        },
    )


@transaction.non_atomic_requests
@private
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = selectors.subscriber_by_token(token)
    if subscriber is None:
        raise Http404(_("This manage link is not valid."))
    if request.method == "POST":
        alert = get_object_or_404(Alert, pk=_int(request.POST.get("alert")), subscriber=subscriber)
        action = request.POST.get("action")
        description = searches.describe(alert.query)
        if action == "frequency":
            form = FrequencyForm(request.POST)
            if form.is_valid():
                services.set_frequency(alert=alert, frequency=form.cleaned_data["frequency"])
                messages.success(
                    request,
                    _("“%(alert)s” now comes %(frequency)s.")
                    % {"alert": description, "frequency": alert.get_frequency_display().lower()},
                )
        elif action == "pause":
            services.pause_alert(alert=alert)
            messages.success(request, _("“%(alert)s” is paused.") % {"alert": description})
        elif action == "resume":
            services.resume_alert(alert=alert)
            messages.success(request, _("“%(alert)s” is on again.") % {"alert": description})
        elif action == "delete":
            services.delete_alert(alert=alert)
            messages.success(request, _("“%(alert)s” is deleted.") % {"alert": description})
        else:
            return HttpResponse(status=400)
        return redirect("alerts:manage", token=token)
    rows = [
        {
            "alert": alert,
            "description": searches.describe(alert.query),
            "search_url": searches.search_url(alert.query),
            "frequency_form": FrequencyForm(
                initial={"frequency": alert.frequency}, auto_id=f"id_%s_{alert.pk}"
            ),
        }
        for alert in selectors.alerts_of(subscriber)
    ]
    return render(request, "alerts/manage.html", {"rows": rows, "token": token})


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


# RFC 8058: the mailbox provider POSTs "List-Unsubscribe=One-Click" with no cookies and no
# CSRF token. The unguessable token in the URL is what authorises the request, so CSRF
# protection adds nothing here; any other POST body is refused.
@csrf_exempt
@transaction.non_atomic_requests
@private
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    selector = tokens.split_token(token)
    if selector is None or not tokens.verify(token, selector, tokens.UNSUBSCRIBE):
        raise Http404(_("This unsubscribe link is not valid."))
    alert = selectors.alert_by_token(token, tokens.UNSUBSCRIBE)
    if request.method == "GET":
        # Link scanners fetch every URL in a mail: a GET only shows the button.
        context = {"alert": alert, "description": searches.describe(alert.query) if alert else ""}
        return render(request, "alerts/unsubscribe.html", context)
    if request.POST.get(ONE_CLICK[0]) != ONE_CLICK[1]:
        return HttpResponse(status=400)
    if alert is not None:
        services.delete_alert(alert=alert)
    return render(request, "alerts/unsubscribed.html")
