from django.http import HttpRequest, HttpResponse


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def search_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def resource_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    return HttpResponse("")
