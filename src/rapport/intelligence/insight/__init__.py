"""Customer insight: message analysis, living profiles, risk rules and alerts."""
