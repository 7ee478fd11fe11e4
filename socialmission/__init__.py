"""Social Mission Resource Library."""
