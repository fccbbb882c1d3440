"""Every model, imported in one place so the metadata (and Alembic) sees them all."""

from app.api.models import ApiToken  # noqa: F401
from app.audit import AuditEvent  # noqa: F401
from app.auth.models import RoleGrant, User  # noqa: F401
from app.cases.models import Case, CounterOffer, EvidenceEntry  # noqa: F401
from app.execution.models import DepositEntry, Obligation, SellingRestriction  # noqa: F401
from app.jury.models import (  # noqa: F401
    Appeal,
    Panel,
    PracticeAnswer,
    Reviewer,
    Seat,
    Tally,
    Vote,
)
from app.mediation.models import (  # noqa: F401
    CaseNote,
    CaseQuestion,
    MediatorProfile,
    PanelReferral,
    Rating,
    SettlementProposal,
)
from app.notifications.models import InboxItem  # noqa: F401
from app.orders.models import Order, OrderItem  # noqa: F401
from app.outbox import OutboxMessage  # noqa: F401
from app.scheduler.heartbeat import SchedulerHeartbeat  # noqa: F401
