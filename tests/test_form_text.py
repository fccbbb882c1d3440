"""Every text field of every form refuses what no person types, beside the field.

Generated from the forms themselves: every module of ``app`` is imported, every form class
found, and every field a person types in (inputs and text areas, not hidden fields) is given
each hostile value. A new form or field is covered without touching this file.
"""

import importlib
import inspect
import pkgutil

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import TextAreaField

import app as app_package
from app import create_app
from app.assistant.advice import Advice, Situation
from app.cases.states import Remedy
from app.core.forms import SiteForm, is_typed_text, typed_text_problem

HOSTILE = {
    "NUL": "before\x00after",
    "escape": "red\x1b[31mtext",
    "bell": "ring\x07",
    "C1 control": "next\x85line",
    "right-to-left override": "invoice\u202egnp.exe",
    "isolate": "\u2066hidden\u2069",
}
LINE_BREAKS = {"newline": "first\nsecond", "line separator": "first\u2028second"}
# what a form's constructor may need, by the annotation of its parameter
ARGUMENT_BY_TYPE = {
    int: 7,
    list[str]: ["grant:full_refund:19900", "reject"],
    Advice: Advice(Situation.OTHER, None, (Remedy.FULL_REFUND,), None),
}


def _all_forms() -> list[type[FlaskForm]]:
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        importlib.import_module(module.name)
    found, pending = set(), [FlaskForm]
    while pending:
        for subclass in pending.pop().__subclasses__():
            if subclass.__module__.startswith("app.") and subclass not in found:
                found.add(subclass)
                pending.append(subclass)
    return sorted(found, key=lambda form: (form.__module__, form.__name__))


FORMS = [form for form in _all_forms() if form is not SiteForm]


def _build(form_class, formdata: MultiDict):
    """The form posted ``formdata``, with whatever its constructor requires (an obligation's
    id, a ballot's options)."""
    parameters = inspect.signature(form_class.__init__, eval_str=True).parameters.values()
    arguments = [
        ARGUMENT_BY_TYPE[parameter.annotation]
        for parameter in parameters
        if parameter.kind is parameter.POSITIONAL_OR_KEYWORD
        and parameter.name != "self"
        and parameter.default is parameter.empty
    ]
    form = form_class(*arguments, formdata=formdata, meta={"csrf": False})
    for field in form:
        if getattr(field, "choices", ()) is None:
            field.choices = []  # filled in by the view from the case it shows
    return form


def _typed_fields(app, form_class) -> list[tuple[str, str, bool]]:
    """(short name, posted name, is one line) of each field a person types in."""
    with app.test_request_context(method="POST"):
        form = _build(form_class, MultiDict({}))
        return [
            (field.short_name, field.name, not isinstance(field, TextAreaField))
            for field in form
            if is_typed_text(field)
        ]


def test_the_forms_are_found_and_every_one_is_a_site_form():
    names = {form.__name__ for form in FORMS}
    assert {"ClaimForm", "EvidenceForm", "LoginForm", "RegistrationForm", "NoteForm"} <= names
    assert [form.__name__ for form in FORMS if not issubclass(form, SiteForm)] == []


def _cases():
    app = create_app("testing")
    cases = []
    for form_class in FORMS:
        for short_name, posted_name, one_line in _typed_fields(app, form_class):
            values = {**HOSTILE, **(LINE_BREAKS if one_line else {})}
            for label, value in values.items():
                cases.append(
                    pytest.param(
                        form_class,
                        short_name,
                        posted_name,
                        value,
                        id=f"{form_class.__name__}.{short_name}-{label}",
                    )
                )
    return cases


CASES = _cases()


@pytest.mark.parametrize(("form_class", "short_name", "posted_name", "value"), CASES)
def test_hostile_text_is_refused_beside_its_field(app, form_class, short_name, posted_name, value):
    with app.test_request_context(method="POST"):
        form = _build(form_class, MultiDict({posted_name: value}))
        assert not form.validate()
        field = form[short_name]
        assert field.data == value  # the value reached the field
        assert str(typed_text_problem(field)) in field.errors


def test_the_typed_fields_of_the_forms_are_all_there():
    checked = {(param.values[0].__name__, param.values[1]) for param in CASES}
    assert {("ClaimForm", "description"), ("EvidenceForm", "text"), ("NoteForm", "text")} <= checked
    assert ("RegistrationForm", "display_name") in checked
    assert len({form for form, _field in checked}) >= 15
