"""Model versions, predictions, fairness reports and the human review queue."""
