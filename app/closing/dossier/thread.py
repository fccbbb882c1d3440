"""The negotiation thread in the dossier: ``thread.json`` holds every message with who wrote
it (as the buyer, the seller or the mediator) and when; ``thread_problems`` checks that
document on its own.

The thread is not evidence and has no hash chain: the manifest's SHA-256 is what proves
``thread.json`` unchanged, as for the summaries. The check finds what the manifest cannot: a
document that is not a thread of this case, a message that cannot be read, messages out of
the order they were written in.
"""

from datetime import datetime

from app.cases.chains import iso_time
from app.cases.thread import ThreadPost, ThreadRole
from app.closing.dossier import FORMAT, THREAD
from app.core.text import is_visible

AUTHORS = frozenset(role.value for role in ThreadRole)


def thread_document(case_id: int, posts: list[ThreadPost]) -> dict:
    return {
        "format": FORMAT,
        "case_id": case_id,
        "posts": [
            {
                "id": post.id,
                "author": post.author_role,
                "created_at": iso_time(post.created_at),
                "text": post.text,
            }
            for post in posts
        ],
    }


def thread_problems(document, case_id: int | None) -> list[str]:
    """What is wrong with a dossier's thread document; empty when it reads as one."""
    if not isinstance(document, dict) or not isinstance(document.get("posts"), list):
        return [f"{THREAD} is not a dossier thread"]
    found_case = document.get("case_id")
    if not isinstance(found_case, int) or isinstance(found_case, bool):
        return [f"{THREAD} is not the thread of case {case_id}"]
    if case_id is not None and found_case != case_id:
        return [f"{THREAD} is not the thread of case {case_id}"]
    problems: list[str] = []
    previous: tuple[datetime, int] | None = None
    for position, post in enumerate(document["posts"], start=1):
        where = f"{THREAD}, message at position {position}"
        try:
            written = _read_post(post)
        except ValueError as error:
            problems.append(f"{where}: {error}")
            continue
        if previous is not None and written <= previous:
            problems.append(f"{where}: it is out of the order the thread was written in")
        previous = written
    return problems


def _read_post(post) -> tuple[datetime, int]:
    """When a message was written and its id, or ValueError saying what is wrong with it."""
    if not isinstance(post, dict):
        raise ValueError("not a JSON object")
    post_id = post.get("id")
    if not isinstance(post_id, int) or isinstance(post_id, bool):
        raise ValueError("field 'id' is missing or of the wrong type")
    if post.get("author") not in AUTHORS:
        raise ValueError("its author is not the buyer, the seller or the mediator")
    if not isinstance(post.get("text"), str) or not is_visible(post["text"]):
        raise ValueError("it has no text")
    try:
        created_at = datetime.fromisoformat(post.get("created_at"))
    except (TypeError, ValueError) as error:
        raise ValueError("created_at is not an ISO 8601 time") from error
    if created_at.tzinfo is None:
        raise ValueError("created_at has no time zone")
    return created_at, post_id
