"""The AI engine: reading messages, profiles, risk rules and predictive models."""
