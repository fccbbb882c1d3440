"""Every model, imported in one place so the metadata (and Alembic) sees them all."""

from app.api.models import ApiToken  # noqa: F401
from app.audit import AuditEvent  # noqa: F401
from app.auth.models import RoleGrant, User  # noqa: F401
from app.cases.models import Case, CounterOffer, EvidenceEntry  # noqa: F401
from app.notifications.models import InboxItem  # noqa: F401
from app.orders.models import Order, OrderItem  # noqa: F401
from app.outbox import OutboxMessage  # noqa: F401
from app.scheduler.heartbeat import SchedulerHeartbeat  # noqa: F401
