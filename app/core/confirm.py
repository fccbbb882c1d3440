"""The confirmation step of an irreversible action, without JavaScript.

The form is posted twice. The first post is checked in full — the service call is made and
rolled back — and answered with a page that restates what will happen ("You are about to …
This cannot be undone.") carrying the posted values in hidden fields, with Confirm and Go
back. The second post, with ``confirmed``, acts. It also carries ``seen``, a fingerprint of
what the person was shown: if the thing has changed since (another proposal, another
mediator, another state), nothing is done and the confirmation is shown again with the
change.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from flask import render_template, request

from app.core.errors import Refused
from app.core.extensions import db

# the confirmation's own fields; every other posted field is carried to the second post
CONFIRMED, SEEN, GO_BACK = "confirmed", "seen", "go_back"
OWN_FIELDS = {"csrf_token", CONFIRMED, SEEN, GO_BACK}


class Step(StrEnum):
    ASK = "ask"  # show the confirmation
    ACT = "act"  # confirmed, about what is still there: do it
    CHANGED = "changed"  # confirmed, but about something that has changed since: ask again
    BACK = "back"  # the person went back to the form


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page says: ``title`` as its heading, ``consequences`` as what
    will happen (one sentence each), ``warnings`` above them (such as a colleague's case),
    and ``confirm_label`` on the button that acts."""

    title: str
    consequences: list[str]
    confirm_label: str
    back_url: str
    warnings: list[str] = field(default_factory=list)


def fingerprint(*parts: object) -> str:
    """A short digest of what a person is asked to confirm (its state, its version)."""
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:20]


def posted_step(seen: str) -> Step:
    """Which step this post is, given the fingerprint of the thing as it is now."""
    if GO_BACK in request.form:
        return Step.BACK
    if request.form.get(CONFIRMED) != "yes":
        return Step.ASK
    return Step.ACT if request.form.get(SEEN) == seen else Step.CHANGED


def refusal_of(transition: Callable[[], object]) -> Refused | None:
    """Make the service call and undo it: why it would be refused, or None if it would
    succeed. Nothing is kept, not even what succeeded."""
    try:
        transition()
    except Refused as error:
        return error
    finally:
        db.session.rollback()
    return None


def confirmed_action(
    seen: str,
    transition: Callable[[], object],
    confirmation: Callable[[], Confirmation | None],
    *,
    done: Callable[[], object],
    refused: Callable[[Refused], object],
    back: Callable[[], object],
):
    """One post of a form already validated: go ``back`` to it, ask, or make the service
    call and commit (then ``done``; ``refused`` if the service refuses, at either step).
    ``confirmation`` says what to ask, or None when this action needs no confirming."""
    step = posted_step(seen)
    if step is Step.BACK:
        return back()
    # what to ask is only built when it may be asked: a confirmed post goes straight on
    asked = None if step is Step.ACT else confirmation()
    if asked is None:
        try:
            transition()
        except Refused as error:
            db.session.rollback()
            return refused(error)
        db.session.commit()
        return done()
    error = refusal_of(transition)
    return refused(error) if error is not None else confirmation_page(asked, seen, step)


def confirmation_page(confirmation: Confirmation, seen: str, step: Step):
    """The page that asks, with the posted values carried over; 409 when what was confirmed
    has changed since."""
    carried = [
        (name, value)
        for name, values in request.form.lists()
        if name not in OWN_FIELDS
        for value in values
    ]
    changed = step is Step.CHANGED
    return render_template(
        "confirm.html", confirmation=confirmation, carried=carried, seen=seen, changed=changed
    ), (409 if changed else 200)
