"""Message analysis, customer profiles, risk rules and risk alerts."""
