"""Who may reach EVERY route of the app, in one explicit table: each (endpoint, method) of
the URL map (static aside) × ten roles, and the world each route is tried in.

The roles, in the column order of every row:

    anonymous, buyer, seller, another buyer, another seller, seated reviewer (a seat on this
    world's panel), unseated reviewer (active, drawn onto nothing), the case's mediator,
    another mediator, admin.

``build_world`` builds, for one row, the parties, the staff, a case in the row's state, and a
case before a panel of reviewers, whose seat and photo the reviewer routes use. Anonymous
visitors of the web pages are sent to log in (302); the bearer-token API answers 401 with a
problem document, whoever is logged in to the site.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from app.auth.models import Role
from app.cases import timers as case_timers
from app.core import clock
from app.core.extensions import db
from app.execution.enforcement import enforce_missed_obligation
from app.execution.models import SellingRestriction
from app.jury.gold.models import GoldCase
from app.jury.models import PanelDraw, Seat
from app.mediation import services as mediation
from app.notifications.delivery import deliver_outbox
from app.notifications.models import InboxItem
from app.notifications.outbox import OutboxMessage, queue_message
from app.notifications.webhooks.endpoints import add_endpoint, disable_endpoint
from app.notifications.webhooks.events import queue_event
from app.notifications.webhooks.models import WebhookEndpoint
from tests.helpers.case_factories import (
    PANEL_QUESTION,
    PANEL_SUMMARY,
    RETURN_REASON,
    add_photo,
    make_case,
)
from tests.helpers.factories import make_order, make_reviewers, make_user
from tests.helpers.gold import closed_panel_case
from tests.helpers.obligations import missed_obligation
from tests.helpers.routes import (
    CLAIM,
    DECISION,
    PANEL,
    SAVED_FILTER,
    SETTLEMENT,
    question_to_buyer,
    refund_marked_done,
    refund_step,
    released_pdf,
    released_video,
    reviewer_pool,
    saved_filter_of_mediator,
)

ROLES = (
    "anonymous",
    "buyer",
    "seller",
    "other_buyer",
    "other_seller",
    "seated_reviewer",
    "unseated_reviewer",
    "mediator",
    "other_mediator",
    "admin",
)


@dataclass(frozen=True)
class Row:
    """A route, the case state it is tried in (None: an order without a case), what is sent
    (None: a GET; ``json``: sent as a JSON body), and the status of each role in the order
    of ``ROLES``. ``setup`` prepares what the route acts on and names it for the URL."""

    state: str | None
    url: str
    data: dict | list | None
    statuses: tuple[int, ...]
    setup: Callable | None = None
    json: bool = False

    def __post_init__(self):
        assert len(self.statuses) == len(ROLES), self

    def expected(self, role: str) -> int:
        return self.statuses[ROLES.index(role)]


def S(*statuses: int) -> tuple[int, ...]:  # noqa: N802  (reads as a table row)
    """anon, buyer, seller, o.buyer, o.seller, seated, unseated, mediator, o.mediator, admin"""
    return statuses


# Setups for the routes outside the cases tables


def first_draw(case, _people) -> dict:
    return {
        "draw": db.session.scalar(select(PanelDraw.id).where(PanelDraw.panel.has(case_id=case.id)))
    }


def inbox_item_of_buyer(_case, people) -> dict:
    queue_message(people["buyer"], "matrix", "Matrix test", "Something.", channels=("inbox",))
    deliver_outbox()
    item = db.session.scalar(
        select(InboxItem).where(
            InboxItem.user_id == people["buyer"].id, InboxItem.subject == "Matrix test"
        )
    )
    return {"item": item.id}


def role_target(_case, _people) -> dict:
    return {"target": make_user().id}


def locked_target(_case, _people) -> dict:
    target = make_user()
    target.disabled_at = clock.now()
    return {"target": target.id}


def reviewer_target(_case, _people) -> dict:
    [reviewer] = make_reviewers(1)
    return {"target": reviewer.id}


def active_restriction(_case, _people) -> dict:
    obligation = missed_obligation()
    enforce_missed_obligation(obligation)
    restriction = db.session.scalar(
        select(SellingRestriction).where(SellingRestriction.obligation_id == obligation.id)
    )
    return {"restriction": restriction.id}


def webhook_endpoint(_case, _people) -> dict:
    """An endpoint with one message delivered to it."""
    endpoint, _secret = add_endpoint("http://127.0.0.1:9/hook", "*", None)
    queue_event("case.opened", {"case": {"id": 1}})
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.endpoint_id == endpoint.id)
    )
    message.sent_at = clock.now()
    return {"endpoint": endpoint.id, "message": message.id}


def disabled_webhook_endpoint(case, people) -> dict:
    names = webhook_endpoint(case, people)
    disable_endpoint(db.session.get(WebhookEndpoint, names["endpoint"]), None)
    return names


def closed_case_for_gold(_case, _people) -> dict:
    return {"gold_case": closed_panel_case().id}


def practice_gold_case(_case, _people) -> dict:
    return {"gold": db.session.scalar(select(GoldCase.id).order_by(GoldCase.id).limit(1))}


VOTE = {"option": "0", "reason": "The courier's photo shows the box crushed on arrival."}
BAD_LOGIN = {"email": "nobody@example.com", "password": "not the password"}
#                    anon buyer seller oBuy oSel seat unst  med oMed admin
PUBLIC_200 = S(200, 200, 200, 200, 200, 200, 200, 200, 200, 200)
LOGGED_IN_200 = S(302, 200, 200, 200, 200, 200, 200, 200, 200, 200)
LOGGED_IN_302 = S(302, 302, 302, 302, 302, 302, 302, 302, 302, 302)
API_401 = S(401, 401, 401, 401, 401, 401, 401, 401, 401, 401)
SEAT_ONLY = S(302, 404, 404, 404, 404, 200, 404, 404, 404, 404)
CASE_VIEWERS = S(302, 200, 200, 404, 404, 404, 404, 200, 200, 200)
ONLY_BUYER = S(302, 302, 403, 404, 404, 404, 404, 403, 403, 403)
ONLY_SELLER = S(302, 403, 302, 404, 404, 404, 404, 403, 403, 403)
MEDIATORS = S(302, 403, 403, 404, 404, 404, 404, 302, 302, 403)
PARTIES = S(302, 302, 302, 404, 404, 404, 404, 403, 403, 403)
STAFF_200 = S(302, 403, 403, 403, 403, 403, 403, 200, 200, 200)
STAFF_302 = S(302, 403, 403, 403, 403, 403, 403, 302, 302, 302)
ADMIN_302 = S(302, 403, 403, 403, 403, 403, 403, 403, 403, 302)
ADMIN_200 = S(302, 403, 403, 403, 403, 403, 403, 403, 403, 200)
ONLY_ORDER_BUYER = S(302, 200, 403, 404, 404, 404, 404, 404, 404, 404)
ONLY_ORDER_BUYER_302 = S(302, 302, 403, 404, 404, 404, 404, 404, 404, 404)

TABLE: dict[tuple[str, str], Row] = {
    # the front page, public pages and the language switch
    ("public.index", "GET"): Row(
        None, "/", None, S(200, 302, 302, 302, 302, 302, 302, 302, 302, 302)
    ),
    ("public.penalised_shops", "GET"): Row(None, "/penalised-shops", None, PUBLIC_200),
    ("public.transparency", "GET"): Row(None, "/transparency", None, PUBLIC_200),
    ("public.draw_log", "GET"): Row(None, "/transparency/draws", None, PUBLIC_200),
    ("public.draw_log_json", "GET"): Row(None, "/transparency/draws.json", None, PUBLIC_200),
    ("public.draw_snapshot", "GET"): Row(
        "panel", "/transparency/draws/{draw}/snapshot.json", None, PUBLIC_200, first_draw
    ),
    ("i18n.set_language", "POST"): Row(None, "/language", {"locale": "en"}, S(*[302] * 10)),
    # accounts: the forms are open to all; a bad token or bad data shows the form again
    ("auth.login", "GET"): Row(None, "/login", None, PUBLIC_200),
    ("auth.login", "POST"): Row(None, "/login", BAD_LOGIN, PUBLIC_200),
    ("auth.register_account", "GET"): Row(None, "/register", None, PUBLIC_200),
    ("auth.register_account", "POST"): Row(None, "/register", {}, PUBLIC_200),
    ("auth.verify", "GET"): Row(None, "/verify/not-a-token", None, S(*[302] * 10)),
    ("auth.claim", "GET"): Row(None, "/claim/not-a-token", None, PUBLIC_200),
    ("auth.claim", "POST"): Row(None, "/claim/not-a-token", {}, PUBLIC_200),
    ("auth.logout", "POST"): Row(None, "/logout", {}, S(*[302] * 10)),
    ("auth.password", "GET"): Row(None, "/account/password", None, LOGGED_IN_200),
    ("auth.password", "POST"): Row(None, "/account/password", {}, LOGGED_IN_200),
    ("auth.account", "GET"): Row(None, "/account", None, LOGGED_IN_200),
    ("auth.time_zone", "POST"): Row(
        None, "/account/time-zone", {"time_zone": "Asia/Tokyo"}, LOGGED_IN_302
    ),
    ("auth.logout_everywhere", "POST"): Row(None, "/account/logout-everywhere", {}, LOGGED_IN_302),
    ("auth.request_password_reset", "GET"): Row(None, "/password/forgot", None, PUBLIC_200),
    ("auth.request_password_reset", "POST"): Row(None, "/password/forgot", {}, PUBLIC_200),
    ("auth.reset_password", "GET"): Row(None, "/password/reset/not-a-token", None, PUBLIC_200),
    ("auth.reset_password", "POST"): Row(None, "/password/reset/not-a-token", {}, PUBLIC_200),
    # the code step of a login: without a password given first, back to the start
    ("auth.two_factor", "GET"): Row(None, "/login/two-factor", None, LOGGED_IN_302),
    ("auth.two_factor", "POST"): Row(None, "/login/two-factor", {}, LOGGED_IN_302),
    # two-factor login is set up by staff; turning it off needs a code (none is on here)
    ("auth.two_factor_setup", "GET"): Row(None, "/account/two-factor", None, STAFF_200),
    ("auth.two_factor_setup", "POST"): Row(None, "/account/two-factor", {}, STAFF_200),
    ("auth.start_two_factor", "POST"): Row(None, "/account/two-factor/start", {}, STAFF_302),
    ("auth.disable_two_factor", "POST"): Row(
        None, "/account/two-factor/disable", {"code": "123456"}, LOGGED_IN_302
    ),
    # orders: only the order's parties, staff included, see one
    ("orders.my_orders", "GET"): Row(None, "/orders", None, LOGGED_IN_200),
    ("orders.detail", "GET"): Row(
        None, "/orders/{order}", None, S(302, 200, 200, 404, 404, 404, 404, 404, 404, 404)
    ),
    # the inbox: one's own items only
    ("notifications.inbox", "GET"): Row(None, "/inbox", None, LOGGED_IN_200),
    ("notifications.read", "POST"): Row(
        None,
        "/inbox/{item}/read",
        {},
        S(302, 302, 404, 404, 404, 404, 404, 404, 404, 404),
        setup=inbox_item_of_buyer,
    ),
    ("notifications.read_all", "POST"): Row(None, "/inbox/read-all", {}, LOGGED_IN_302),
    # the e-mails one chooses to get: one's own choices only
    ("notifications.mail", "GET"): Row(None, "/account/e-mails", None, LOGGED_IN_200),
    ("notifications.mail", "POST"): Row(None, "/account/e-mails", {}, LOGGED_IN_302),
    # admin
    ("admin.users", "GET"): Row(
        None, "/admin/users", None, S(302, 403, 403, 403, 403, 403, 403, 403, 403, 200)
    ),
    ("admin.change_role", "POST"): Row(
        None,
        "/admin/users/{target}/roles",
        {"role": "mediator", "action": "grant"},
        ADMIN_302,
        setup=role_target,
    ),
    ("admin.lock_user", "POST"): Row(
        None, "/admin/users/{target}/lock", {}, ADMIN_302, setup=role_target
    ),
    ("admin.unlock_user", "POST"): Row(
        None, "/admin/users/{target}/unlock", {}, ADMIN_302, setup=locked_target
    ),
    ("admin.staff_two_factor", "POST"): Row(
        None, "/admin/staff-two-factor", {"required": "0"}, ADMIN_302
    ),
    # an account's admin page and its tools; the restrictions and the audit log
    ("admin_accounts.show", "GET"): Row(
        None, "/admin/users/{target}", None, ADMIN_200, setup=role_target
    ),
    ("admin_accounts.reviewer_standing", "POST"): Row(
        None,
        "/admin/users/{target}/reviewer/suspend",
        {"reason": "Copied the same reason onto every ballot."},
        ADMIN_302,
        setup=reviewer_target,
    ),
    ("admin_accounts.mediator_profile", "POST"): Row(
        None, "/admin/users/{mediator}/mediator", {"on_duty": "y"}, ADMIN_302
    ),
    ("admin_accounts.record_pay_in", "POST"): Row(
        None,
        "/admin/users/{target}/deposit",
        {"amount": "500", "reason": "Bank transfer 0042"},
        ADMIN_302,
        setup=role_target,
    ),
    ("admin_restrictions.index", "GET"): Row(None, "/admin/restrictions", None, ADMIN_200),
    ("admin_restrictions.lift", "POST"): Row(
        None,
        "/admin/restrictions/{restriction}/lift",
        {"reason": "The refund reached the buyer."},
        ADMIN_302,
        setup=active_restriction,
    ),
    ("admin_audit.index", "GET"): Row(None, "/admin/audit", None, ADMIN_200),
    # webhook endpoints: adding one and rotating its secret answer with the secret (200)
    ("admin_webhooks.index", "GET"): Row(None, "/admin/webhooks", None, ADMIN_200),
    ("admin_webhooks.add", "POST"): Row(
        None, "/admin/webhooks", {"url": "http://127.0.0.1:9/hook", "events": "*"}, ADMIN_200
    ),
    ("admin_webhooks.show", "GET"): Row(
        None, "/admin/webhooks/{endpoint}", None, ADMIN_200, setup=webhook_endpoint
    ),
    ("admin_webhooks.rotate", "POST"): Row(
        None, "/admin/webhooks/{endpoint}/rotate", {}, ADMIN_200, setup=webhook_endpoint
    ),
    ("admin_webhooks.disable", "POST"): Row(
        None, "/admin/webhooks/{endpoint}/disable", {}, ADMIN_302, setup=webhook_endpoint
    ),
    ("admin_webhooks.enable", "POST"): Row(
        None, "/admin/webhooks/{endpoint}/enable", {}, ADMIN_302, setup=disabled_webhook_endpoint
    ),
    ("admin_webhooks.send_again", "POST"): Row(
        None,
        "/admin/webhooks/{endpoint}/messages/{message}/send-again",
        {},
        ADMIN_302,
        setup=webhook_endpoint,
    ),
    ("api_admin.tokens", "GET"): Row(
        None, "/admin/api-tokens", None, S(302, 403, 403, 403, 403, 403, 403, 403, 403, 200)
    ),
    # the marketplace's API: a bearer token or 401, a session counts for nothing
    ("api.openapi", "GET"): Row(None, "/api/v1/openapi.json", None, PUBLIC_200),
    ("api.post_orders", "POST"): Row(None, "/api/v1/orders", [], API_401, json=True),
    ("api.selling_status", "GET"): Row(
        None, "/api/v1/sellers/{seller_mkt}/selling-status", None, API_401
    ),
    ("api.docs", "GET"): Row(None, "/api/v1/docs", None, PUBLIC_200),
    ("api.open_case", "POST"): Row(None, "/api/v1/cases", {"order": "{order}"}, API_401, json=True),
    ("api.list_cases", "GET"): Row("filed", "/api/v1/cases", None, API_401),
    ("api.get_case", "GET"): Row("filed", "/api/v1/cases/{case}", None, API_401),
    ("api.case_events", "GET"): Row("filed", "/api/v1/cases/{case}/events", None, API_401),
    ("api.add_case_evidence", "POST"): Row(
        "filed",
        "/api/v1/cases/{case}/evidence",
        {"party": "buyer", "kind": "chat_transcript", "text": "Hello"},
        API_401,
        json=True,
    ),
    # crowd review: enrolment and practice (refusals are flashed), the seats (own seat only)
    ("jury.index", "GET"): Row(None, "/review/", None, LOGGED_IN_200),
    ("jury.apply", "POST"): Row(None, "/review/enrol", {}, LOGGED_IN_302),
    ("jury.answer", "POST"): Row(
        None, "/review/practice/delivered-elsewhere", {"option": "0"}, LOGGED_IN_302
    ),
    ("jury.restart", "POST"): Row(None, "/review/practice/restart", {}, LOGGED_IN_302),
    ("jury_seats.my_seats", "GET"): Row(None, "/review/seats", None, LOGGED_IN_200),
    ("jury_seats.show", "GET"): Row(None, "/review/seats/{seat}", None, SEAT_ONLY),
    ("jury_seats.evidence_thumbnail", "GET"): Row(
        None, "/review/seats/{seat}/evidence/{panel_photo}/thumbnail", None, SEAT_ONLY
    ),
    # the files the mediator released: a PDF's pages as images, a video and its poster
    ("jury_seats.document_page", "GET"): Row(
        "panel", "/review/seats/{seat}/evidence/{pdf}/pages/1", None, SEAT_ONLY, released_pdf
    ),
    ("jury_seats.video", "GET"): Row(
        "panel", "/review/seats/{seat}/evidence/{video}/video", None, SEAT_ONLY, released_video
    ),
    ("jury_seats.video_poster", "GET"): Row(
        "panel", "/review/seats/{seat}/evidence/{video}/poster", None, SEAT_ONLY, released_video
    ),
    ("jury_seats.vote", "POST"): Row(
        None, "/review/seats/{seat}/vote", VOTE, S(302, 404, 404, 404, 404, 302, 404, 404, 404, 404)
    ),
    ("jury_seats.recuse", "POST"): Row(
        None, "/review/seats/{seat}/recuse", {}, S(302, 404, 404, 404, 404, 302, 404, 404, 404, 404)
    ),
    # the gold bank: staff only; a closed case a panel heard is confirmed, a gold case retired
    ("gold.index", "GET"): Row(None, "/gold-bank", None, STAFF_200),
    ("gold.add_form", "GET"): Row(
        None, "/gold-bank/cases/{gold_case}", None, STAFF_200, closed_case_for_gold
    ),
    ("gold.add", "POST"): Row(
        None, "/gold-bank/cases/{gold_case}/add", {"answer": "1"}, STAFF_302, closed_case_for_gold
    ),
    ("gold.retire", "POST"): Row(
        None, "/gold-bank/{gold}/retire", {}, STAFF_302, practice_gold_case
    ),
    # cases: anyone who may not view the case gets 404, reviewers included (they read the
    # anonymised seat page only); who may view it but not do this gets 403
    ("cases.my_cases", "GET"): Row(None, "/cases", None, LOGGED_IN_200),
    ("cases.new", "GET"): Row(
        None, "/orders/{order}/case/new", None, S(302, 200, 403, 404, 404, 404, 404, 404, 404, 404)
    ),
    ("cases.new", "POST"): Row(
        None, "/orders/{order}/case/new", CLAIM, S(302, 302, 403, 404, 404, 404, 404, 404, 404, 404)
    ),
    # the claim assistant before the claim form: the order's buyer only, as the form
    ("assistant.start", "GET"): Row(None, "/orders/{order}/assistant", None, ONLY_ORDER_BUYER),
    ("assistant.start", "POST"): Row(
        None, "/orders/{order}/assistant", {"problem": "damaged"}, ONLY_ORDER_BUYER_302
    ),
    ("assistant.advice", "GET"): Row(
        None, "/orders/{order}/assistant/damaged", None, ONLY_ORDER_BUYER
    ),
    ("assistant.advice", "POST"): Row(
        None, "/orders/{order}/assistant/damaged", {"remedy": "replacement"}, ONLY_ORDER_BUYER_302
    ),
    ("cases.show", "GET"): Row("panel", "/cases/{case}", None, CASE_VIEWERS),
    ("cases.evidence_file", "GET"): Row(
        "panel", "/cases/{case}/evidence/{entry}/file", None, CASE_VIEWERS
    ),
    ("cases.evidence_thumbnail", "GET"): Row(
        "panel", "/cases/{case}/evidence/{entry}/thumbnail", None, CASE_VIEWERS
    ),
    ("cases.add_evidence", "POST"): Row(
        "filed",
        "/cases/{case}/evidence",
        {"kind": "statement", "text": "Here is what happened."},
        PARTIES,
    ),
    ("cases.withdraw", "GET"): Row(
        "filed", "/cases/{case}/withdraw", None, S(302, 200, 403, 404, 404, 404, 404, 403, 403, 403)
    ),
    ("cases.withdraw", "POST"): Row("filed", "/cases/{case}/withdraw", {}, ONLY_BUYER),
    ("cases.resubmit", "GET"): Row(
        "returned",
        "/cases/{case}/resubmit",
        None,
        S(302, 200, 403, 404, 404, 404, 404, 403, 403, 403),
    ),
    ("cases.resubmit", "POST"): Row("returned", "/cases/{case}/resubmit", CLAIM, ONLY_BUYER),
    ("cases.accept_intake", "POST"): Row(
        "filed", "/cases/{case}/intake/accept", {"severity": "important"}, MEDIATORS
    ),
    ("cases.return_case", "POST"): Row(
        "filed", "/cases/{case}/intake/return", {"reason": RETURN_REASON}, MEDIATORS
    ),
    ("cases.accept_claim", "POST"): Row(
        "awaiting_seller", "/cases/{case}/answer/accept", {}, ONLY_SELLER
    ),
    ("cases.counter_offer", "POST"): Row(
        "awaiting_seller",
        "/cases/{case}/answer/counter-offer",
        {"remedy": "partial_refund", "amount": "50", "message": "Half back, keep the item."},
        ONLY_SELLER,
    ),
    ("cases.contest", "POST"): Row(
        "awaiting_seller",
        "/cases/{case}/answer/contest",
        {"statement": "It matches the listing."},
        ONLY_SELLER,
    ),
    ("cases.accept_counter_offer", "POST"): Row(
        "counter_offer", "/cases/{case}/counter-offer/accept", {}, ONLY_BUYER
    ),
    ("cases.refuse_counter_offer", "POST"): Row(
        "counter_offer", "/cases/{case}/counter-offer/refuse", {}, ONLY_BUYER
    ),
    # the negotiation thread: every viewer reads it on the case page; the parties and the
    # case's own mediator write in it
    ("thread.post", "POST"): Row(
        "evidence",
        "/cases/{case}/thread",
        {"thread-text": "Could you send a replacement?"},
        S(302, 302, 302, 404, 404, 404, 404, 302, 403, 403),
    ),
    # the dashboard and its CSV files: mediators and admins
    ("analytics.dashboard", "GET"): Row(None, "/analytics/", None, STAFF_200),
    ("analytics.export", "GET"): Row(None, "/analytics/volume.csv", None, STAFF_200),
    # the mediator's desk and work; notes are for all staff, reassigning for admins
    ("mediation.desk", "GET"): Row(
        None, "/mediation/", None, S(302, 403, 403, 403, 403, 403, 403, 200, 200, 200)
    ),
    # saved filters are staff's own: another's is not found (404), whoever asks
    ("mediation.save_filter", "POST"): Row(
        None, "/mediation/saved-filters", SAVED_FILTER, STAFF_302
    ),
    ("mediation.delete_saved_filter", "POST"): Row(
        None,
        "/mediation/saved-filters/{saved}/delete",
        {},
        S(302, 403, 403, 403, 403, 403, 403, 302, 404, 404),
        setup=saved_filter_of_mediator,
    ),
    ("mediation.reassign", "POST"): Row(
        "mediation",
        "/mediation/cases/{case}/reassign",
        {"mediator": "{other_mediator}"},
        S(302, 403, 403, 404, 404, 404, 404, 403, 403, 302),
    ),
    ("mediation.add_note", "POST"): Row(
        "mediation",
        "/cases/{case}/mediation/notes",
        {"note-text": "Check the courier."},
        S(302, 403, 403, 404, 404, 404, 404, 302, 302, 302),
    ),
    ("mediation.ask_question", "POST"): Row(
        "mediation",
        "/cases/{case}/mediation/questions",
        {"question-party": "buyer", "question-text": "When?", "question-hours": "48"},
        MEDIATORS,
    ),
    ("mediation.reopen_evidence", "POST"): Row(
        "mediation", "/cases/{case}/mediation/reopen-evidence", {}, MEDIATORS
    ),
    ("mediation.propose", "POST"): Row(
        "mediation", "/cases/{case}/mediation/proposal", SETTLEMENT, MEDIATORS
    ),
    ("mediation.decide", "POST"): Row(
        "mediation", "/cases/{case}/mediation/decision", DECISION, MEDIATORS
    ),
    ("mediation.route_to_panel", "POST"): Row(
        "mediation", "/cases/{case}/mediation/panel", PANEL, MEDIATORS, setup=reviewer_pool
    ),
    # what the reviewers see: the case's own mediator decides, file by file
    ("mediation.release_to_reviewers", "POST"): Row(
        "panel",
        "/cases/{case}/mediation/evidence/{entry}/reviewers",
        {"released": "no"},
        S(302, 403, 403, 404, 404, 404, 404, 302, 403, 403),
    ),
    ("mediation.accept_proposal", "POST"): Row(
        "proposal", "/cases/{case}/proposal/accept", {}, PARTIES
    ),
    ("mediation.reject_proposal", "POST"): Row(
        "proposal", "/cases/{case}/proposal/reject", {}, PARTIES
    ),
    ("mediation.answer_question", "POST"): Row(
        "mediation",
        "/cases/{case}/questions/{question}/answer",
        {"answer-{question}-text": "On Monday."},
        ONLY_BUYER,
        setup=question_to_buyer,
    ),
    # only the losing side appeals: the mediator granted the claim in full, so the seller
    ("appeals.appeal", "POST"): Row(
        "decided",
        "/cases/{case}/appeal",
        {"reason": "The mediator misread the courier's report entirely."},
        S(302, 403, 302, 404, 404, 404, 404, 403, 403, 403),
    ),
    # carrying out a full refund: the seller pays, the buyer confirms or disputes
    ("execution.mark_done", "POST"): Row(
        "executing",
        "/cases/{case}/obligations/{obligation}/done",
        {"done-{obligation}-proof": "Refunded, ref. RF-1."},
        ONLY_SELLER,
        setup=refund_step,
    ),
    ("execution.confirm", "POST"): Row(
        "executing",
        "/cases/{case}/obligations/{obligation}/confirm",
        {},
        ONLY_BUYER,
        setup=refund_marked_done,
    ),
    ("execution.dispute", "POST"): Row(
        "executing",
        "/cases/{case}/obligations/{obligation}/dispute",
        {"dispute-{obligation}-reason": "Nothing arrived."},
        ONLY_BUYER,
        setup=refund_marked_done,
    ),
    # after closing: the parties rate, parties and staff take the dossier
    ("closing.rate", "POST"): Row(
        "closed_completed", "/cases/{case}/rating", {"score": "4"}, PARTIES
    ),
    ("closing.dossier", "GET"): Row(
        "closed_completed", "/cases/{case}/dossier.zip", None, CASE_VIEWERS
    ),
}


# The world


def build_world(row: Row) -> tuple[dict, dict]:
    """The people, and the names the row's URL and data are formatted with."""
    buyer, seller = make_user(), make_user(shop_name="Earbud Shop")
    other_buyer, other_seller = make_user(), make_user(shop_name="Another shop")
    make_order(other_buyer, other_seller)  # they buy and sell, only not on this order
    people = {
        "buyer": buyer,
        "seller": seller,
        "other_buyer": other_buyer,
        "other_seller": other_seller,
        "mediator": make_user(roles=(Role.MEDIATOR,)),
        "other_mediator": make_user(roles=(Role.MEDIATOR,)),
        "admin": make_user(roles=(Role.ADMIN,)),
    }
    names = {
        "mediator": people["mediator"].id,
        "other_mediator": people["other_mediator"].id,
        "seller_mkt": seller.marketplace_user_id,
        "order": make_order(buyer, seller).id,
    }
    case = None
    if row.state not in (None, "panel"):
        case = make_case(row.state, buyer=buyer, seller=seller, mediator=people["mediator"])
    resume_at = clock.now()
    panel_case, panel_photo = _case_before_a_panel(people)
    seat = db.session.scalars(
        select(Seat).where(Seat.panel.has(case_id=panel_case.id)).order_by(Seat.id)
    ).first()
    people["seated_reviewer"] = seat.reviewer
    [people["unseated_reviewer"]] = make_reviewers(1)
    names |= {"seat": seat.id, "panel_photo": panel_photo.id}
    if row.state == "panel":
        case = panel_case
    else:
        clock.freeze(resume_at)  # the row's case as make_case left it; the seats still open
    if case is not None:
        names["case"] = case.id
        if "{entry}" in row.url:
            names["entry"] = panel_photo.id if case is panel_case else add_photo(case, buyer).id
    if row.setup is not None:
        names |= row.setup(case, people)
    db.session.flush()
    return people, names


def _case_before_a_panel(people):
    """A case of the same parties and mediator routed to a panel, a photo in its evidence.
    Built without the sweeps, so no other case's timer fires."""
    case = make_case(
        "evidence", buyer=people["buyer"], seller=people["seller"], mediator=people["mediator"]
    )
    photo = add_photo(case, people["buyer"])
    clock.advance(current_app.config["EVIDENCE_WINDOW"] + timedelta(minutes=1))
    case_timers.close_evidence_window(case)
    make_reviewers(current_app.config["PANEL_SEATS"])
    mediation.route_to_panel(
        case,
        people["mediator"],
        PANEL_SUMMARY,
        PANEL_QUESTION,
    )
    db.session.flush()
    return case, photo
