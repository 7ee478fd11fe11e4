from django.urls import path

from socialmission.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("national/", views.national, name="national"),
    path("national/export.csv", views.national_export, name="national-export"),
    path("manage/", views.manage, name="manage"),
    path("manage/cycles/<int:pk>/reopen/", views.manage_reopen, name="manage-reopen"),
    path("institutions/<int:pk>/", views.institution, name="institution"),
    path("institutions/<int:pk>/invite/", views.invite, name="invite"),
    path("institutions/<int:pk>/cycles/new/", views.new_cycle, name="new-cycle"),
    path("members/<int:pk>/remove/", views.remove_member, name="remove-member"),
    path("members/<int:pk>/role/", views.member_role, name="member-role"),
    path("invitations/<link_token:token>/", views.invitation, name="invitation"),
    path("cycles/<int:pk>/", views.cycle, name="cycle"),
    path("cycles/<int:pk>/domains/<slug:slug>/", views.domain, name="domain"),
    path("cycles/<int:pk>/answers/<str:indicator>/", views.answer, name="answer"),
    path("cycles/<int:pk>/submit/", views.submit, name="submit"),
    path("cycles/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("cycles/<int:pk>/report/", views.report, name="report"),
    path("cycles/<int:pk>/answers.csv", views.answers_export, name="answers-export"),
    path("cycles/<int:pk>/scores.csv", views.scores_export, name="scores-export"),
    path("cycles/<int:pk>/share/", views.share, name="share"),
    path("share-links/<int:pk>/revoke/", views.revoke_share, name="revoke-share"),
    path("shared/<link_token:token>/", views.shared_report, name="shared-report"),
]
