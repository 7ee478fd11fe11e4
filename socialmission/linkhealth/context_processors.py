"""What the library's resource page needs to show a curator this app's panel.

The library may not import this app; its resource template includes the template named by
``LINK_HEALTH_PANEL`` when there is one, and that template (ours) loads what it shows.
"""

from django.http import HttpRequest

PANEL_TEMPLATE = "linkhealth/includes/resource_panel.html"


def resource_panel(request: HttpRequest) -> dict[str, str]:
    return {"LINK_HEALTH_PANEL": PANEL_TEMPLATE}
