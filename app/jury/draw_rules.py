"""The draw itself, as pure functions anyone can recompute (docs/draws.md says it in words).

A draw takes a pool snapshot (each member's pseudonymous token, leaning and expertise), the
number of seats to fill, the balance rule's cap and the seats each limited leaning already
holds, and a seed; it gives back the tokens drawn, in the order drawn.

Algorithm 2 (every draw committed to the public log): the draw's seed is
SHA-256(panel seed in hex ":" draw number); members are ordered by SHA-256(draw seed ‖ token),
experts first; each is taken unless their leaning already holds ``cap`` seats. Only SHA-256
and sorting, so it can be recomputed in any language.

Algorithm 1 (panels' first draws before draws were committed): the pool, sorted by user id,
is shuffled by Python's Mersenne Twister seeded with the panel seed as a big-endian integer;
it is kept so that those draws still verify.
"""

import hashlib
import json
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

SELLER = "seller"
BUYER = "buyer"
BALANCED = "balanced"
# the groups that may fill at most ``cap`` of a panel's seats
LIMITED_LEANINGS = frozenset({SELLER, BUYER})

LEGACY_ALGORITHM = 1
ALGORITHM = 2


@dataclass(frozen=True)
class Entrant:
    """A pool member as the public snapshot shows them: a token, never who they are."""

    token: str
    leaning: str  # "seller", "buyer" or "balanced"
    expert: bool


def canonical(value) -> bytes:
    """The one byte form of a JSON value that is hashed: keys sorted, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def draw_seed(panel_seed: bytes, number: int) -> bytes:
    """The seed of a panel's draw ``number`` (0 for the first), derived from the panel's one
    seed, so that committing to the panel seed commits to every draw's."""
    return hashlib.sha256(f"{panel_seed.hex()}:{number}".encode()).digest()


def snapshot(
    *,
    panel_id: int,
    number: int,
    kind: str,
    seats: int,
    cap: int,
    held: Mapping[str, int],
    entrants: Iterable[Entrant],
) -> dict:
    """Everything a draw reads, as the JSON document whose SHA-256 is committed."""
    return {
        "algorithm": ALGORITHM,
        "panel": panel_id,
        "draw": number,
        "kind": kind,
        "seats": seats,
        "cap": cap,
        "held": {leaning: held.get(leaning, 0) for leaning in sorted(LIMITED_LEANINGS)},
        "pool": sorted([e.token, e.leaning, e.expert] for e in entrants),
    }


def draw(entrants: Sequence[Entrant], seats: int, seed: bytes, *, cap: int, held=None) -> list:
    """Up to ``seats`` tokens from ``entrants`` (algorithm 2), in the order drawn."""
    order = sorted(entrants, key=lambda e: hashlib.sha256(seed + e.token.encode()).digest())
    return _take(order, seats, cap, held or {})


def legacy_draw(pool: Sequence[Sequence], seats: int, seed: bytes) -> list[int]:
    """Algorithm 1: ``pool`` as ``[user_id, leaning, expert]`` rows; the user ids drawn."""
    # the user id stands in the token's place: these draws were never published
    members = sorted(
        (Entrant(user_id, leaning, bool(expert)) for user_id, leaning, expert in pool),
        key=lambda e: e.token,
    )
    random.Random(int.from_bytes(seed, "big")).shuffle(members)
    return _take(members, seats, seats // 2, {})


def recompute(document: Mapping, panel_seed: bytes) -> list:
    """The tokens (algorithm 2) or user ids (algorithm 1) a recorded snapshot gives."""
    if document["algorithm"] == LEGACY_ALGORITHM:
        return legacy_draw(document["pool"], document["seats"], panel_seed)
    entrants = [Entrant(token, leaning, expert) for token, leaning, expert in document["pool"]]
    seed = draw_seed(panel_seed, document["draw"])
    return draw(entrants, document["seats"], seed, cap=document["cap"], held=document["held"])


def drawable(leanings: Iterable[str], cap: int, held: Mapping[str, int]) -> int:
    """How many seats the balance rule lets members of these ``leanings`` fill, whatever
    the order they are drawn in."""
    by_leaning = Counter(leanings)
    return by_leaning[BALANCED] + sum(
        min(by_leaning[leaning], max(cap - held.get(leaning, 0), 0)) for leaning in LIMITED_LEANINGS
    )


def _take(order: Sequence[Entrant], seats: int, cap: int, held: Mapping[str, int]) -> list:
    ranked = [e for e in order if e.expert] + [e for e in order if not e.expert]
    taken = Counter(held)
    chosen = []
    for entrant in ranked:
        if len(chosen) >= seats:
            break
        if entrant.leaning in LIMITED_LEANINGS and taken[entrant.leaning] >= cap:
            continue
        chosen.append(entrant.token)
        taken[entrant.leaning] += 1
    return chosen
