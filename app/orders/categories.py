"""The marketplace's item categories in words: one label per category, in the reader's
language, wherever a category is shown (orders, cases, the desk, reviewers' pages, the
analytics). The marketplace sends a category as a short English word ("electronics"); one it
sends that has no label here is shown as it came."""

from flask_babel import lazy_gettext as _l

CATEGORY_LABELS = {
    "beauty": _l("Beauty and personal care"),
    "books": _l("Books"),
    "clothing": _l("Clothing and shoes"),
    "electronics": _l("Electronics"),
    "food": _l("Food and drink"),
    "home": _l("Home and kitchen"),
    "jewellery": _l("Jewellery"),
    "sports": _l("Sports and outdoors"),
    "toys": _l("Toys and games"),
}


def category_label(category: str) -> str:
    return str(CATEGORY_LABELS.get(category, category))
