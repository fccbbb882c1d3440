"""Webhooks: signed events to the marketplace's endpoints, a channel of the outbox.

``events.queue_event`` writes one outbox row per matching endpoint in the business
transaction; the delivery sweep sends it (``sending``), signed as the Standard Webhooks
specification says (``signing``), and retries it with backoff for three days. Endpoints are
managed through ``endpoints`` (the admin page and ``flask webhooks``); what each event
carries is in ``catalogue``.
"""
