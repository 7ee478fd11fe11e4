"""Pages for contributors (suggest, nominate, status) and curators (queue, history, spotlights).

Views stay thin: forms validate, ``services`` change state, ``selectors`` read. Role checks
happen here (to answer 403 early) and again in every service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Field
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from socialmission.accounts import roles
from socialmission.accounts.decorators import curator_required, editor_required
from socialmission.accounts.models import User
from socialmission.contributions import forms, selectors, services
from socialmission.contributions.duplicates import find_duplicates
from socialmission.contributions.models import (
    Champion,
    ChampionSpotlight,
    Nomination,
    ResourceSpotlight,
    Status,
    Suggestion,
)
from socialmission.contributions.records import parse_pasted_record
from socialmission.core import abuse
from socialmission.library.models import Resource


def _actor(request: HttpRequest) -> User:
    """The signed-in user; only called behind ``curator_required`` / ``editor_required``."""
    return cast(User, request.user)


def _error_messages(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


# Contributors


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "contributions/index.html")


def _rate_limited(request: HttpRequest, status: abuse.RateStatus) -> HttpResponse | None:
    if status.allowed:
        return None
    response = render(
        request,
        "contributions/rate_limited.html",
        {"minutes": max(1, status.retry_after // 60)},
        status=429,
    )
    response["Retry-After"] = str(status.retry_after)
    return response


def _spam_error(request: HttpRequest) -> str:
    if request.POST.get(abuse.HONEYPOT_FIELD):
        return "Leave the field labelled “Leave this empty” empty, then send the form again."
    return abuse.fill_time_error(request.POST.get(abuse.STARTED_FIELD, ""))


def _initial_from_post(post: QueryDict, extra: dict[str, Any]) -> dict[str, Any]:
    """What the visitor typed, as form initial data, with the pasted record's values on top."""
    initial: dict[str, Any] = {}
    for key in post:
        values = post.getlist(key)
        initial[key] = values if key in services.SUGGESTION_M2M else values[-1]
    initial.update(extra)
    return initial


@never_cache
def suggest(request: HttpRequest) -> HttpResponse:
    paste_form = forms.PasteForm()
    form: forms.SuggestionForm
    duplicates: list[Any] = []
    paste_error = ""
    if request.method != "POST":
        form = forms.SuggestionForm()
    elif request.POST.get("action") == "fill":
        paste_form = forms.PasteForm(request.POST)
        record_text = request.POST.get("record", "")
        result = parse_pasted_record(record_text)
        paste_error = result.error
        form = forms.SuggestionForm(initial=_initial_from_post(request.POST, result.data))
        if not result.error:
            messages.info(
                request, "The form is filled from your record: check each field, then send it."
            )
    else:
        limited = _rate_limited(request, abuse.check_rate(request))
        if limited:
            return limited
        form = forms.SuggestionForm(request.POST)
        spam = _spam_error(request)
        if spam:
            abuse.record_submission(request)
            form.is_valid()
            form.add_error(None, spam)
        elif form.is_valid():
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
            "duplicates": duplicates,
            "started": abuse.start_stamp(),
            "honeypot": abuse.HONEYPOT_FIELD,
        },
        status=400 if form.is_bound and (form.errors or duplicates) else 200,
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
        spam = _spam_error(request)
        if spam:
            abuse.record_submission(request)
            form.is_valid()
            form.add_error(None, spam)
        elif form.is_valid():
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
        raise Http404("No contribution has this status link.")
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
                messages.success(request, "Thank you: your answer is with the curators.")
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
@require_POST
def bulk_decline(request: HttpRequest) -> HttpResponse:
    form = forms.BulkDeclineForm(request.POST)
    if not form.is_valid():
        for message in form.non_field_errors() or ["Some selected items are no longer open."]:
            messages.error(request, str(message))
        return redirect("contributions:queue")
    data = form.cleaned_data
    items = [*data["suggestions"], *data["nominations"]]
    count = services.bulk_decline(items, curator=_actor(request), reason=data["reason"])
    skipped = len(items) - count
    text = f"Declined {count} item{'s' if count != 1 else ''}."
    if skipped:
        text += f" {skipped} left alone: claimed by another curator or no longer open."
    messages.success(request, text)
    return redirect("contributions:queue")


def _run(
    request: HttpRequest, action: Callable[[], Any], success: str, form: Any | None = None
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


@dataclass
class _CommonForms:
    """The decline and question forms both queue pages show, bound when that action was sent."""

    decline: forms.DeclineForm = field(default_factory=forms.DeclineForm)
    question: forms.QuestionForm = field(default_factory=forms.QuestionForm)


def _common_action(
    request: HttpRequest,
    item: services.Item,
    *,
    curator: User,
    action: str,
    noun: str,
    person: str,
    common: _CommonForms,
) -> bool | None:
    """Claim, release, decline and ask, alike for suggestions and nominations.

    Returns whether the action succeeded, or None when ``action`` is not one of these.
    """
    if action == "claim":
        return _run(
            request, lambda: services.claim(item, curator=curator), f"You have claimed this {noun}."
        )
    if action == "release":
        return _run(request, lambda: services.release(item, curator=curator), "Claim released.")
    if action == "decline":
        common.decline = forms.DeclineForm(request.POST)
        if not common.decline.is_valid():
            return False
        reason = common.decline.cleaned_data["reason"]
        return _run(
            request,
            lambda: services.decline(item, curator=curator, reason=reason),
            f"Declined; the {person} has been told why.",
            common.decline,
        )
    if action == "ask":
        common.question = forms.QuestionForm(request.POST)
        if not common.question.is_valid():
            return False
        question = common.question.cleaned_data["question"]
        return _run(
            request,
            lambda: services.ask_question(item, curator=curator, question=question),
            f"Question sent; the {noun} waits for an answer.",
            common.question,
        )
    return None


@curator_required
def suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(
        Suggestion.objects.select_related("resource_type", "claimed_by", "resource"), pk=pk
    )
    curator = _actor(request)
    edit_form = forms.CuratorSuggestionForm(instance=suggestion)
    common = _CommonForms()
    merge_form = forms.MergeForm()
    action = request.POST.get("action", "") if request.method == "POST" else ""
    handled = _common_action(
        request,
        suggestion,
        curator=curator,
        action=action,
        noun="suggestion",
        person="suggester",
        common=common,
    )
    done = False
    if handled is not None:
        done = handled
    elif action in {"save", "publish"}:
        edit_form = forms.CuratorSuggestionForm(
            request.POST, instance=Suggestion.objects.get(pk=pk)
        )
        if edit_form.is_valid():
            changes = edit_form.changes()
            done = _run(
                request,
                lambda: services.edit_suggestion(suggestion, curator=curator, changes=changes),
                "Changes saved.",
                edit_form,
            )
            if done and action == "publish":
                done = _run(
                    request,
                    lambda: services.publish_suggestion(suggestion, curator=curator),
                    "Published: the resource is in the library now.",
                    edit_form,
                )
    elif action == "merge":
        merge_form = forms.MergeForm(request.POST)
        if merge_form.is_valid():
            target = merge_form.cleaned_data["target"]
            done = _run(
                request,
                lambda: services.merge_suggestion(suggestion, curator=curator, into=target),
                "Merged into the existing resource.",
                merge_form,
            )
    elif action:
        messages.error(request, "Unknown action.")
    if done:
        return redirect("contributions:suggestion", pk=pk)
    suggestion.refresh_from_db()
    duplicates = find_duplicates(
        doi=suggestion.doi,
        pmid=suggestion.pmid,
        title=suggestion.title,
        published_only=False,
        exclude_pk=suggestion.resource_id,
    )
    compare = _compare_target(request, duplicates)
    return render(
        request,
        "contributions/suggestion_detail.html",
        {
            "item": suggestion,
            "edit_form": edit_form,
            "decline_form": common.decline,
            "question_form": common.question,
            "merge_form": merge_form,
            "duplicates": duplicates,
            "similar": selectors.similar_open_suggestions(suggestion),
            "compare": compare,
            "comparison": _comparison(suggestion, compare) if compare else [],
            "can_act": suggestion.is_open and suggestion.claimed_by_id in (None, request.user.pk),
        },
        status=400 if action and not done else 200,
    )


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
def nomination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = get_object_or_404(
        Nomination.objects.select_related("claimed_by", "champion"), pk=pk
    )
    curator = _actor(request)
    edit_form = forms.CuratorNominationForm(instance=nomination)
    common = _CommonForms()
    action = request.POST.get("action", "") if request.method == "POST" else ""
    handled = _common_action(
        request,
        nomination,
        curator=curator,
        action=action,
        noun="nomination",
        person="nominator",
        common=common,
    )
    done = False
    if handled is not None:
        done = handled
    elif action in {"save", "publish"}:
        edit_form = forms.CuratorNominationForm(
            request.POST, instance=Nomination.objects.get(pk=pk)
        )
        if edit_form.is_valid():
            changes = dict(edit_form.cleaned_data)
            done = _run(
                request,
                lambda: services.edit_nomination(nomination, curator=curator, changes=changes),
                "Changes saved.",
                edit_form,
            )
            if done and action == "publish":
                done = _run(
                    request,
                    lambda: services.publish_nomination(nomination, curator=curator),
                    "Published: the champion's page is public now.",
                    edit_form,
                )
    elif action:
        messages.error(request, "Unknown action.")
    if done:
        return redirect("contributions:nomination", pk=pk)
    nomination.refresh_from_db()
    return render(
        request,
        "contributions/nomination_detail.html",
        {
            "item": nomination,
            "edit_form": edit_form,
            "decline_form": common.decline,
            "question_form": common.question,
            "can_act": nomination.is_open and nomination.claimed_by_id in (None, request.user.pk),
        },
        status=400 if action and not done else 200,
    )


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
        messages.success(request, "Reverted. The change is recorded in the history like any other.")
    return redirect("contributions:resource-history", pk=pk)


@editor_required
def spotlights(request: HttpRequest) -> HttpResponse:
    editor = _actor(request)
    resource_form = forms.ResourceSpotlightForm(prefix="resource")
    champion_form = forms.ChampionSpotlightForm(prefix="champion")
    failed = False
    if request.method == "POST":
        if request.POST.get("action") == "resource":
            resource_form = forms.ResourceSpotlightForm(request.POST, prefix="resource")
            if resource_form.is_valid():
                data = resource_form.cleaned_data
                if _run(
                    request,
                    lambda: services.create_resource_spotlight(editor=editor, **data),
                    "Resource Spotlight saved.",
                    resource_form,
                ):
                    return redirect("contributions:spotlights")
        elif request.POST.get("action") == "champion":
            champion_form = forms.ChampionSpotlightForm(request.POST, prefix="champion")
            if champion_form.is_valid():
                data = champion_form.cleaned_data
                if _run(
                    request,
                    lambda: services.create_champion_spotlight(editor=editor, **data),
                    "Champion Spotlight saved.",
                    champion_form,
                ):
                    return redirect("contributions:spotlights")
        failed = True
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
    messages.success(request, "Spotlight removed.")
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
                verb = "no longer holds" if revoke else "now holds"
                messages.success(request, f"{user.username} {verb} the {role} role.")
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
        {"form": form, "holders": holders, "roles": roles.ROLES},
        status=400 if form.is_bound and form.errors else 200,
    )
