"""Fairness (DESIGN §12): diversity monitoring, adverse impact, Disability Confident and redaction."""
