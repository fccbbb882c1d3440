"""The claim assistant: before the claim form, a buyer says what happened, reads what the
order record shows and the platform's own answer where there is one, the remedy and evidence
that fit, and how cases like theirs ended; then files, or does not need to."""
