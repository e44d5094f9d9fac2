"""Sift and interview assessment: independent scoring, who sees what, moderation to agreed scores, who may
moderate, results and ranking, and feedback."""
