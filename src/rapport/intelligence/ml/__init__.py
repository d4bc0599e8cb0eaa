"""Predictive models: training, registry, scoring, explanations, fairness, review."""
