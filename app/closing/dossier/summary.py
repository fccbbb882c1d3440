"""The dossier's summaries, for people: the case, its claim, order, decision, obligations,
ratings and both timelines, put into words in the current language, as HTML and as text."""

import hashlib
import unicodedata
from base64 import b64encode
from datetime import UTC, datetime
from types import SimpleNamespace

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from app.cases.files import human_size
from app.cases.forms import (
    CLAIM_TYPE_LABELS,
    CLOSED_REASON_LABELS,
    DECISION_KIND_LABELS,
    EVIDENCE_KIND_LABELS,
    OUTCOME_LABELS,
    PARTY_LABELS,
    REMEDY_LABELS,
    RESPONSIBLE_LABELS,
    SEVERITY_LABELS,
    STATE_LABELS,
    label,
)
from app.cases.models import (
    Case,
    EvidenceEntry,
    EvidenceKind,
)
from app.cases.states import (
    DecisionKind,
    Party,
)
from app.cases.thread import ROLE_LABELS, ThreadPost
from app.closing.services import ratings_of
from app.core.extensions import db
from app.core.money import format_amount
from app.execution.forms import OBLIGATION_KIND_LABELS, OBLIGATION_STATUS_LABELS
from app.execution.models import Obligation
from app.jury import ballot
from app.jury.appeals import decided_panel
from app.jury.voting import panel_results
from app.mediation.models import Answer, ProposalStatus, SettlementProposal

# The summary's only style, allowed by its hash in the page's own Content-Security-Policy
SUMMARY_STYLE = (
    "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.4;color:#222}"
    "table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}"
    "th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}"
    "dt{font-weight:bold}dd{margin:0 0 .5rem 1rem}"
    ".text{white-space:pre-wrap}.mark{font-weight:bold;color:#a40}"
    ".muted{color:#666}"
)
SUMMARY_STYLE_HASH = "sha256-" + b64encode(hashlib.sha256(SUMMARY_STYLE.encode()).digest()).decode()


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if moment else ""


def summary_of(
    case: Case,
    entries: dict[Party, list[EvidenceEntry]],
    paths: dict[int, str | None],
    posts: list[ThreadPost],
) -> SimpleNamespace:
    """Everything both summaries show, already put into words in the current language."""
    order = case.order
    currency = order.currency

    def amount(fen: int | None) -> str:
        return format_amount(fen, currency) if fen is not None else ""

    remedy = str(label(REMEDY_LABELS, case.remedy))
    if case.remedy_amount_fen is not None:
        remedy += f": {amount(case.remedy_amount_fen)}"
    rows = SimpleNamespace(
        case=[
            (_("State"), str(label(STATE_LABELS, case.state))),
            (_("Filed"), _when(case.filed_at)),
            (_("Closed"), _when(case.closed_at)),
            (_("Why it closed"), str(label(CLOSED_REASON_LABELS, case.closed_reason))),
        ],
        claim=[
            (_("What went wrong"), str(label(CLAIM_TYPE_LABELS, case.claim_type))),
            (
                _("Who is responsible, says the buyer"),
                str(label(RESPONSIBLE_LABELS, case.responsible_party)),
            ),
            (_("What the buyer asks for"), remedy),
            (_("Severity"), str(label(SEVERITY_LABELS, case.severity))),
        ],
        order=[
            (_("Order"), order.marketplace_order_id),
            (_("Buyer"), case.buyer.display_name),
            (_("Seller"), case.seller.shop_name or case.seller.display_name),
            (_("Amount paid"), amount(order.amount_fen)),
        ]
        + ([(_("Mediator"), case.mediator.display_name)] if case.mediator else []),
        decision=_decision_rows(case, amount),
    )
    return SimpleNamespace(
        case_id=case.id,
        title=_("Case #%(id)d: dossier", id=case.id),
        rows=rows,
        description=case.description,
        items=[
            f"{item.title} × {item.quantity} ({amount(item.quantity * item.unit_price_fen)})"
            for item in order.items
        ],
        reasons=case.decision_reasons,
        rejections=_rejections(case, amount),
        obligations=[
            SimpleNamespace(
                step=obligation.step,
                what=str(label(OBLIGATION_KIND_LABELS, obligation.kind)),
                who=str(label(PARTY_LABELS, obligation.debtor)),
                amount=amount(obligation.amount_fen),
                status=str(label(OBLIGATION_STATUS_LABELS, obligation.status)),
                due=_when(obligation.due_at),
                done=_when(obligation.done_at),
            )
            for obligation in db.session.scalars(
                select(Obligation)
                .where(Obligation.case_id == case.id)
                .order_by(Obligation.step, Obligation.id)
            )
        ],
        ratings=[
            SimpleNamespace(
                party=str(label(PARTY_LABELS, rating.party)),
                score=rating.score,
                comment=rating.comment,
                at=_when(rating.created_at),
            )
            for rating in ratings_of(case)
        ],
        thread=[
            SimpleNamespace(
                author=str(label(ROLE_LABELS, post.author_role)),
                at=_when(post.created_at),
                text=post.text,
            )
            for post in posts
        ],
        timelines=[_timeline_summary(party, entries[party], paths) for party in Party],
    )


def _rejections(case: Case, amount) -> list[SimpleNamespace]:
    """Each settlement proposal a party rejected: who, when, the terms, and their reason."""
    rejected = db.session.scalars(
        select(SettlementProposal)
        .where(
            SettlementProposal.case_id == case.id,
            SettlementProposal.status == ProposalStatus.REJECTED.value,
        )
        .order_by(SettlementProposal.id)
    )
    summaries = []
    for proposal in rejected:
        party = next(p for p in Party if proposal.answer_of(p.value) == Answer.REJECTED.value)
        terms = str(label(REMEDY_LABELS, proposal.outcome))
        if proposal.amount_fen is not None:
            terms += f": {amount(proposal.amount_fen)}"
        summaries.append(
            SimpleNamespace(
                party=str(label(PARTY_LABELS, party)),
                terms=terms,
                at=_when(getattr(proposal, f"{party.value}_answered_at")),
                reason=proposal.rejection_reason,
            )
        )
    return summaries


def _decision_rows(case: Case, amount) -> list[tuple[str, str]]:
    if case.outcome is None:
        return []
    rows = [(_("Outcome"), str(label(OUTCOME_LABELS, case.outcome)))]
    if case.decision_kind:
        rows.append((_("How it was decided"), str(label(DECISION_KIND_LABELS, case.decision_kind))))
    if case.decision_remedy:
        remedy = str(label(REMEDY_LABELS, case.decision_remedy))
        if case.decision_amount_fen is not None:
            remedy += f": {amount(case.decision_amount_fen)}"
        rows.append((_("Remedy"), remedy))
    rows.extend(_verdict_rows(case))
    rows.append((_("Decided"), _when(case.decided_at)))
    return rows


def _verdict_rows(case: Case) -> list[tuple[str, str]]:
    """The winning ballot option of the panel that decided the case, in the reader's
    language, with its votes."""
    panel = decided_panel(case) if case.decision_kind == DecisionKind.PANEL.value else None
    results = panel_results(panel) if panel is not None else None
    if results is None or results.verdict is None:
        return []
    votes = _(
        "%(verdict)s (%(votes)d of %(cast)d votes)",
        verdict=ballot.label(results.verdict),
        votes=results.counts[results.verdict],
        cast=results.votes_cast,
    )
    return [(_("Panel verdict"), votes)]


def _timeline_summary(
    party: Party, entries: list[EvidenceEntry], paths: dict[int, str | None]
) -> SimpleNamespace:
    retracted = {e.refers_to_id for e in entries if e.kind == EvidenceKind.RETRACTION}
    corrected = {e.refers_to_id for e in entries if e.kind == EvidenceKind.CORRECTION}
    sequences = {entry.id: entry.sequence for entry in entries}
    side = str(label(PARTY_LABELS, party))

    def summarised(entry: EvidenceEntry) -> SimpleNamespace:
        marks = [
            text
            for present, text in (
                (entry.is_late, _("Late")),
                (entry.id in retracted, _("Retracted")),
                (entry.id in corrected, _("Corrected later")),
            )
            if present
        ]
        refers_to = None
        if entry.refers_to_id in sequences:
            reference = _("%(side)s #%(number)d", side=side, number=sequences[entry.refers_to_id])
            verb = _("Withdraws") if entry.kind == EvidenceKind.RETRACTION else _("Corrects")
            refers_to = f"{verb} {reference}"
        return SimpleNamespace(
            sequence=entry.sequence,
            kind=str(label(EVIDENCE_KIND_LABELS, entry.kind)),
            at=_when(entry.created_at),
            marks=marks,
            refers_to=refers_to,
            text=entry.text,
            file_name=entry.original_name,
            file_size=human_size(entry.size_bytes) if entry.size_bytes is not None else None,
            file_path=paths[entry.id],
        )

    title = _("Buyer's timeline") if party is Party.BUYER else _("Seller's timeline")
    return SimpleNamespace(title=title, entries=[summarised(entry) for entry in entries])


def render_html(summary: SimpleNamespace) -> str:
    """Rendered by the template alone: the page's context processors expect a request, and
    the summary must not depend on one."""
    template = current_app.jinja_env.get_template("closing/dossier_summary.html")
    return template.render(
        summary=summary,
        style=Markup(SUMMARY_STYLE),  # noqa: S704  (a constant of this module)
        style_hash=SUMMARY_STYLE_HASH,
        lang=str(get_locale() or "en").replace("_", "-"),
    )


def _plain(text: str | None) -> str:
    """Text for a terminal: control characters (escape sequences) become U+FFFD."""
    return "".join(
        char if char in "\n\t" or unicodedata.category(char) != "Cc" else "\ufffd"
        for char in (text or "")
    )


def _labelled(name: str, value: str = "") -> str:
    """``name: value`` with the reader's colon: Chinese writes a full-width one, no space."""
    label = _("%(label)s:", label=name)
    return f"{label} {value}" if value and label.endswith(":") else label + value


def render_text(summary: SimpleNamespace) -> str:
    lines: list[str] = []

    def heading(text: str, underline: str = "-") -> None:
        lines.extend(["", text, underline * len(text)])

    def rows(pairs) -> None:
        lines.extend(_labelled(name, _plain(value)) for name, value in pairs)

    def block(text: str | None, indent: str = "  ") -> None:
        lines.extend(indent + line for line in _plain(text).split("\n"))

    lines.extend([summary.title, "=" * len(summary.title)])
    rows(summary.rows.case)
    heading(_("The claim"))
    rows(summary.rows.claim)
    lines.append(_labelled(_("Description")))
    block(summary.description)
    heading(_("The order"))
    rows(summary.rows.order)
    lines.extend(f"- {_plain(item)}" for item in summary.items)
    if summary.rows.decision:
        heading(_("Decision"))
        rows(summary.rows.decision)
        if summary.reasons:
            lines.append(_labelled(_("Reasons")))
            block(summary.reasons)
    if summary.rejections:
        heading(_("Proposals rejected"))
        for item in summary.rejections:
            lines.append(f"{item.at} · {item.party} · {_plain(item.terms)}")
            block(item.reason or _("No reason was given."))
    if summary.obligations:
        heading(_("Obligations"))
        for item in summary.obligations:
            amount = f", {item.amount}" if item.amount else ""
            lines.append(f"{item.step}. {item.what} ({item.who}{amount}): {item.status}")
            if item.due:
                lines.append("   " + _("Due: %(when)s", when=item.due))
            if item.done:
                lines.append("   " + _("Done: %(when)s", when=item.done))
    heading(_("Ratings"))
    if not summary.ratings:
        lines.append(_("No rating was given."))
    for rating in summary.ratings:
        lines.append(_labelled(rating.party, f"{rating.score}/5 ({rating.at})"))
        if rating.comment:
            block(rating.comment)
    heading(_("Negotiation thread"))
    if not summary.thread:
        lines.append(_("No messages yet."))
    for post in summary.thread:
        lines.append(f"{post.author} · {post.at}")
        block(post.text)
    for side in summary.timelines:
        heading(side.title)
        if not side.entries:
            lines.append(_("No evidence."))
        for entry in side.entries:
            marks = "".join(f" [{mark}]" for mark in entry.marks)
            lines.append(f"#{entry.sequence} · {entry.kind} · {entry.at}{marks}")
            if entry.refers_to:
                lines.append("  " + entry.refers_to)
            if entry.file_path:
                lines.append(f"  {_plain(entry.file_name)} ({entry.file_size}): {entry.file_path}")
            if entry.text is not None:
                block(entry.text)
    lines.extend(["", _("manifest.json lists the SHA-256 of every file of this dossier.")])
    return "\n".join(lines).lstrip("\n") + "\n"
