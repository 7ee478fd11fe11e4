"""Thin views of the self-assessment: each looks the user's membership up through ``selectors``
(``Http404`` for anyone else, so guessed ids reveal nothing) and changes state through ``services``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_htmx.middleware import HtmxDetails

from socialmission.accounts import roles
from socialmission.accounts.models import User
from socialmission.assessment import csv_io, selectors, services
from socialmission.assessment.forms import (
    AccountForm,
    CycleForm,
    InstitutionForm,
    InviteForm,
    RoleForm,
)
from socialmission.assessment.models import Cycle, Institution, Invitation, Membership, ShareLink


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
    user: User  # type: ignore[assignment]


def _csv(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _messages_for(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    texts = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    for text in texts:
        messages.error(request, text)


def _attempt(request: HttpRequest, call: Callable[[], object], success: str) -> bool:
    """Run a service; say ``success``, or each message of the refusal it raised."""
    try:
        call()
    except (ValidationError, PermissionDenied) as exc:
        _messages_for(request, exc)
        return False
    messages.success(request, success)
    return True


@require_safe
def index(request: HtmxHttpRequest) -> HttpResponse:
    return render(
        request,
        "assessment/index.html",
        {
            "memberships": selectors.memberships_of(request.user),
            "is_editor": roles.is_editor_in_chief(request.user),
        },
    )


# Editors-in-chief: institutions and their first lead, and reopening after a benchmark


def _require_editor(request: HttpRequest) -> None:
    if not roles.is_editor_in_chief(request.user):  # type: ignore[arg-type]
        raise PermissionDenied


@login_required
def manage(request: HtmxHttpRequest) -> HttpResponse:
    _require_editor(request)
    form = InstitutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        institution, _invitation = services.create_institution(
            actor=request.user,
            name=data["name"],
            lead_email=data["lead_email"],
            professions=data["professions"],
            ownership=data["ownership"],
            state=data["state"],
            country=data["country"],
        )
        messages.success(
            request,
            _("%(name)s created; its first lead has been invited.") % {"name": institution.name},
        )
        return redirect("assessment:manage")
    # Status only: an editor-in-chief sees which cycles exist, never their answers or scores.
    institutions = Institution.objects.prefetch_related("cycles__instrument").order_by("name")
    return render(
        request,
        "assessment/manage.html",
        {"form": form, "institutions": institutions},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def manage_reopen(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    cycle = Cycle.objects.filter(pk=pk).first()
    if cycle is None:
        raise Http404
    _attempt(
        request,
        lambda: services.reopen_cycle(cycle=cycle, actor=request.user),
        _("The cycle is open again."),
    )
    return redirect("assessment:manage")


# Institutions and teams


@login_required
def institution(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    institution, membership = selectors.institution_for_member(request.user, pk)
    context: dict[str, Any] = {
        "institution": institution,
        "membership": membership,
        "members": institution.memberships.select_related("user").order_by(
            "-role", "user__username"
        ),
        "cycles": institution.cycles.select_related("instrument").order_by("-year"),
        "invite_form": InviteForm(),
        "cycle_form": CycleForm(),
        "role_choices": Membership.Role.choices,
    }
    if membership.is_lead:
        context["invitations"] = institution.invitations.filter(accepted_at__isnull=True)
    return render(request, "assessment/institution.html", context)


@login_required
@require_POST
def invite(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    institution, _membership = selectors.institution_for_member(request.user, pk)
    form = InviteForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("email", []) + form.errors.get("role", []):
            messages.error(request, str(error))
    else:
        try:
            services.invite_member(
                institution=institution,
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
            messages.success(request, _("Invitation sent."))
        except (ValidationError, PermissionDenied) as exc:
            _messages_for(request, exc)
    return redirect(institution)


@login_required
@require_POST
def new_cycle(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    institution, _membership = selectors.institution_for_member(request.user, pk)
    form = CycleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a year between 2000 and 2200."))
        return redirect(institution)
    try:
        cycle = services.open_cycle(
            institution=institution,
            actor=request.user,
            year=form.cleaned_data["year"],
            instrument=form.cleaned_data["instrument"],
        )
    except (ValidationError, PermissionDenied) as exc:
        _messages_for(request, exc)
        return redirect(institution)
    return redirect(cycle)


def _membership_by_pk(request: HtmxHttpRequest, pk: int) -> Membership:
    target = Membership.objects.select_related("institution", "user").filter(pk=pk).first()
    if target is None or selectors.membership_for(request.user, target.institution) is None:
        raise Http404
    return target


@login_required
@require_POST
def remove_member(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    target = _membership_by_pk(request, pk)
    try:
        services.remove_member(membership=target, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _messages_for(request, exc)
        return redirect(target.institution)
    if target.user_id == request.user.pk:
        messages.success(request, _("You have left %(name)s.") % {"name": target.institution.name})
        return redirect("assessment:index")
    messages.success(request, _("Member removed."))
    return redirect(target.institution)


@login_required
@require_POST
def member_role(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    target = _membership_by_pk(request, pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        role = form.cleaned_data["role"]
        _attempt(
            request,
            lambda: services.set_role(membership=target, actor=request.user, role=role),
            _("Role changed."),
        )
    return redirect(target.institution)


def invitation(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """Accept an invitation: a signed-in user with the invited address joins; a visitor signs in
    or creates an account (with the invited address) here."""
    found = Invitation.objects.select_related("institution").filter(token=token).first()
    if found is None:
        raise Http404(_("No such invitation."))
    user = request.user if request.user.is_authenticated else None
    problem = services.invitation_problem(found, user)
    form = None
    if not problem and user is None:
        form = AccountForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            account = form.save(commit=False)
            account.email = found.email
            account.save()
            login(request, account, backend="django.contrib.auth.backends.ModelBackend")
            services.accept_invitation(invitation=found, user=account)
            messages.success(
                request, _("Welcome to the team of %(name)s.") % {"name": found.institution.name}
            )
            return redirect(found.institution)
    elif not problem and request.method == "POST":
        assert user is not None
        services.accept_invitation(invitation=found, user=user)
        messages.success(request, _("You have joined %(name)s.") % {"name": found.institution.name})
        return redirect(found.institution)
    status = 200
    if problem:
        status = 410 if found.accepted_at or "expired" in problem else 403
    elif form is not None and form.is_bound:
        status = 400
    return render(
        request,
        "assessment/invitation.html",
        {
            "invitation": found,
            "problem": problem,
            "form": form,
            "login_url": reverse("login") + "?next=" + request.path,
        },
        status=status,
    )


# Answering


def _open_cycle_for(request: HtmxHttpRequest, pk: int) -> tuple[Cycle, Membership]:
    return selectors.cycle_for_member(request.user, pk)


@login_required
@require_safe
def cycle(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    cycle, membership = _open_cycle_for(request, pk)
    return render(
        request,
        "assessment/cycle.html",
        {
            "cycle": cycle,
            "membership": membership,
            "progress": selectors.progress(cycle),
            "can_reopen": services.can_reopen(cycle, request.user),
            "share_links": cycle.share_links.live() if membership.is_lead else [],
        },
    )


def _fields(request: HttpRequest, indicator_id: str) -> dict[str, str]:
    return {
        "value": request.POST.get(f"value-{indicator_id}", ""),
        "comment": request.POST.get(f"comment-{indicator_id}", ""),
        "evidence": request.POST.get(f"evidence-{indicator_id}", ""),
    }


@login_required
def domain(request: HtmxHttpRequest, pk: int, slug: str) -> HttpResponse:
    cycle, membership = _open_cycle_for(request, pk)
    errors: dict[str, list[str]] = {}
    posted: dict[str, dict[str, str]] = {}
    if request.method == "POST":
        if cycle.is_submitted:
            messages.error(
                request, _("This cycle has been submitted; a lead must reopen it first.")
            )
            return redirect(cycle)
        domain_areas = selectors.domain_rows(cycle, slug)
        for area in domain_areas:
            for row in area.rows:
                fields = _fields(request, row.indicator.id)
                try:
                    services.save_answer(
                        cycle=cycle, actor=request.user, indicator_id=row.indicator.id, **fields
                    )
                except ValidationError as exc:
                    errors[row.indicator.id] = exc.messages
                    posted[row.indicator.id] = fields
        if not errors:
            messages.success(request, _("Answers saved."))
            return redirect("assessment:domain", pk=cycle.pk, slug=slug)
    elif request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    areas = selectors.domain_rows(cycle, slug)
    progress = selectors.progress(cycle)
    current = next(p for p in progress if p.slug == slug)
    index = progress.index(current)
    return render(
        request,
        "assessment/domain.html",
        {
            "cycle": cycle,
            "membership": membership,
            "areas": areas,
            "progress": progress,
            "current": current,
            "previous_domain": progress[index - 1] if index > 0 else None,
            "next_domain": progress[index + 1] if index + 1 < len(progress) else None,
            "errors": errors,
            "posted": posted,
            "locked": cycle.is_submitted,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def answer(request: HtmxHttpRequest, pk: int, indicator: str) -> HttpResponse:
    """Save one indicator's answer: htmx's autosave, and each indicator's own Save button."""
    cycle, _membership = _open_cycle_for(request, pk)
    try:
        area = cycle.instrument.parsed.area_of(indicator)
    except KeyError:
        raise Http404(_("No such indicator.")) from None
    slug = next(d.slug for d in cycle.instrument.parsed.domains if area in d.areas)
    errors: list[str] = []
    saved = None
    try:
        saved = services.save_answer(
            cycle=cycle, actor=request.user, indicator_id=indicator, **_fields(request, indicator)
        )
    except ValidationError as exc:
        errors = exc.messages
    if not request.htmx:
        if errors:
            for error in errors:
                messages.error(request, error)
        else:
            messages.success(request, _("Answer saved."))
        return HttpResponseRedirect(
            reverse("assessment:domain", kwargs={"pk": cycle.pk, "slug": slug})
            + f"#ind-{indicator}"
        )
    progress = selectors.progress(cycle)
    return render(
        request,
        "assessment/includes/answer_status.html",
        {
            "cycle": cycle,
            "indicator_id": indicator,
            "answer": saved,
            "errors": errors,
            "current": next(p for p in progress if p.slug == slug),
            "oob": True,
        },
    )


@login_required
@require_POST
def submit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    cycle, _membership = _open_cycle_for(request, pk)
    try:
        services.submit_cycle(cycle=cycle, actor=request.user)
        messages.success(request, _("Submitted. The cycle is locked; here is your report."))
        return redirect("assessment:report", pk=cycle.pk)
    except (ValidationError, PermissionDenied) as exc:
        _messages_for(request, exc)
    return redirect(cycle)


@login_required
@require_POST
def reopen(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    cycle, _membership = _open_cycle_for(request, pk)
    _attempt(
        request,
        lambda: services.reopen_cycle(cycle=cycle, actor=request.user),
        _("The cycle is open again."),
    )
    return redirect(cycle)


# Reports and exports


def _report(cycle: Cycle) -> selectors.Report:
    built = selectors.report(cycle)
    services.record_benchmark_use(cycle_ids=built.benchmark_peer_ids)
    return built


def _render_report(
    request: HttpRequest, cycle: Cycle, *, membership: Membership | None, shared: bool
) -> HttpResponse:
    return render(
        request,
        "assessment/report.html",
        {
            "cycle": cycle,
            "membership": membership,
            "report": _report(cycle),
            "shared": shared,
            "share_links": cycle.share_links.live() if membership and membership.is_lead else [],
        },
    )


@login_required
@require_safe
def report(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    cycle, membership = _open_cycle_for(request, pk)
    return _render_report(request, cycle, membership=membership, shared=False)


@require_safe
def shared_report(request: HttpRequest, token: str) -> HttpResponse:
    response = _render_report(request, selectors.shared_cycle(token), membership=None, shared=True)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _filename(cycle: Cycle, kind: str) -> str:
    return f"self-assessment-{cycle.pk}-{cycle.year}-{kind}.csv"


@login_required
@require_safe
def answers_export(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    cycle, _membership = _open_cycle_for(request, pk)
    return _csv(csv_io.answers_csv(cycle), _filename(cycle, "answers"))


@login_required
@require_safe
def scores_export(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    cycle, _membership = _open_cycle_for(request, pk)
    return _csv(csv_io.scores_csv(_report(cycle)), _filename(cycle, "scores"))


@login_required
@require_POST
def share(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    cycle, _membership = _open_cycle_for(request, pk)
    _attempt(
        request,
        lambda: services.create_share_link(cycle=cycle, actor=request.user),
        _("Share link created. Anyone holding it can read this report."),
    )
    return redirect("assessment:report", pk=cycle.pk)


@login_required
@require_POST
def revoke_share(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    link = ShareLink.objects.select_related("cycle__institution").filter(pk=pk).first()
    if link is None or selectors.membership_for(request.user, link.cycle.institution) is None:
        raise Http404
    _attempt(
        request,
        lambda: services.revoke_share_link(link=link, actor=request.user),
        _("Share link revoked."),
    )
    return redirect("assessment:report", pk=link.cycle_id)


# The national picture


@require_safe
def national(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assessment/national.html",
        {
            "pictures": selectors.national_pictures(),
            "is_editor": roles.is_editor_in_chief(request.user),  # type: ignore[arg-type]
        },
    )


@login_required
@require_safe
def national_export(request: HtmxHttpRequest) -> HttpResponse:
    _require_editor(request)
    return _csv(csv_io.national_csv(selectors.national_pictures()), "self-assessment-national.csv")
