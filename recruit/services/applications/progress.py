"""What a candidate's pages show about an application: where it stands, what they may still do with it
(withdraw, answer an interview invitation), and which released outcomes they can read."""

from __future__ import annotations

from dataclasses import dataclass

from recruit.labels import status_label
from recruit.models import Application, InterviewSlot
from recruit.models.application import ApplicationStatus
from recruit.models.interview import SlotStatus
from recruit.services.applications import submission as applications
from recruit.services.assessment import feedback
from recruit.services.interview import invitations as interviews
from recruit.services.interview import offers

# How an invitation's status reads to the candidate, with its tag colour.
SLOT_STATUS: dict[str, tuple[str, str]] = {
    SlotStatus.INVITED: ("Waiting for your reply", "govuk-tag--blue"),
    SlotStatus.ACCEPTED: ("Accepted", "govuk-tag--green"),
    SlotStatus.CHANGE_REQUESTED: ("You asked for another time", "govuk-tag--yellow"),
    SlotStatus.DID_NOT_ATTEND: ("Did not attend", "govuk-tag--grey"),
    SlotStatus.WITHDREW: ("Withdrawn", "govuk-tag--grey"),
}

NO_OUTCOME: dict[str, str] = {
    ApplicationStatus.DRAFT: "This application was not submitted, so it has no outcome.",
    ApplicationStatus.WITHDRAWN: "You withdrew this application, so it has no outcome.",
}


@dataclass
class Progress:
    application: Application
    released: tuple[str, ...]
    status: str
    slot: InterviewSlot | None
    offer: offers.CandidateOffer | None = None

    @property
    def offer_waiting(self) -> bool:
        """An offer the candidate can still answer online."""
        return self.offer is not None and self.offer.can_answer

    @property
    def slot_status(self) -> tuple[str, str]:
        # Pages show it only for an application with an invitation.
        if self.slot is None:
            raise ValueError("the application has no interview invitation")
        if self.application.status == ApplicationStatus.WITHDRAWN and self.slot.status in interviews.LIVE:
            return "Cancelled", "govuk-tag--grey"
        return SLOT_STATUS[self.slot.status]

    @property
    def reply_refusal(self) -> str | None:
        """Why the candidate cannot answer the invitation now; None when they can."""
        return interviews.reply_refusal(self.slot)

    @property
    def reply_closed(self) -> bool:
        """A live invitation that can no longer be answered here (it has started, or the campaign ended)."""
        return (
            self.slot is not None
            and self.slot.status in interviews.LIVE
            and self.application.status == ApplicationStatus.SIFT_PASSED
            and self.reply_refusal is not None
        )

    @property
    def change_note(self) -> str:
        """The times the candidate said they can do, while their request for another time stands."""
        if self.slot is None or self.slot.status != SlotStatus.CHANGE_REQUESTED:
            return ""
        return self.slot.candidate_note

    @property
    def calendar(self) -> bool:
        return (
            self.slot is not None
            and self.application.status == ApplicationStatus.SIFT_PASSED
            and self.slot.status in interviews.LIVE
        )

    @property
    def outcome_link(self) -> bool:
        return bool(self.released) and self.application.status in feedback.TOOK_PART["sift"]

    @property
    def can_withdraw(self) -> bool:
        return applications.withdraw_refusal(self.application) is None

    @property
    def withdrawn(self) -> bool:
        return self.application.withdrawn

    @property
    def submitted(self) -> bool:
        """Sent in (and so read-only), whatever has happened to it since; not withdrawn."""
        return self.application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)


def progress_of(application: Application) -> Progress:
    released = feedback.released_stages(application)
    status = (
        status_label(application.status)
        if application.status in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)
        else status_label(ApplicationStatus.SUBMITTED)
    )
    for stage in reversed(feedback.STAGES):
        if stage in released and application.status in feedback.TOOK_PART[stage]:
            status = feedback.stage_outcome(application, stage)
            break
    return Progress(
        application, released, status, interviews.slot_for(application), offers.candidate_offer(application)
    )


@dataclass
class StageOutcome:
    stage: str
    released: bool
    outcome: str = ""
    criteria: list[feedback.CriterionFeedback] | None = None


def awaiting_decision(application: Application) -> bool:
    """Sent in and nothing decided on it yet: its check page leads to the page confirming it was submitted, which
    shows only then."""
    return application.status == ApplicationStatus.SUBMITTED


def no_outcome(application: Application) -> str | None:
    """Why an application has no outcome at all (never sent in, or withdrawn); None when it may have one."""
    return NO_OUTCOME.get(application.status)


def stage_outcomes(application: Application, released: tuple[str, ...]) -> list[StageOutcome]:
    """Per stage the candidate took part in: its outcome and feedback once released. Nothing at all while no
    stage is released, since even which stages there are to wait for would tell the sift's decision."""
    if not released:
        return []
    shown = []
    for stage in feedback.STAGES:
        if application.status not in feedback.TOOK_PART[stage]:
            continue
        if stage not in released:
            shown.append(StageOutcome(stage, released=False))
            continue
        absent = stage == "interview" and application.status in feedback.ABSENT
        rows = [] if absent else (feedback.released_for(application, stage) or [])
        shown.append(StageOutcome(stage, True, feedback.stage_outcome(application, stage), rows))
    return shown
