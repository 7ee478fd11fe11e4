"""Public pages of reading guides, mounted at /guides/."""

from django.urls import path

from socialmission.guides import views

app_name = "guides"
urlpatterns = [
    path("", views.guide_list, name="list"),
    path("<slug:slug>/", views.guide_detail, name="detail"),
    path("<slug:slug>/export/<str:fmt>/", views.guide_export, name="export"),
]
