"""Mounted at /contribute/: public forms and status links, champion pages, the curator queue."""

from django.urls import path

from socialmission.contributions import views

app_name = "contributions"
urlpatterns = [
    path("", views.index, name="index"),
    path("resource/", views.suggest, name="suggest"),
    path("resource/lookup/", views.lookup_status, name="lookup-status"),
    path("champion/", views.nominate, name="nominate"),
    path("status/<str:token>/", views.status, name="status"),
    path("champions/", views.champion_list, name="champions"),
    path("champions/<int:pk>-<slug:slug>/", views.champion_detail, name="champion"),
    path("champions/<int:pk>/", views.champion_detail, name="champion-short"),
    path("queue/", views.queue, name="queue"),
    path("queue/bulk-decline/", views.bulk_decline, name="bulk-decline"),
    path("queue/drafts/", views.drafts, name="drafts"),
    path("queue/notifications/", views.notices, name="notices"),
    path("queue/suggestions/<int:pk>/", views.suggestion_detail, name="suggestion"),
    path("queue/nominations/<int:pk>/", views.nomination_detail, name="nomination"),
    path("queue/resources/<int:pk>/history/", views.resource_history, name="resource-history"),
    path(
        "queue/resources/<int:pk>/history/<int:history_id>/revert/",
        views.resource_revert,
        name="resource-revert",
    ),
    path("queue/spotlights/", views.spotlights, name="spotlights"),
    path("queue/curators/", views.curators, name="curators"),
    path(
        "queue/spotlights/<str:kind>/<int:pk>/remove/",
        views.spotlight_remove,
        name="spotlight-remove",
    ),
]
