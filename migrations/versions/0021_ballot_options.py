"""ballot options: stable keys instead of the mediator's words in one language

A ballot option was stored as its text ("Decide for the buyer"), so a vote, a tally and an
appeal's final verdict were keyed by English (or Chinese) words. Each is now a key that
says what it decides (``app.jury.ballot``): the first option of a panel, which granted the
claim as filed, becomes ``grant:<remedy>[:<fen>]`` from its case's claim when its text is
one of the known defaults; the second, which rejected it, becomes ``reject``. Any other
text is kept, as ``custom:grant:<text>`` or ``custom:reject:<text>`` by its place, so that
nothing a reviewer voted for is lost. Panels, referrals, votes, tallies (their counts and
verdict) and appeals' final verdicts are converted together, panel by panel.

Revision ID: 0021_ballot_options
Revises: 0020_proposal_rejection_reason
Create Date: 2026-11-30 15:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_ballot_options'
down_revision = '0020_proposal_rejection_reason'
branch_labels = None
depends_on = None

# the texts the product itself wrote on ballots, in both languages it ships
GRANT_TEXTS = frozenset(
    {
        "Decide for the buyer",
        "支持买家",
        "Grant the claim as filed",
        "按原投诉支持买家",
    }
)
REJECT_TEXTS = frozenset({"Decide for the seller", "支持卖家", "Reject the claim", "驳回投诉"})
# how a key was written back as text, for a downgrade
GRANT_WORDS, REJECT_WORDS = "Decide for the buyer", "Decide for the seller"
MAX_CHARS = 200
AMOUNTLESS = "replacement"

panels = sa.table(
    'panels',
    sa.column('id', sa.Integer),
    sa.column('case_id', sa.Integer),
    sa.column('options', sa.JSON),
)
referrals = sa.table(
    'panel_referrals',
    sa.column('id', sa.Integer),
    sa.column('case_id', sa.Integer),
    sa.column('options', sa.JSON),
)
votes = sa.table(
    'votes', sa.column('id', sa.Integer), sa.column('panel_id', sa.Integer), sa.column('option')
)
tallies = sa.table(
    'tallies',
    sa.column('id', sa.Integer),
    sa.column('panel_id', sa.Integer),
    sa.column('counts', sa.JSON),
    sa.column('verdict'),
)
appeals = sa.table(
    'appeals',
    sa.column('id', sa.Integer),
    sa.column('panel_id', sa.Integer),
    sa.column('final_verdict'),
)
cases = sa.table(
    'cases',
    sa.column('id', sa.Integer),
    sa.column('order_id', sa.Integer),
    sa.column('remedy'),
    sa.column('remedy_amount_fen', sa.Integer),
)
orders = sa.table('orders', sa.column('id', sa.Integer), sa.column('amount_fen', sa.Integer))


def _grant_keys(connection) -> dict[int, str]:
    """Each case's claim as filed, as the key of the option that grants it."""
    rows = connection.execute(
        sa.select(cases.c.id, cases.c.remedy, cases.c.remedy_amount_fen, orders.c.amount_fen)
        .join(orders, orders.c.id == cases.c.order_id)
    )
    keys = {}
    for case_id, remedy, remedy_amount, order_amount in rows:
        amount = remedy_amount if remedy_amount is not None else order_amount
        keys[case_id] = f"grant:{remedy}" if remedy == AMOUNTLESS else f"grant:{remedy}:{amount}"
    return keys


def _keyed(options: list[str], grant_key: str) -> dict[str, str]:
    """Each option's text to its key, by its place on the ballot."""
    mapping = {}
    for place, option in enumerate(options):
        if place == 0:
            key = grant_key if option in GRANT_TEXTS else f"custom:grant:{option}"
        else:
            key = "reject" if option in REJECT_TEXTS else f"custom:reject:{option}"
        mapping[option] = key[:MAX_CHARS]
    return mapping


def _worded(options: list[str], _grant_key: str) -> dict[str, str]:
    """The reverse: each key back to words (a known default, or the text it kept)."""
    mapping = {}
    for option in options:
        if option.startswith("custom:"):
            mapping[option] = option.split(":", 2)[2]
        else:
            mapping[option] = REJECT_WORDS if option == "reject" else GRANT_WORDS
    return mapping


def _convert(make_mapping) -> None:
    connection = op.get_bind()
    grant_keys = _grant_keys(connection)
    for panel_id, case_id, options in connection.execute(
        sa.select(panels.c.id, panels.c.case_id, panels.c.options)
    ).all():
        mapping = make_mapping(options or [], grant_keys.get(case_id, ""))
        connection.execute(
            panels.update()
            .where(panels.c.id == panel_id)
            .values(options=[mapping[option] for option in options])
        )
        for text, key in mapping.items():
            connection.execute(
                votes.update()
                .where(votes.c.panel_id == panel_id, votes.c.option == text)
                .values(option=key)
            )
            connection.execute(
                appeals.update()
                .where(appeals.c.panel_id == panel_id, appeals.c.final_verdict == text)
                .values(final_verdict=key)
            )
        for tally_id, counts, verdict in connection.execute(
            sa.select(tallies.c.id, tallies.c.counts, tallies.c.verdict).where(
                tallies.c.panel_id == panel_id
            )
        ).all():
            connection.execute(
                tallies.update()
                .where(tallies.c.id == tally_id)
                .values(
                    counts={mapping.get(text, text): count for text, count in counts.items()},
                    verdict=mapping.get(verdict, verdict),
                )
            )
    for referral_id, case_id, options in connection.execute(
        sa.select(referrals.c.id, referrals.c.case_id, referrals.c.options)
    ).all():
        mapping = make_mapping(options or [], grant_keys.get(case_id, ""))
        connection.execute(
            referrals.update()
            .where(referrals.c.id == referral_id)
            .values(options=[mapping[option] for option in options])
        )


def upgrade():
    _convert(_keyed)


def downgrade():
    _convert(_worded)
