"""Fairness (DESIGN §12): the diversity monitoring questionnaire and the figures drawn from it."""
