"""The admins hear when deliveries disable a webhook endpoint (it failed throughout, or
answered 410 Gone): a message to each admin's inbox and e-mail, in their language, queued
in the transaction that disabled it. An admin who disables one by hand is told nothing."""

from flask_babel import gettext as _

from app.auth.models import Role
from app.auth.services import holders_of
from app.core.zones import format_zoned
from app.notifications.models import MailKind
from app.notifications.outbox import queue_for_each
from app.notifications.webhooks.endpoints import GONE, endpoint_disabled
from app.notifications.webhooks.models import WebhookEndpoint


def tell_admins(endpoint: WebhookEndpoint) -> None:
    admins = holders_of(Role.ADMIN)

    def body() -> str:
        if endpoint.disabled_reason == GONE:
            why = _("It answered 410 Gone, which says it no longer takes webhooks.")
        else:
            why = _(
                "Every delivery to it has failed since %(since)s.",
                since=format_zoned(endpoint.failing_since),
            )
        return " ".join(
            (
                _("Webhook endpoint %(url)s is disabled.", url=endpoint.url),
                why,
                _(
                    "Events are no longer sent to it. Once it works again, enable it and send "
                    "again what it missed from its delivery log."
                ),
            )
        )

    queue_for_each(
        admins,
        f"webhook-endpoint-{endpoint.id}:disabled-{endpoint.disabled_at:%Y%m%d%H%M%S%f}",
        lambda: _("A webhook endpoint was disabled"),
        body,
        link=f"/admin/webhooks/{endpoint.id}",
        kind=MailKind.STAFF_WORK,
    )


def connect_signals() -> None:
    endpoint_disabled.connect(tell_admins)
