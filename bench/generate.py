"""Data at marketplace scale, written straight into the real models' tables.

A database of ``Shape.cases`` cases holds a fixed working set and a growing history, so a
measure taken at 10k, 100k and 1M cases differs only in how much history lies beside it:

* the working set: ``open_cases`` cases not yet closed (the mediator queue), spread over the
  open states; among them the cases whose page is read (``entries_per_side`` entries on
  each timeline), the cases the bench buyer uploads to, and the open panels seating the
  bench reviewers, who cast the votes;
* the history: every other case, closed, with its order, a statement on each timeline,
  its audit events, its sent notifications and its obligation; a share of them decided by
  a panel whose seats, votes and tally are all there.

``Panels.add_due`` adds panel cases whose votes are all in but not yet counted: the
counting sweep's work. Rows go in with executemany, a chunk at a time, in the order of the
foreign keys; ids are given here, so nothing is read back.

This module writes the people, the cases and their timelines, and the working set; the
closed cases are in ``bench.history``, the panels in ``bench.panels``, the data's shape and
the row writer in ``bench.rows``.
"""

import hashlib
import random
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from PIL import Image
from sqlalchemy import select

from app.auth.passwords import hash_password
from app.cases.chains import GENESIS_HASH, entry_hash, text_sha256
from app.cases.files import THUMBNAIL_SUFFIX
from app.core import clock
from app.core.extensions import db
from app.core.storage import new_scratch_file, object_store
from bench.history import History, add_obligation
from bench.panels import Panels
from bench.rows import (
    BENCH_BUYER,
    BENCH_MEDIATOR,
    BENCH_PASSWORD,
    BENCH_REVIEWER,
    BENCH_SELLER,
    CLAIM_TYPES,
    OPEN_STATE_SHARES,
    PANEL_SEATS,
    SEVERITIES,
    STATEMENT,
    People,
    RowWriter,
    Shape,
)


class Generator:
    """One seeded run of the data: every draw comes from ``rng``, every row goes to ``out``;
    ``panels`` and ``history`` write their part with the same two."""

    def __init__(self, shape: Shape, seed: int = 7):
        self.shape = shape
        self.rng = random.Random(seed)
        self.now = clock.now()
        self.out = RowWriter(shape.chunk)
        self.people: People | None = None
        self.addresses: dict[int, tuple[str, str]] = {}  # user id: e-mail address, name
        self.panels = Panels(self)
        self.history = History(self)

    # --- people

    def add_people(self) -> People:
        password = hash_password(BENCH_PASSWORD)
        shape = self.shape

        def user(email: str, name: str, *, login: bool = False, shop: str | None = None) -> int:
            user_id = self.out.new_id("users")
            self.out.add(
                "users",
                {
                    "id": user_id,
                    "email": email,
                    "display_name": name,
                    "password_hash": password if login else None,
                    "marketplace_user_id": f"bench-u{user_id}",
                    "shop_name": shop,
                    "email_verified_at": self.now - timedelta(days=400),
                    "created_at": self.now - timedelta(days=400),
                    "locale": "en",
                },
            )
            self.addresses[user_id] = (email, name)
            return user_id

        def mediator(user_id: int) -> int:
            self.out.add("role_grants", self._grant(user_id, "mediator"))
            self.out.add("mediator_profiles", {"user_id": user_id, "on_duty": True, "skills": []})
            return user_id

        def reviewer(user_id: int) -> int:
            resolved = self.rng.randint(10, 60)
            self.out.add(
                "reviewers",
                {
                    "user_id": user_id,
                    "status": "active",
                    "enrolled_at": self.now - timedelta(days=300),
                    "activated_at": self.now - timedelta(days=299),
                    "practice_answered": 5,
                    "practice_correct": 5,
                    "resolved": resolved,
                    "coherent": resolved * 3 // 4,
                    "no_shows": 0,
                    "score": round(100 * (resolved * 3 // 4) / (resolved + 10)),
                },
            )
            return user_id

        people = People(
            buyer=user(BENCH_BUYER, "Bench Buyer", login=True),
            seller=user(BENCH_SELLER, "Bench Seller", login=True, shop="Bench Shop"),
            mediator=mediator(user(BENCH_MEDIATOR, "Bench Mediator", login=True)),
            mediators=[],
            bench_reviewers=[
                reviewer(user(BENCH_REVIEWER.format(i), f"Bench Reviewer {i}", login=True))
                for i in range(shape.bench_reviewers)
            ],
            reviewers=[],
            traders=[],
        )
        people.mediators = [people.mediator] + [
            mediator(user(f"mediator{i}@bench.example.com", f"Mediator {i}"))
            for i in range(shape.mediators)
        ]
        people.reviewers = [
            reviewer(user(f"reviewer{i}@bench.example.com", f"Reviewer {i}"))
            for i in range(shape.reviewers)
        ]
        people.traders = [
            user(f"trader{i}@bench.example.com", f"Trader {i}", shop=f"Shop {i}" if i % 2 else None)
            for i in range(shape.traders)
        ]
        self.people = people
        return people

    def _grant(self, user_id: int, role: str) -> dict:
        return {
            "id": self.out.new_id("role_grants"),
            "user_id": user_id,
            "role": role,
            "granted_at": self.now,
        }

    def _pair(self) -> tuple[int, int]:
        traders = self.people.traders
        buyer = traders[self.rng.randrange(0, len(traders), 2)]
        seller = traders[self.rng.randrange(1, len(traders), 2)]
        return buyer, seller

    # --- cases

    def add_case(self, state: str, *, buyer=None, seller=None, mediator=None, **fields) -> dict:
        if buyer is None:
            buyer, seller = self._pair()
        filed_at = fields.pop("filed_at", self.now - timedelta(hours=self.rng.randint(2, 600)))
        amount = self.rng.randint(1_000, 200_000)
        order_id = self.out.new_id("orders")
        self.out.add(
            "orders",
            {
                "id": order_id,
                "marketplace_order_id": f"bench-o{order_id}",
                "buyer_id": buyer,
                "seller_id": seller,
                "amount_fen": amount,
                "currency": "CNY",
                "status": "delivered",
                "placed_at": filed_at - timedelta(days=9),
                "shipped_at": filed_at - timedelta(days=8),
                "delivered_at": filed_at - timedelta(days=5),
                "carrier": "SF Express",
                "tracking_number": f"SF{order_id:012d}",
                "imported_at": filed_at - timedelta(days=9),
                "updated_at": filed_at - timedelta(days=5),
            },
        )
        self.out.add(
            "order_items",
            {
                "id": self.out.new_id("order_items"),
                "order_id": order_id,
                "position": 1,
                "title": "Electric kettle 1.7 L",
                "category": "home_appliances",
                "quantity": 1,
                "unit_price_fen": amount,
            },
        )
        if mediator is None and state not in {"filed", "returned"}:
            mediator = self.rng.choice(self.people.mediators)
        case = {
            "id": self.out.new_id("cases"),
            "order_id": order_id,
            "buyer_id": buyer,
            "seller_id": seller,
            "mediator_id": mediator,
            "state": state,
            "deadline_at": self.now + timedelta(hours=self.rng.randint(2, 72)),
            "reminded_deadline_at": None,
            "claim_type": self.rng.choice(CLAIM_TYPES),
            "responsible_party": "seller",
            "description": STATEMENT,
            "remedy": "full_refund",
            "remedy_amount_fen": None,
            "safety_or_fraud": False,
            "severity": self.rng.choice(SEVERITIES),
            "severity_confirmed_at": filed_at + timedelta(hours=1),
            "return_reason": None,
            "evidence_closed_at": None,
            "outcome": None,
            "decision_kind": None,
            "decision_remedy": None,
            "decision_amount_fen": None,
            "decision_reasons": None,
            "decided_at": None,
            "closed_reason": None,
            "closed_at": None,
            "filed_at": filed_at,
            "updated_at": filed_at + timedelta(hours=1),
            "amount_fen": amount,  # not a column: the obligations need it
        }
        case.update(fields)
        row = {key: value for key, value in case.items() if key != "amount_fen"}
        self.out.add("cases", row)
        self.add_audit_event(case, "case.opened", buyer, {"state": "filed"}, filed_at)
        return case

    def add_audit_event(self, case: dict, action: str, actor, after: dict, at) -> None:
        self.out.add(
            "audit_events",
            {
                "id": self.out.new_id("audit_events"),
                "actor_id": actor,
                "action": action,
                "subject_type": "cases",
                "subject_id": str(case["id"]),
                "before": None,
                "after": after,
                "created_at": at,
            },
        )

    def add_entries(self, case: dict, per_side: int, *, images: int = 0) -> None:
        """``per_side`` entries on each timeline, a real hash chain; the last ``images`` of
        each side are photos (a small stored file and its thumbnail)."""
        for party, author in (("buyer", case["buyer_id"]), ("seller", case["seller_id"])):
            previous = GENESIS_HASH
            for sequence in range(1, per_side + 1):
                is_image = sequence > per_side - images
                text = None if is_image else f"{STATEMENT} ({party}, entry {sequence})"
                entry = SimpleNamespace(
                    id=self.out.new_id("evidence_entries"),
                    case_id=case["id"],
                    party=party,
                    sequence=sequence,
                    author_id=author,
                    kind="image" if is_image else "statement",
                    text=text,
                    refers_to_id=None,
                    stored_name=None,
                    thumbnail_name=None,
                    original_name=None,
                    content_type=None,
                    size_bytes=None,
                    content_sha256=text_sha256(text) if text else None,
                    prev_hash=previous,
                    is_late=False,
                    created_at=case["filed_at"] + timedelta(minutes=10 * sequence),
                )
                if is_image:
                    self._store_photo(entry)
                entry.entry_hash = entry_hash(entry)
                previous = entry.entry_hash
                self.out.add("evidence_entries", vars(entry))

    def _store_photo(self, entry: SimpleNamespace) -> None:
        """A small photo and its thumbnail, placed in the configured store as an upload's."""
        base = f"{entry.case_id}/bench-{entry.id}"
        store = object_store()
        photo, thumbnail = _scratch_jpeg((64, 48)), _scratch_jpeg((32, 24))
        data = photo.read_bytes()
        store.place(f"{base}.jpg", photo)
        store.place(base + THUMBNAIL_SUFFIX, thumbnail)
        entry.stored_name = f"{base}.jpg"
        entry.thumbnail_name = base + THUMBNAIL_SUFFIX
        entry.original_name = f"photo-{entry.sequence}.jpg"
        entry.content_type = "image/jpeg"
        entry.size_bytes = len(data)
        entry.content_sha256 = hashlib.sha256(data).hexdigest()

    # --- the working set

    def add_working_set(self) -> None:
        shape, people = self.shape, self.people
        for _ in range(shape.read_cases):
            case = self.add_case(
                "mediation", buyer=people.buyer, seller=people.seller, mediator=people.mediator
            )
            self.add_entries(case, shape.entries_per_side, images=4)
        for _ in range(shape.upload_cases):
            self.add_case("evidence", buyer=people.buyer, seller=people.seller)
        for _ in range(shape.vote_panels):
            case = self.add_case("panel")
            self.add_entries(case, 3)
            seated = self.rng.sample(people.bench_reviewers, PANEL_SEATS)
            self.panels.add(case, seated, status="open", votes_for=[])
        special = shape.read_cases + shape.upload_cases + shape.vote_panels
        for state in self._open_states(max(shape.open_cases - special, 0)):
            self.add_open_case(state)

    def _open_states(self, count: int) -> list[str]:
        states = []
        for state, share in OPEN_STATE_SHARES.items():
            states += [state] * round(count * share)
        states += ["mediation"] * (count - len(states))
        return states[:count]

    def add_open_case(self, state: str) -> None:
        fields = {}
        if state in {"decided", "executing"}:
            fields = {
                "outcome": "for_buyer",
                "decision_kind": "mediator",
                "decision_remedy": "full_refund",
                "decided_at": self.now - timedelta(hours=3),
            }
        case = self.add_case(state, **fields)
        self.add_entries(case, 3)
        if state == "panel":
            self.panels.add(case, self.panels.seated(), status="open", votes_for=[0, 1, 0])
        elif state == "executing":
            add_obligation(self.out, case, "open", due_at=self.now + timedelta(hours=30))
        elif state == "proposal":
            self.out.add(
                "settlement_proposals",
                {
                    "id": self.out.new_id("settlement_proposals"),
                    "case_id": case["id"],
                    "mediator_id": case["mediator_id"],
                    "outcome": "partial_refund",
                    "amount_fen": case["amount_fen"] // 2,
                    "rationale": "Both sides share the blame for the delay.",
                    "status": "open",
                    "created_at": self.now - timedelta(hours=5),
                    "expires_at": self.now + timedelta(hours=43),
                },
            )


def _scratch_jpeg(size: tuple[int, int]) -> Path:
    descriptor, path = new_scratch_file(".jpg")
    with open(descriptor, "wb") as out:
        Image.new("RGB", size, (180, 90, 40)).save(out, "JPEG")
    return path


def generate(shape: Shape) -> Generator:
    """Fill an empty (migrated) database; returns the generator, which knows the people."""
    generator = Generator(shape)
    generator.add_people()
    generator.add_working_set()
    for _ in range(shape.history):
        generator.history.add_closed_case()
    generator.out.flush()
    return generator


def people_of() -> People:
    """The bench accounts, read back from a generated database."""
    from app.auth.models import RoleGrant, User
    from app.jury.models import Reviewer

    def user_id(email: str) -> int:
        return db.session.scalar(select(User.id).where(User.email == email))

    reviewers = db.session.scalars(
        select(Reviewer.user_id)
        .join(User)
        .where(User.email.like("bench-reviewer%"))
        .order_by(User.id)
    ).all()
    pool = db.session.scalars(
        select(Reviewer.user_id)
        .join(User)
        .where(User.email.like("reviewer%@bench.example.com"))
        .order_by(User.id)
    ).all()
    traders = db.session.scalars(
        select(User.id).where(User.email.like("trader%@bench.example.com")).order_by(User.id)
    ).all()
    return People(
        buyer=user_id(BENCH_BUYER),
        seller=user_id(BENCH_SELLER),
        mediator=user_id(BENCH_MEDIATOR),
        mediators=list(
            db.session.scalars(select(RoleGrant.user_id).where(RoleGrant.role == "mediator"))
        ),
        bench_reviewers=list(reviewers),
        reviewers=list(pool),
        traders=list(traders),
    )
