"""What each status is called on screen and in reports: one plain-English label per stored value.

Statuses are stored as short lower-case values ("sift_passed"); people read these labels instead. A value
means the same thing wherever it appears (a campaign, an application or an offer can each be "withdrawn"),
so one label per value serves every status enum; tests check that every member of every enum has one.
"""

STATUS_LABELS: dict[str, str] = {
    # Campaigns
    "draft": "Draft",
    "open": "Open for applications",
    "closed": "Closed for applications",
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
    # A campaign's set-up tasks (services/campaigns/task_list.py)
    "completed": "Completed",
    "incomplete": "Incomplete",
    "cannot_start": "Cannot start yet",
    # Notifications (queued and failed are above: a message that failed is tried again)
    "sending": "Sending",
    "sent": "Sent",
    "permanently_failed": "Not sent",
}


# A stage's state as a report prints it, as it was when the report was made, after the stage's label
# ("Sift – signed off 3 December 2026"): see recruit.services.reports.content.shared.StageState.
STAGE_STATE_LABELS: dict[str, str] = {
    "not_started": "not started",
    "presift": "pre-sift in progress",
    "in_progress": "in progress",
    "signed_off": "signed off {day}",
    "complete": "complete, signed off {day}",
    "withdrawn": "not signed off, the campaign was withdrawn",
}


def stage_state_label(stage: str, state: str, day: str = "") -> str:
    """A stage and its state in words: "Interview – in progress"; `day` is the sign-off's date where it has one."""
    return f"{status_label(stage)} – {STAGE_STATE_LABELS[state].format(day=day)}"


def status_label(value: str | None) -> str:
    """The label for a stored status; a value without one is shown as it is rather than hidden."""
    if value is None:
        return ""
    return STATUS_LABELS.get(str(value), str(value))


# The advert's choices (recruit.models.campaign ContractType, WorkingPattern, SecurityClearance): not statuses,
# so they have labels of their own, in the order the forms list them.
CONTRACT_TYPE_LABELS: dict[str, str] = {
    "permanent": "Permanent",
    "fixed_term": "Fixed term",
    "loan": "Loan or secondment",
}

WORKING_PATTERN_LABELS: dict[str, str] = {
    "full_time": "Full-time",
    "part_time": "Part-time",
    "job_share": "Job share",
    "flexible": "Flexible working",
}

SECURITY_CLEARANCE_LABELS: dict[str, str] = {
    "bpss": "Baseline Personnel Security Standard (BPSS)",
    "ctc": "Counter-terrorist check (CTC)",
    "sc": "Security check (SC)",
    "dv": "Developed vetting (DV)",
    "none": "None",
}


# Reasonable adjustments (recruit.models.adjustment): what a candidate asks for, in the order the form lists them,
# and what the admin agreed.
ADJUSTMENT_CATEGORY_LABELS: dict[str, str] = {
    "extra_time": "Extra time",
    "physical_access": "Physical access",
    "assistive_technology": "Assistive technology",
    "communication_support": "Communication support, for example a British Sign Language interpreter",
    "document_format": "Format of documents, for example large print",
    "breaks_or_timing": "Breaks or timing",
    "other": "Other",
}

ADJUSTMENT_STAGE_LABELS: dict[str, str] = {
    "application": "Applying",
    "interview": "Interview",
}

ADJUSTMENT_OUTCOME_LABELS: dict[str, str] = {
    "agreed": "Agreed",
    "partly_agreed": "Partly agreed",
    "not_agreed": "Not agreed",
}

ADJUSTMENT_AWAITING = "Awaiting a response"
ADJUSTMENT_RESPONDED = "Responded"


# Why the agreement between a panel's scores (Krippendorff's alpha, services/assessment/reliability.py) has no
# figure to show, by Judgement.
RELIABILITY_LABELS: dict[str, str] = {
    "too_few": "too few scores to judge yet",
    "no_variation": "every score is the same, so there is no variation to measure agreement on",
}
