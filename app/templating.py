"""What every template can see: the language form, unread count, scheduler health."""

from flask import Flask, request
from flask_babel import get_locale
from flask_login import current_user

from app.i18n import LanguageForm
from app.money import format_amount


def _layout_context() -> dict:
    from app.notifications.services import unread_count
    from app.scheduler.heartbeat import scheduler_is_stale

    context = {
        "language_form": LanguageForm(
            formdata=None, locale=str(get_locale()), next=request.full_path.rstrip("?")
        ),
        "current_locale_tag": lambda: str(get_locale()).replace("_", "-"),
        "unread_count": 0,
        "scheduler_stale": False,
    }
    if current_user.is_authenticated:
        context["unread_count"] = unread_count(current_user)
        if current_user.is_staff:
            context["scheduler_stale"] = scheduler_is_stale()
    return context


def init_app(app: Flask) -> None:
    app.context_processor(_layout_context)
    app.jinja_env.globals["format_amount"] = format_amount
