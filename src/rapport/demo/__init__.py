"""The demo company: believable, seeded, causally structured data for every app."""
