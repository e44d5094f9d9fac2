"""Fairness figures (DESIGN §12): who reached each stage, adverse impact by group, and suppression of small counts."""
