"""Figures about how Tribunal runs (design: Analytics and transparency): the staff dashboard
at ``/analytics`` and the figures the public page ``/transparency`` publishes.

Every figure is a SQL aggregate with one definition (``measures``), read by both pages; the
definitions are written out in docs/analytics.md. This feature only reads: it sits above
``closing`` so that it can read every feature's tables, and ``public`` reads it.
"""
