from django import template

from socialmission.library.models import Resource
from socialmission.linkhealth import selectors
from socialmission.linkhealth.models import Link

register = template.Library()


@register.simple_tag
def resource_links(resource: Resource) -> list[Link]:
    """The checked links of one resource (one query), for the curator's panel."""
    return selectors.links_of(resource)
