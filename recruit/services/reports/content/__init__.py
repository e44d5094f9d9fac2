"""What each PDF report shows (DESIGN §7), gathered from the services that own the figures, and the template that
lays it out: the sift report (sift.py), the interview report (interview.py), the merit list (merit.py) and the
candidate's feedback letter (feedback_letter.py), with what they share (shared.py). Every score, total, pass, rank
and merit place comes from results, board, merit, offers and feedback; nothing here applies a scoring rule of its
own.
"""
