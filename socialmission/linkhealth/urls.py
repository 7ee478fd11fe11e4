"""Mounted at /contribute/queue/links/ (before the contributions URLs): curators only."""

from django.urls import path

from socialmission.linkhealth import views

app_name = "linkhealth"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/take-new-address/", views.take_new_address, name="take-new-address"),
    path("<int:pk>/checked-by-hand/", views.checked_by_hand, name="checked-by-hand"),
]
