"""The jury's listeners to what happens to cases (``app.cases.signals``)."""

from app.cases.signals import case_decided
from app.jury.revision import revise_appealed_panel


def connect_signals() -> None:
    case_decided.connect(revise_appealed_panel)
