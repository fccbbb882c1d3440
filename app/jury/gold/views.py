"""The gold bank for staff: the list of gold cases (retire one), and a closed case confirmed
as clear-cut with its right option; the case page offers it on a closed case
(docs/gold-cases.md)."""

from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import RadioField
from wtforms.validators import InputRequired

from app.auth.guards import staff_required
from app.cases.forms import ConfirmForm
from app.cases.models import Case
from app.core.confirm import Confirmation, confirmed_action, fingerprint
from app.core.extensions import db
from app.core.forms import SiteForm, apply_error
from app.jury import ballot
from app.jury.gold.bank import (
    add_case_to_bank,
    bank,
    gold_refusal,
    panel_verdict,
    retire_gold_case,
    source_panel,
)
from app.jury.gold.models import GoldCase, GoldSource
from app.jury.practice import OPTION_LABELS, shown

bp = Blueprint("gold", __name__, url_prefix="/gold-bank")


class GoldAnswerForm(SiteForm):
    # the options are posted by their place on the panel's ballot
    answer = RadioField(
        _l("The right option"),
        choices=[],
        validators=[InputRequired(_l("Choose the option that was right."))],
    )

    def __init__(self, options: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.answer.choices = [(str(place), ballot.label(key)) for place, key in enumerate(options)]


@bp.app_context_processor
def _gold_template_helpers() -> dict:
    """What the case page's gold-bank offer (``jury/gold/_offer.html``) asks."""
    return {"may_add_to_gold_bank": _may_add}


def _may_add(case: Case, user) -> bool:
    return user.is_authenticated and gold_refusal(case, user) is None


@bp.get("")
@staff_required
def index():
    return render_template(
        "jury/gold/bank.html",
        golds=[_listed(gold) for gold in bank()],
        retire_form=ConfirmForm(formdata=None),
    )


def _listed(gold: GoldCase) -> SimpleNamespace:
    if gold.source == GoldSource.PRACTICE.value:
        practice = shown(gold)
        question, answer = practice.question, OPTION_LABELS[gold.answer]
    else:
        question, answer = gold.panel.question, ballot.label(gold.answer)
    return SimpleNamespace(
        id=gold.id,
        key=gold.key,
        source=gold.source,
        case_id=gold.case_id,
        question=question,
        answer=answer,
        category=gold.category,
        added_at=gold.added_at,
        retired_at=gold.retired_at,
    )


def _case(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:
        abort(404)
    return case


@bp.get("/cases/<int:case_id>")
@staff_required
def add_form(case_id: int):
    return _render_add(_case(case_id))


def _render_add(case: Case, form: GoldAnswerForm | None = None, status: int = 200):
    refusal = gold_refusal(case, current_user)
    panel = source_panel(case)
    if form is None and panel is not None:
        form = GoldAnswerForm(panel.options, formdata=None)
        verdict = panel_verdict(panel)
        if verdict in panel.options:
            form.answer.data = str(panel.options.index(verdict))
    return render_template(
        "jury/gold/add.html", case=case, panel=panel, refusal=refusal, form=form
    ), status


@bp.post("/cases/<int:case_id>/add")
@staff_required
def add(case_id: int):
    case = _case(case_id)
    panel = source_panel(case)
    form = GoldAnswerForm(panel.options if panel is not None else [])
    if not form.validate_on_submit():
        return _render_add(case, form, 400)
    answer = panel.options[int(form.answer.data)]

    def done():
        flash(_("Case #%(id)d is in the gold bank.", id=case.id), "success")
        return redirect(url_for("gold.index"))

    def refused(error):
        apply_error(form, error)
        return _render_add(case, form, 400)

    return confirmed_action(
        fingerprint(case.id, case.state, answer),
        lambda: add_case_to_bank(case, current_user, answer),
        lambda: Confirmation(
            title=_("Add case #%(id)d to the gold bank?", id=case.id),
            consequences=[
                _("The right option is recorded as: %(option)s.", option=ballot.label(answer)),
                _(
                    "Reviewers are seated on it now and then like on any case, and graded "
                    "against that option."
                ),
            ],
            confirm_label=_("Add to the gold bank"),
            back_url=url_for("gold.add_form", case_id=case.id),
        ),
        done=done,
        refused=refused,
        back=lambda: _render_add(case, form),
    )


@bp.post("/<int:gold_id>/retire")
@staff_required
def retire(gold_id: int):
    gold = db.session.get(GoldCase, gold_id)
    if gold is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)

    def done():
        flash(_("The gold case is retired: it is drawn for no one from now on."), "success")
        return redirect(url_for("gold.index"))

    def refused(error):
        flash(str(error), "error")
        return redirect(url_for("gold.index"))

    return confirmed_action(
        fingerprint(gold.id, gold.retired_at),
        lambda: retire_gold_case(gold, current_user),
        lambda: Confirmation(
            title=_("Retire this gold case?"),
            consequences=[
                _("No practice set and no gold seat draws it from now on."),
                _("The answers already given to it stay in the reviewers' records."),
            ],
            confirm_label=_("Retire the gold case"),
            back_url=url_for("gold.index"),
        ),
        done=done,
        refused=refused,
        back=lambda: redirect(url_for("gold.index")),
    )
