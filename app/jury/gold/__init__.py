"""Gold cases: disputes whose right answer is known, for enrolment and for calibrating
reviewers (design: Beyond today's systems, Calibration; docs/gold-cases.md).

``bank`` holds the gold bank (the practice cases loaded from ``practice.json``, and closed
cases staff confirm as clear-cut); ``seats`` places gold seats beside real ones; ``grading``
is the sweep that grades them; ``views`` is the staff's gold-bank pages.
"""
