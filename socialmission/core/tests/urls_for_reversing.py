"""A URLconf for test_reversing: the search somewhere else."""

from django.http import HttpResponse
from django.urls import include, path


def _view(request: object) -> HttpResponse:
    return HttpResponse()


library = ([path("elsewhere/", _view, name="search")], "library")
urlpatterns = [path("", include(library))]
