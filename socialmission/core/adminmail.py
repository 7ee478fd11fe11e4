"""Django's error e-mail to the admins, with private links masked.

The e-mail names the request's address in its subject and carries the request's details in its
body (the address again, the Referer, ``META``'s ``PATH_INFO``, ``QUERY_STRING`` and
``REQUEST_URI``). A private link there (a contribution's status link, an alert's unsubscribe
link, …) would put its bearer token in every admin's mailbox, so the subject and the body go
through ``logmasking.mask_private_links`` as every log line does.
"""

from __future__ import annotations

from typing import Any

from django.utils.log import AdminEmailHandler

from socialmission.core.logmasking import mask_private_links


class MaskingAdminEmailHandler(AdminEmailHandler):
    def send_mail(self, subject: Any, message: Any, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("html_message"):
            kwargs["html_message"] = mask_private_links(str(kwargs["html_message"]))
        super().send_mail(
            mask_private_links(str(subject)), mask_private_links(str(message)), *args, **kwargs
        )
