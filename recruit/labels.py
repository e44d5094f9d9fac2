"""What each status is called on screen and in reports: one plain-English label per stored value.

Statuses are stored as short lower-case values ("sift_passed"); people read these labels instead. A value
means the same thing wherever it appears (a campaign, an application or an offer can each be "withdrawn"),
so one label per value serves every status enum; tests check that every member of every enum has one.
"""

STATUS_LABELS: dict[str, str] = {
    # Campaigns
    "draft": "Draft",
    "open": "Open",
    "closed": "Closed",
    "sift": "Sift",
    "interview": "Interview",
    "complete": "Complete",
    "withdrawn": "Withdrawn",
    # Applications
    "submitted": "Submitted",
    "presift_failed": "Did not pass the pre-sift",
    "sift_failed": "Did not pass the sift",
    "sift_passed": "Passed the sift",
    "did_not_attend": "Did not attend",
    "interview_withdrawn": "Withdrew from the interview",
    # Interview invitations
    "invited": "Invited",
    "accepted": "Accepted",
    "change_requested": "Change requested",
    "withdrew": "Withdrew",
    # Offers
    "offered": "Offered",
    "declined": "Declined",
    # Scores and agreed scores
    "agreed": "Agreed",
    "reopened": "Reopened",
    # Report versions
    "queued": "Queued",
    "rendering": "Being prepared",
    "ready": "Ready",
    "failed": "Failed",
    # Notifications (queued and failed are above: a message that failed is tried again)
    "sending": "Sending",
    "sent": "Sent",
    "permanently_failed": "Not sent",
}


def status_label(value: str | None) -> str:
    """The label for a stored status; a value without one is shown as it is rather than hidden."""
    if value is None:
        return ""
    return STATUS_LABELS.get(str(value), str(value))
