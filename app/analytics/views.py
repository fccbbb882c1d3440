"""The staff dashboard (``/analytics``): every figure with its chart and its table, and
each figure's CSV. Mediators and admins read it."""

from flask import Blueprint, abort, render_template, request

from app.analytics.catalogue import FIGURES
from app.analytics.facts import facts_as_of
from app.analytics.figure import to_csv
from app.analytics.forms import FilterForm
from app.analytics.scope import Scope
from app.auth.guards import staff_required
from app.mediation.profiles import known_categories

bp = Blueprint("analytics", __name__, url_prefix="/analytics")


def _read_filters() -> tuple[FilterForm, Scope, dict]:
    """The filters as typed (with their errors), the scope they name (the default one when
    they do not validate) and the query string that names it again."""
    filters = FilterForm(formdata=request.args)
    filters.set_categories(known_categories())
    if filters.validate():
        return filters, filters.scope(), request.args.to_dict()
    return filters, FilterForm(formdata=None).scope(), {}


@bp.get("/")
@staff_required
def dashboard():
    filters, scope, query = _read_filters()
    return render_template(
        "analytics/dashboard.html",
        filters=filters,
        scope=scope,
        figures=[(key, build(scope)) for key, build in FIGURES.items()],
        query=query,
        as_of=facts_as_of(),
    )


@bp.get("/<key>.csv")
@staff_required
def export(key: str):
    build = FIGURES.get(key)
    if build is None:
        abort(404)
    _filters, scope, _query = _read_filters()
    filename = f"tribunal-{key}-{scope.start.isoformat()}-{scope.end.isoformat()}.csv"
    return (
        to_csv(build(scope)),
        200,
        {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )
