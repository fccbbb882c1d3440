"""The reviewer's own calibrated standing on their page: their accuracy with its interval,
per side when the sides differ, per category where they have answered enough, their
coherence — compared with the pool's mean, never with another reviewer's."""

from app.core.extensions import db
from app.jury.calibrated_standing import calibrated_standing
from app.jury.models import PracticeAnswer, Reviewer
from app.jury.rules import Side
from tests.helpers.factories import make_reviewers
from tests.helpers.pages import as_user, login, page


def answers(reviewer, side: Side, right: int, of: int, category: str | None = None) -> None:
    for n in range(of):
        db.session.add(
            PracticeAnswer(
                user_id=reviewer.id,
                practice_key=f"{side}-{category}-{n}",
                option="reject",
                correct=n < right,
                truth_side=side.value,
                category=category,
            )
        )
    db.session.flush()


def test_a_reviewer_sees_their_own_standing_and_the_pools_only(client):
    sharp, loose = make_reviewers(2)
    answers(sharp, Side.BUYER, 19, 20, "electronics")
    answers(sharp, Side.SELLER, 19, 20)
    answers(loose, Side.BUYER, 6, 20)
    answers(loose, Side.SELLER, 15, 20)
    db.session.get(Reviewer, sharp.id).resolved = 4
    db.session.get(Reviewer, sharp.id).coherent = 3
    db.session.flush()
    mine = calibrated_standing(db.session.get(Reviewer, sharp.id))
    theirs = calibrated_standing(db.session.get(Reviewer, loose.id))
    percent = lambda value: f"{round(value * 100)}%"  # noqa: E731

    login(client, sharp)
    html = page(client, "/review/")
    assert "How much your vote weighs" in html
    assert f"about {percent(mine.overall.accuracy)} of the time" in html
    assert f"reviewers overall: {percent(mine.overall.pool)}" in html
    assert percent(theirs.overall.accuracy) not in html
    assert ("When the right option favours" in html) == (mine.by_side is not None)
    assert "Electronics: about" in html  # twenty answers there
    assert "You voted with the final verdict in 75% of your decided cases" in html

    as_user(client, loose)
    html = page(client, "/review/")
    assert f"about {percent(theirs.overall.accuracy)} of the time" in html
    assert percent(mine.overall.accuracy) not in html
    # right far more often when the seller is right: each side is shown apart
    assert theirs.by_side is not None and "When the right option favours" in html
    assert theirs.by_side[Side.BUYER].accuracy < theirs.by_side[Side.SELLER].accuracy
    assert "No panel you voted on has a final verdict yet." in html
    assert "By category" not in html


def test_sides_that_agree_are_shown_as_one(client):
    [reviewer] = make_reviewers(1)
    answers(reviewer, Side.BUYER, 8, 10)
    answers(reviewer, Side.SELLER, 8, 10)
    standing = calibrated_standing(db.session.get(Reviewer, reviewer.id))
    assert standing.by_side is None and standing.answered == 20
    login(client, reviewer)
    assert "When the right option favours" not in page(client, "/review/")


def test_the_standing_reads_in_chinese(client):
    [reviewer] = make_reviewers(1)
    login(client, reviewer)
    client.post("/language", data={"locale": "zh_Hans"})
    html = page(client, "/review/")
    assert "你的一票有多少分量" in html and "全体评审员" in html
