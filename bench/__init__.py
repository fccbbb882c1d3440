"""The performance benchmark: data at marketplace scale, reference pages and a reference
sweep to measure against, and the run that serves the real site under load
(`make bench`, `make bench-quick`; the figures go to docs/performance.md)."""
