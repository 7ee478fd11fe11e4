"""The protocol endpoints, mounted at the site root."""

from django.urls import path

from socialmission.interop import views

app_name = "interop"
urlpatterns = [
    path("oai/", views.oai, name="oai"),
    path("robots.txt", views.robots_txt, name="robots"),
]
