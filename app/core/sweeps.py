"""How a sweep handles one due row: in a savepoint of its own, so one row that cannot be
done (someone else moved it first) or that breaks does not stop the others."""

import logging
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from app.core.errors import Refused
from app.core.extensions import db

logger = logging.getLogger(__name__)


def in_savepoint(work: Callable[[], object], label: str) -> bool:
    """Run ``work`` in a savepoint; True if it did its work (it returned anything but
    False). A refusal or a unique constraint means another sweep or a person got there
    first: rolled back quietly. Any other error is logged by ``label`` (ids, never personal
    data) and rolled back."""
    try:
        with db.session.begin_nested():
            return work() is not False
    except (Refused, IntegrityError):
        return False
    except Exception as error:
        logger.error("%s failed: %s", label, type(error).__name__)
        return False
