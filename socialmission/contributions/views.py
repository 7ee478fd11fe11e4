"""Pages for contributors (suggest, nominate, status) and curators (queue, history, spotlights).

Views stay thin: forms validate, ``services`` change state, ``selectors`` read. Role checks
happen here (to answer 403 early) and again in every service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Field
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from socialmission.accounts import roles
from socialmission.accounts.decorators import curator_required, editor_required
from socialmission.accounts.models import User
from socialmission.contributions import filling, forms, selectors, services
from socialmission.contributions.duplicates import find_duplicates, flag_duplicates
from socialmission.contributions.models import (
    Champion,
    ChampionSpotlight,
    CuratorNotice,
    Nomination,
    ResourceSpotlight,
    Status,
    Suggestion,
)
from socialmission.core import abuse
from socialmission.interop import lookup
from socialmission.library.facets import FACETS
from socialmission.library.models import Resource

if TYPE_CHECKING:
    # Text or a lazy translation (django-stubs' name for it).
    from django.utils.functional import _StrOrPromise


def _actor(request: HttpRequest) -> User:
    """The signed-in user; only called behind ``curator_required`` / ``editor_required``."""
    return cast(User, request.user)


def _error_messages(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


# Contributors


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "contributions/index.html")


def _rate_limited(request: HttpRequest, status: abuse.RateStatus) -> HttpResponse | None:
    """The "too many submissions" page, saying when this address may send again."""
    if status.allowed:
        return None
    response = render(
        request,
        "contributions/rate_limited.html",
        {
            "minutes": max(1, status.retry_after // 60),
            "retry_at": timezone.now() + timedelta(seconds=status.retry_after),
        },
        status=429,
    )
    response["Retry-After"] = str(status.retry_after)
    return response


def _spam_error(request: HttpRequest) -> str:
    if request.POST.get(abuse.HONEYPOT_FIELD):
        return gettext(
            "Leave the field labelled “Leave this empty” empty, then send the form again."
        )
    return abuse.fill_time_error(request.POST.get(abuse.STARTED_FIELD, ""))


def _screened(request: HttpRequest, form: django_forms.BaseForm) -> bool:
    """Whether a public form is valid and not spam. Neither a form sent back with errors nor a
    spam hit counts against the address's allowance: only an accepted submission does."""
    spam = _spam_error(request)
    if spam:
        form.is_valid()
        form.add_error(None, spam)
        return False
    return form.is_valid()


def _initial_from_post(post: QueryDict, extra: dict[str, Any]) -> dict[str, Any]:
    """What the visitor typed, as form initial data, with the pasted record's values on top."""
    initial: dict[str, Any] = {}
    for key in post:
        values = post.getlist(key)
        initial[key] = values if key in services.SUGGESTION_M2M else values[-1]
    initial.update(extra)
    return initial


def _initial_tags_from_get(query: QueryDict) -> dict[str, Any]:
    """Ticked tags from links such as the search page's "Suggest a resource"
    (``?domain=…&topic=…&profession=…``, the search page's own keys): active terms only."""
    initial: dict[str, Any] = {}
    for facet in FACETS.multiple():
        slugs = [slug[:200] for slug in query.getlist(facet.key)[:20] if slug.isprintable()]
        if slugs and facet.field in services.SUGGESTION_M2M and facet.contributors:
            initial[facet.field] = list(
                facet.vocabulary.objects.active()
                .filter(slug__in=slugs)
                .values_list("pk", flat=True)
            )
    return initial


@never_cache
def suggest(request: HttpRequest) -> HttpResponse:
    paste_form = forms.PasteForm()
    form: forms.SuggestionForm
    duplicates: list[Any] = []
    paste_error = ""
    fill: filling.Fill | None = None
    if request.method != "POST":
        form = forms.SuggestionForm(initial=_initial_tags_from_get(request.GET))
    elif request.POST.get("action") == "fill":
        paste_form = forms.PasteForm(request.POST)
        fill = filling.fill_from_paste(request, request.POST.get("record", ""))
        paste_error = fill.error
        form = forms.SuggestionForm(initial=_initial_from_post(request.POST, fill.data))
        duplicates = fill.duplicates
    else:
        limited = _rate_limited(request, abuse.check_rate(request))
        if limited:
            return limited
        form = forms.SuggestionForm(request.POST)
        if _screened(request, form):
            data = form.cleaned_data
            duplicates = find_duplicates(doi=data["doi"], pmid=data["pmid"], title=data["title"])
            if not duplicates or data.get("confirm_not_duplicate"):
                limited = _rate_limited(request, abuse.record_submission(request))
                if limited:
                    return limited
                suggestion = services.submit_suggestion(
                    fields=form.submitted_fields(),
                    tags={field.name: data[field.name] for field in form.tag_fields()},
                )
                return redirect(reverse("contributions:status", args=[suggestion.token]) + "?new=1")
    return render(
        request,
        "contributions/suggest.html",
        {
            "form": form,
            "paste_form": paste_form,
            "paste_error": paste_error,
            "fill": fill,
            "duplicates": duplicates,
            "started": abuse.start_stamp(),
            "honeypot": abuse.HONEYPOT_FIELD,
        },
        status=400 if form.is_bound and (form.errors or duplicates) else 200,
    )


@never_cache
def lookup_status(request: HttpRequest) -> HttpResponse:
    """The suggestion page's "looking it up…" region, polled while a lookup task runs.

    Reads the cache only (it never starts a lookup), so a visitor polling costs nothing outside.
    """
    kind = request.GET.get("kind", "")
    value = lookup.normalize(kind, request.GET.get("value", "")) if kind in lookup.KINDS else ""
    if not value:
        raise Http404
    try:
        polls = max(0, min(int(request.GET.get("n", "0")), filling.MAX_POLLS))
    except ValueError:
        polls = 0
    outcome = lookup.cached_outcome(kind, value)
    return render(
        request,
        "contributions/includes/lookup_status.html",
        {
            "kind": kind,
            "value": value,
            "outcome": outcome,
            "message": filling.describe(outcome)
            if outcome and outcome.state != lookup.PENDING
            else "",
            "next_poll": polls + 1 if polls < filling.MAX_POLLS else None,
            "poll_seconds": filling.POLL_SECONDS,
        },
    )


@never_cache
def nominate(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = forms.NominationForm()
    else:
        limited = _rate_limited(request, abuse.check_rate(request))
        if limited:
            return limited
        form = forms.NominationForm(request.POST)
        if _screened(request, form):
            limited = _rate_limited(request, abuse.record_submission(request))
            if limited:
                return limited
            nomination = services.submit_nomination(fields=form.cleaned_data)
            return redirect(reverse("contributions:status", args=[nomination.token]) + "?new=1")
    return render(
        request,
        "contributions/nominate.html",
        {"form": form, "started": abuse.start_stamp(), "honeypot": abuse.HONEYPOT_FIELD},
        status=400 if form.is_bound and form.errors else 200,
    )


@never_cache
def status(request: HttpRequest, token: str) -> HttpResponse:
    item = selectors.item_by_token(token)
    if item is None:
        raise Http404(gettext("No contribution has this status link."))
    if selectors.status_link_expired(item):
        days = settings.CONTRIBUTION_STATUS_LINK_DAYS
        return render(request, "contributions/status_expired.html", {"link_days": days}, status=410)
    reply_form = forms.ReplyForm()
    if request.method == "POST":
        reply_form = forms.ReplyForm(request.POST)
        if reply_form.is_valid():
            try:
                services.reply_to_question(item, reply=reply_form.cleaned_data["reply"])
            except ValidationError as error:
                for message in _error_messages(error):
                    if item.status == Status.NEEDS_INFO:
                        reply_form.add_error(None, message)
                    else:
                        messages.error(request, message)
                        reply_form = forms.ReplyForm()
                return render(
                    request,
                    "contributions/status.html",
                    {"item": item, "is_new": False, "reply_form": reply_form, "Status": Status},
                    status=400,
                )
            else:
                messages.success(request, gettext("Thank you: your answer is with the curators."))
                return redirect("contributions:status", token=token)
    return render(
        request,
        "contributions/status.html",
        {
            "item": item,
            "is_new": request.GET.get("new") == "1",
            "reply_form": reply_form,
            "Status": Status,
        },
        status=400 if reply_form.is_bound and reply_form.errors else 200,
    )


def champion_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "contributions/champion_list.html", {"champions": selectors.published_champions()}
    )


def champion_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    champion = get_object_or_404(Champion.objects.published(), pk=pk)
    if slug != champion.slug:
        return redirect(champion.get_absolute_url(), permanent=True)
    return render(request, "contributions/champion_detail.html", {"champion": champion})


# Curators


@curator_required
def queue(request: HttpRequest) -> HttpResponse:
    filter_form = forms.QueueFilterForm(request.GET or None)
    filters = selectors.QueueFilters()
    if filter_form.is_bound and filter_form.is_valid():
        data = filter_form.cleaned_data
        filters = selectors.QueueFilters(
            kind=data["kind"] or "all",
            status=data["status"] or "open",
            claimed=data["claimed"] or "any",
            q=data["q"].strip(),
        )
    entries = selectors.queue(filters, user=_actor(request))
    total = selectors.queue_total(filters, user=_actor(request))
    return render(
        request,
        "contributions/queue.html",
        {
            "filter_form": filter_form if filter_form.is_bound else forms.QueueFilterForm(),
            "entries": entries,
            "total": total,
            "bulk_form": forms.BulkDeclineForm(),
        },
    )


@curator_required
def drafts(request: HttpRequest) -> HttpResponse:
    """Resources an import left in draft: filter, open, publish the selected ones."""
    filter_form = forms.DraftFilterForm(request.GET or None)
    filters = selectors.DraftFilters()
    if filter_form.is_bound and filter_form.is_valid():
        data = filter_form.cleaned_data
        kind = data["resource_type"]
        filters = selectors.DraftFilters(
            q=data["q"].strip(), resource_type=kind.pk if kind else None
        )
    publish_form = forms.PublishDraftsForm()
    if request.method == "POST":
        publish_form = forms.PublishDraftsForm(request.POST)
        if publish_form.is_valid():
            count = services.publish_drafts(
                publish_form.cleaned_data["resources"], curator=_actor(request)
            )
            messages.success(
                request,
                ngettext(
                    "Published %(count)d resource: it is searchable now.",
                    "Published %(count)d resources: they are searchable now.",
                    count,
                )
                % {"count": count},
            )
            return redirect(request.get_full_path())
        for error in publish_form.errors.get("resources", []):
            messages.error(request, str(error))
    rows, total = selectors.drafts(filters)
    return render(
        request,
        "contributions/drafts.html",
        {
            "filter_form": filter_form if filter_form.is_bound else forms.DraftFilterForm(),
            "drafts": rows,
            "total": total,
            # The drafts that look like a resource already published (one query for the page).
            "duplicates": flag_duplicates(rows, published_only=True),
        },
        status=400 if publish_form.is_bound else 200,
    )


@curator_required
def notices(request: HttpRequest) -> HttpResponse:
    """A curator's own choice of e-mail about new contributions."""
    curator = _actor(request)
    current = CuratorNotice.objects.filter(user=curator).first()
    form = forms.NoticeForm(
        initial={"frequency": current.frequency if current else CuratorNotice.Frequency.OFF}
    )
    if request.method == "POST":
        form = forms.NoticeForm(request.POST)
        if form.is_valid():
            services.set_notice_frequency(curator, form.cleaned_data["frequency"])
            messages.success(request, gettext("Your choice is saved."))
            return redirect("contributions:notices")
    return render(
        request,
        "contributions/notices.html",
        {"form": form, "email": curator.email},
        status=400 if form.is_bound and form.errors else 200,
    )


@curator_required
@require_POST
def bulk_decline(request: HttpRequest) -> HttpResponse:
    form = forms.BulkDeclineForm(request.POST)
    if not form.is_valid():
        for message in form.non_field_errors() or [
            gettext("Some selected items are no longer open.")
        ]:
            messages.error(request, str(message))
        return redirect("contributions:queue")
    data = form.cleaned_data
    items = [*data["suggestions"], *data["nominations"]]
    count = services.bulk_decline(items, curator=_actor(request), reason=data["reason"])
    skipped = len(items) - count
    text = ngettext("Declined %(count)d item.", "Declined %(count)d items.", count) % {
        "count": count
    }
    if skipped:
        text += " " + gettext(
            "%(count)d left alone: claimed by another curator or no longer open."
        ) % {"count": skipped}
    messages.success(request, text)
    return redirect("contributions:queue")


def _run(
    request: HttpRequest, action: Callable[[], Any], success: _StrOrPromise, form: Any | None = None
) -> bool:
    """Call a service; on a ValidationError put its messages on ``form`` or the page."""
    try:
        action()
    except ValidationError as error:
        if form is not None and hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                target = field if field in form.fields else None
                for message in errors:
                    form.add_error(target, message)
        else:
            for message in _error_messages(error):
                if form is not None:
                    form.add_error(None, message)
                else:
                    messages.error(request, message)
        return False
    messages.success(request, success)
    return True


@dataclass(frozen=True)
class _FormAction:
    """A queue-page action sent with its own small form (decline, ask, merge)."""

    form: type[django_forms.Form]
    context_name: str
    call: Callable[[Any, User, dict[str, Any]], object]
    # What the curator is told; a kind's own sentence for the action (``_QueueKind.successes``)
    # comes first, so that "suggestion" and "nomination" are never glued into one sentence.
    success: _StrOrPromise = ""


# Claim and release carry no form: the service is the whole action.
_PLAIN_ACTIONS: dict[str, tuple[Callable[..., object], _StrOrPromise]] = {
    "claim": (services.claim, ""),  # said by each kind
    "release": (services.release, gettext_lazy("Claim released.")),
}

_DECLINE = _FormAction(
    forms.DeclineForm,
    "decline_form",
    lambda item, curator, data: services.decline(item, curator=curator, reason=data["reason"]),
)
_ASK = _FormAction(
    forms.QuestionForm,
    "question_form",
    lambda item, curator, data: services.ask_question(
        item, curator=curator, question=data["question"]
    ),
)
_MERGE = _FormAction(
    forms.MergeForm,
    "merge_form",
    lambda item, curator, data: services.merge_suggestion(
        item, curator=curator, into=data["target"]
    ),
    gettext_lazy("Merged into the existing resource."),
)


@dataclass(frozen=True)
class _QueueKind:
    """What differs between the suggestion and the nomination pages of the queue."""

    model: type[Suggestion] | type[Nomination]
    related: tuple[str, ...]
    edit_form: type[forms.CuratorSuggestionForm] | type[forms.CuratorNominationForm]
    edit: Callable[..., object]
    publish: Callable[..., object]
    published: _StrOrPromise
    # The success message of an action whose sentence names the kind (claim, decline, ask).
    successes: dict[str, _StrOrPromise]
    url_name: str
    template: str
    form_actions: dict[str, _FormAction]
    context: Callable[[HttpRequest, Any], dict[str, Any]] = lambda request, item: {}


def _run_form_action(
    request: HttpRequest, kind: _QueueKind, item: Any, curator: User, action: str
) -> tuple[bool, django_forms.Form]:
    spec = kind.form_actions[action]
    form = spec.form(request.POST)
    if not form.is_valid():
        return False, form
    data = form.cleaned_data
    success = kind.successes.get(action, spec.success)
    return _run(request, lambda: spec.call(item, curator, data), success, form), form


def _run_edit(
    request: HttpRequest, kind: _QueueKind, item: Any, curator: User, action: str
) -> tuple[bool, Any]:
    """Save the edit form; with ``publish``, publish right after a successful save."""
    edit_form = kind.edit_form(request.POST, instance=kind.model.objects.get(pk=item.pk))
    if not edit_form.is_valid():
        return False, edit_form
    changes = edit_form.changes()
    done = _run(
        request,
        lambda: kind.edit(item, curator=curator, changes=changes),
        gettext("Changes saved."),
        edit_form,
    )
    if done and action == "publish":
        done = _run(request, lambda: kind.publish(item, curator=curator), kind.published, edit_form)
    return done, edit_form


def _queue_item(request: HttpRequest, pk: int, kind: _QueueKind) -> HttpResponse:
    """The curator's page of one suggestion or nomination and the actions sent from it."""
    item = cast(
        "Suggestion | Nomination",
        get_object_or_404(kind.model.objects.select_related(*kind.related), pk=pk),
    )
    curator = _actor(request)
    context: dict[str, Any] = {"edit_form": kind.edit_form(instance=item)}
    context.update({spec.context_name: spec.form() for spec in kind.form_actions.values()})
    action = request.POST.get("action", "") if request.method == "POST" else ""
    done = False
    # Said on the page itself: the forms are hidden when the item is not the curator's to act on.
    refused = services.refusal(item, curator) if action and action != "release" else ""
    if refused:
        messages.error(request, refused)
    elif action in _PLAIN_ACTIONS:
        call, success = _PLAIN_ACTIONS[action]
        done = _run(
            request,
            lambda: call(item, curator=curator),
            kind.successes.get(action, success),
        )
    elif action in kind.form_actions:
        spec = kind.form_actions[action]
        done, context[spec.context_name] = _run_form_action(request, kind, item, curator, action)
    elif action in {"save", "publish"}:
        done, context["edit_form"] = _run_edit(request, kind, item, curator, action)
    elif action:
        messages.error(request, gettext("Unknown action."))
    if done:
        return redirect(kind.url_name, pk=pk)
    item.refresh_from_db()
    context.update(
        item=item,
        can_act=item.is_open and item.claimed_by_id in (None, request.user.pk),
        **kind.context(request, item),
    )
    return render(request, kind.template, context, status=400 if action and not done else 200)


def _suggestion_context(request: HttpRequest, suggestion: Suggestion) -> dict[str, Any]:
    duplicates = find_duplicates(
        doi=suggestion.doi,
        pmid=suggestion.pmid,
        title=suggestion.title,
        published_only=False,
        exclude_pk=suggestion.resource_id,
    )
    compare = _compare_target(request, duplicates)
    return {
        "duplicates": duplicates,
        "similar": selectors.similar_open_suggestions(suggestion),
        "compare": compare,
        "comparison": _comparison(suggestion, compare) if compare else [],
    }


_SUGGESTION = _QueueKind(
    model=Suggestion,
    related=("resource_type", "claimed_by", "resource"),
    edit_form=forms.CuratorSuggestionForm,
    edit=services.edit_suggestion,
    publish=services.publish_suggestion,
    published=gettext_lazy("Published: the resource is in the library now."),
    successes={
        "claim": gettext_lazy("You have claimed this suggestion."),
        "decline": gettext_lazy("Declined; the suggester has been told why."),
        "ask": gettext_lazy("Question sent; the suggestion waits for an answer."),
    },
    url_name="contributions:suggestion",
    template="contributions/suggestion_detail.html",
    form_actions={"decline": _DECLINE, "ask": _ASK, "merge": _MERGE},
    context=_suggestion_context,
)
_NOMINATION = _QueueKind(
    model=Nomination,
    related=("claimed_by", "champion"),
    edit_form=forms.CuratorNominationForm,
    edit=services.edit_nomination,
    publish=services.publish_nomination,
    published=gettext_lazy("Published: the champion's page is public now."),
    successes={
        "claim": gettext_lazy("You have claimed this nomination."),
        "decline": gettext_lazy("Declined; the nominator has been told why."),
        "ask": gettext_lazy("Question sent; the nomination waits for an answer."),
    },
    url_name="contributions:nomination",
    template="contributions/nomination_detail.html",
    form_actions={"decline": _DECLINE, "ask": _ASK},
)


@curator_required
def suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _queue_item(request, pk, _SUGGESTION)


@curator_required
def nomination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _queue_item(request, pk, _NOMINATION)


def _compare_target(request: HttpRequest, duplicates: list[Any]) -> Resource | None:
    wanted = request.GET.get("compare", "")
    if wanted.isdigit():
        return Resource.objects.filter(pk=int(wanted)).select_related("resource_type").first()
    return duplicates[0].resource if duplicates else None


def _comparison(suggestion: Suggestion, resource: Resource) -> list[tuple[str, str, str, bool]]:
    """Rows of (label, suggestion value, resource value, differs) for the side-by-side view."""
    rows = []
    for name in (
        "title",
        "doi",
        "pmid",
        "url",
        "year",
        "venue",
        "organization",
        "resource_type",
        "description",
    ):
        label = capfirst(
            str(cast("Field[Any, Any]", Suggestion._meta.get_field(name)).verbose_name)
        )
        left = getattr(suggestion, name)
        right = getattr(resource, name)
        left_text = "" if left is None else str(left)
        right_text = "" if right is None else str(right)
        rows.append(
            (
                label,
                left_text,
                right_text,
                left_text.strip().casefold() != right_text.strip().casefold(),
            )
        )
    left_authors = "; ".join(Resource(authors=suggestion.authors).author_names())
    right_authors = "; ".join(resource.author_names())
    rows.insert(1, ("Authors", left_authors, right_authors, left_authors != right_authors))
    return rows


@curator_required
def resource_history(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource, pk=pk)
    return render(
        request,
        "contributions/resource_history.html",
        {"resource": resource, "entries": selectors.resource_history(resource)},
    )


@curator_required
@require_POST
def resource_revert(request: HttpRequest, pk: int, history_id: int) -> HttpResponse:
    resource = get_object_or_404(Resource, pk=pk)
    try:
        services.revert_resource(resource, curator=_actor(request), history_id=history_id)
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        messages.success(
            request, gettext("Reverted. The change is recorded in the history like any other.")
        )
    return redirect("contributions:resource-history", pk=pk)


# The two spotlight forms of the editor's page: its prefix and action name, form, service, message.
_SPOTLIGHT_FORMS: dict[
    str, tuple[type[django_forms.Form], Callable[..., object], _StrOrPromise]
] = {
    "resource": (
        forms.ResourceSpotlightForm,
        services.create_resource_spotlight,
        gettext_lazy("Resource Spotlight saved."),
    ),
    "champion": (
        forms.ChampionSpotlightForm,
        services.create_champion_spotlight,
        gettext_lazy("Champion Spotlight saved."),
    ),
}


@editor_required
def spotlights(request: HttpRequest) -> HttpResponse:
    editor = _actor(request)
    bound = {name: spec[0](prefix=name) for name, spec in _SPOTLIGHT_FORMS.items()}
    failed = False
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in _SPOTLIGHT_FORMS:
            form_class, create, success = _SPOTLIGHT_FORMS[action]
            form = bound[action] = form_class(request.POST, prefix=action)
            if form.is_valid():
                data = form.cleaned_data
                if _run(request, lambda: create(editor=editor, **data), success, form):
                    return redirect("contributions:spotlights")
        failed = True
    resource_form, champion_form = bound["resource"], bound["champion"]
    return render(
        request,
        "contributions/spotlights.html",
        {
            "resource_form": resource_form,
            "champion_form": champion_form,
            "resource_spotlights": ResourceSpotlight.objects.select_related("resource")[:50],
            "champion_spotlights": ChampionSpotlight.objects.select_related("champion")[:50],
            "current_resource": selectors.current_resource_spotlight(),
            "current_champion": selectors.current_champion_spotlight(),
        },
        status=400 if failed else 200,
    )


@editor_required
@require_POST
def spotlight_remove(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spotlight: ResourceSpotlight | ChampionSpotlight
    if kind == "resource":
        spotlight = get_object_or_404(ResourceSpotlight, pk=pk)
    elif kind == "champion":
        spotlight = get_object_or_404(ChampionSpotlight, pk=pk)
    else:
        raise Http404
    services.remove_spotlight(spotlight, editor=_actor(request))
    messages.success(request, gettext("Spotlight removed."))
    return HttpResponseRedirect(reverse("contributions:spotlights"))


@editor_required
def curators(request: HttpRequest) -> HttpResponse:
    """Who holds which role; the editor-in-chief grants and revokes the curator role here."""
    from socialmission.accounts import services as account_services

    form = forms.RoleForm()
    if request.method == "POST":
        form = forms.RoleForm(request.POST)
        if form.is_valid():
            user = form.cleaned_data["username"]
            role = form.cleaned_data["role"]
            revoke = request.POST.get("action") == "revoke"
            call = account_services.revoke_role if revoke else account_services.grant_role
            try:
                call(actor=_actor(request), user=user, role=role)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                done = (
                    gettext("%(user)s no longer holds the %(role)s role.")
                    if revoke
                    else gettext("%(user)s now holds the %(role)s role.")
                )
                messages.success(
                    request, done % {"user": user.username, "role": roles.role_label(role)}
                )
                return redirect("contributions:curators")
    holders = (
        User.objects.filter(groups__name__in=roles.ROLES, is_active=True)
        .prefetch_related("groups")
        .distinct()
        .order_by("username")
    )
    return render(
        request,
        "contributions/curators.html",
        {
            "form": form,
            "holders": [
                (
                    holder,
                    [
                        roles.role_label(group.name)
                        for group in holder.groups.all()
                        if group.name in roles.ROLES
                    ],
                )
                for holder in holders
            ],
        },
        status=400 if form.is_bound and form.errors else 200,
    )
