"""The in-app inbox: items delivered from the outbox, read and marked read by their owner."""
