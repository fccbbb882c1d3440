"""Running the same work in several threads at once, for race tests."""

import threading
from collections.abc import Callable
from typing import Any

from app.core.extensions import db


def run_at_once(app, work: Callable[[int], Any], count: int) -> list[Any]:
    """Run ``work(n)`` for n in 0..count-1, each in its own thread and app context, all
    released together by a barrier. Each thread commits what its work did; the result is
    each return value, or the exception raised, in thread order.

    The caller must hold no open transaction (on SQLite it would keep the threads waiting).
    """
    barrier = threading.Barrier(count)
    outcomes: list[Any] = [None] * count

    def run(n: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                outcomes[n] = work(n)
                db.session.commit()
            except Exception as error:  # returned to the test, which asserts on it
                db.session.rollback()
                outcomes[n] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def errors_in(outcomes: list[Any]) -> list[Exception]:
    return [outcome for outcome in outcomes if isinstance(outcome, Exception)]
