"""The jury's listeners to what happens to cases (``app.cases.signals``) and to its own
draws."""

from app.cases.signals import case_decided
from app.jury.drawing import seats_drawn
from app.jury.gold.seats import offer_gold_seats
from app.jury.revision import revise_appealed_panel


def connect_signals() -> None:
    case_decided.connect(revise_appealed_panel)
    seats_drawn.connect(offer_gold_seats)
