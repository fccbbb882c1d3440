"""The dossier of a closed case: one ZIP that tells the case and proves its evidence (design:
Closing).

Members, in this (sorted) order::

    files/<party>/<sequence>-<name>   every stored evidence file, its bytes as stored
    manifest.json                     SHA-256 and size of every other member; case, time, tool
    summary.html, summary.txt         the case told for people: claim, order, decision,
                                      obligations, ratings, the negotiation thread and
                                      both timelines
    thread.json                       the negotiation thread: every message, who wrote it
                                      (buyer, seller or mediator) and when
    timelines/buyer.json, seller.json every entry with the fields its hash covers

The ZIP is the same byte for byte for the same case, apart from the export time in the
manifest: members are sorted and carry a fixed timestamp. It holds only what the parties see
on their case page (names as shown there; no e-mail address, no phone number), plus the
internal author and entry ids the entry hashes cover.

``build`` writes it, ``summary`` tells the case for people, and ``verify`` checks a dossier on
its own, without the database: the manifest against every member, the thread's messages
(``thread``), each timeline's hash chain and entry hashes (recomputed with
``app.cases.chains.entry_hash``), each text against its SHA-256 and each file against its
entry's. A careful forger who edits a timeline and re-hashes the manifest still breaks an
entry hash or a link; only a timeline rewritten from the edited entry to its end, with every
later hash recomputed, cannot be told from the real one without the database. The thread is
not evidence and has no chain: a forger who re-hashes the manifest can edit it unseen.
"""

from app.cases.states import Party

FORMAT = "tribunal-dossier/1"
MANIFEST = "manifest.json"
SUMMARY_HTML = "summary.html"
SUMMARY_TXT = "summary.txt"
THREAD = "thread.json"
TIMELINES = {party: f"timelines/{party.value}.json" for party in Party}
REQUIRED = frozenset({MANIFEST, SUMMARY_HTML, SUMMARY_TXT, THREAD, *TIMELINES.values()})
FILES_FOLDER = "files/"
# fields an entry's hash covers that a timeline document holds once, not in each entry
TIMELINE_FIELDS = ("case_id", "party")
CHUNK_BYTES = 1024 * 1024
