"""Event extraction: cleaned Arabic article -> ACLED-coded events (see model.Event)."""
