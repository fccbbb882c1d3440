"""Language choice: the visitor's pick if they made one, else the browser's."""

from flask import Blueprint, current_app, has_request_context, redirect, request, session, url_for
from flask_login import current_user
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from app.core.extensions import db
from app.core.forms import SiteForm
from app.core.urls import safe_next_url

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    if not has_request_context():  # a sweep or a command: messages pick their own language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    for tag, _quality in request.accept_languages:
        primary = tag.replace("-", "_").split("_")[0].lower()
        for code in languages:
            if code.split("_")[0] == primary:
                return code
    return current_app.config["BABEL_DEFAULT_LOCALE"]


class LanguageForm(SiteForm):
    locale = SelectField(validators=[DataRequired()])
    next = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = [
            SelectChoice(code, name) for code, name in current_app.config["LANGUAGES"].items()
        ]


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:  # notifications follow the person's choice
            current_user.locale = form.locale.data
            db.session.commit()
    return redirect(safe_next_url(form.next.data) or url_for("public.index"))
