"""Sinks: pure functions from findings (and size reports) to text. No I/O here."""
