"""What a wide or final action would do, worked out for its confirmation page before anyone presses the button:
confirming every proposal on the board, signing off a stage, releasing a stage's outcomes. Reads only: the pages
that show these write nothing, and the services that act check again when the button is pressed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from recruit.extensions import db
from recruit.models import Application, Campaign, User
from recruit.models.application import ApplicationStatus
from recruit.services.assessment import agreement, feedback, results, visibility
from recruit.services.assessment.board import load_items
from recruit.services.campaigns.stages import eligible_query, stage_record


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


@dataclass(frozen=True)
class BulkConfirmation:
    """Confirming every proposal that is not discrepant, as the board stands now."""

    stage: str
    confirmed: int  # proposals that would become agreed scores
    applications: int  # the applications those proposals are in
    discrepant: int  # ready items left out: each needs an agreed score with a rationale
    awaiting: int  # items still waiting for scores, left out
    left_for_others: int  # ready items of candidates the chair declared a conflict with
    refusal: str | None

    @property
    def may_confirm(self) -> bool:
        return self.refusal is None and self.confirmed > 0

    @property
    def summary(self) -> str:
        if not self.confirmed:
            return "No proposal is ready to confirm now"
        return (
            f"{_plural(self.confirmed, 'proposed score', 'proposed scores')}, in "
            f"{_plural(self.applications, 'application', 'applications')}, will be confirmed as agreed scores"
        )

    @property
    def leaves_out(self) -> bool:
        return bool(self.discrepant or self.awaiting or self.left_for_others)

    @property
    def discrepant_text(self) -> str:
        return (
            f"{_plural(self.discrepant, 'discrepant item is', 'discrepant items are')} not included: "
            f"{'it needs' if self.discrepant == 1 else 'each needs'} an agreed score with a rationale, on its own page"
        )


def bulk_confirmation(user: User, campaign: Campaign, stage: str) -> BulkConfirmation:
    applications = list(db.session.scalars(eligible_query(campaign, stage)))
    confirmed = discrepant = awaiting = left = 0
    confirmed_in: set[int] = set()
    for item in load_items(campaign, stage, applications):
        state = item.state
        if state.is_agreed:
            continue
        if not state.ready:
            awaiting += 1
        elif state.discrepant:
            discrepant += 1
        elif agreement.confirmable(user, item, campaign, stage):
            confirmed += 1
            confirmed_in.add(item.application.id)
        else:
            left += 1
    return BulkConfirmation(
        stage=stage,
        confirmed=confirmed,
        applications=len(confirmed_in),
        discrepant=discrepant,
        awaiting=awaiting,
        left_for_others=left,
        refusal=agreement.bulk_refusal(user, campaign, stage),
    )


@dataclass(frozen=True)
class SignOff:
    """Signing off a stage: the results, and at the sift the decision, become final."""

    stage: str
    applications: int  # applications with every criterion agreed
    passed: int  # of those, passing every pass mark
    failed: int
    going_on: int | None  # at the sift, once decided: how many go on to interview
    not_going_on: int | None
    decision: str | None  # at the sift, once decided: the rule, in words
    refusal: str | None

    @property
    def may_sign_off(self) -> bool:
        return self.refusal is None

    @property
    def fixes(self) -> list[str]:
        """What signing off fixes, one sentence each."""
        said = [
            f"The {self.stage} results: {_plural(self.applications, 'application', 'applications')} with every "
            f"criterion agreed, {self.passed} passing and {self.failed} not passing. No agreed score can be "
            "reopened and no score can change."
        ]
        if self.decision is not None and self.going_on is not None and self.not_going_on is not None:
            said.append(
                f"The sift decision ({self.decision}): {_plural(self.going_on, 'application goes', 'applications go')}"
                f" on to interview and {self.not_going_on} {'does' if self.not_going_on == 1 else 'do'} not."
            )
        else:
            said.append("The ranking of the results, as the merit list the offers follow.")
        said.append("The reports as they stand now: the version kept at sign-off never changes.")
        if self.stage == "sift":
            said.append("Candidates’ names become visible to the panels once the sift is signed off.")
        return said


def sign_off(user: User, campaign: Campaign, stage: str) -> SignOff:
    outcome = results.compute(campaign, stage)
    passed = sum(1 for result in outcome.results if result.passed)
    record = stage_record(campaign, stage)
    going_on = not_going_on = None
    decision = None
    if stage == "sift" and record.decided_at is not None:
        counts: dict[str, int] = {}
        for status, count in db.session.execute(
            eligible_query(campaign, stage)
            .with_only_columns(Application.status, func.count())
            .group_by(Application.status)
        ):
            counts[status] = count
        going_on = counts.get(ApplicationStatus.SIFT_PASSED, 0)
        not_going_on = counts.get(ApplicationStatus.SIFT_FAILED, 0)
        decision = f"the top {record.decision_top_n} by rank" if record.decision_top_n else "everyone who passes"
    return SignOff(
        stage=stage,
        applications=len(outcome.results),
        passed=passed,
        failed=len(outcome.results) - passed,
        going_on=going_on,
        not_going_on=not_going_on,
        decision=decision,
        refusal=results.sign_off_refusal(user, campaign, stage, outcome),
    )


@dataclass(frozen=True)
class MissingFeedbackRow:
    """A candidate without feedback for some criteria, named only where the stage's pages name candidates."""

    reference: str
    name: str | None
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class Release:
    """Releasing a stage's outcomes and feedback to the candidates who took part in it."""

    stage: str
    told: int  # candidates who will see their outcome
    gaps: feedback.FeedbackGaps
    missing: tuple[MissingFeedbackRow, ...]

    @property
    def summary(self) -> str:
        return f"{_plural(self.told, 'candidate', 'candidates')} will be told their {self.stage} outcome"


def release(user: User, campaign: Campaign, stage: str) -> Release:
    told = db.session.scalar(
        select(func.count())
        .select_from(Application)
        .where(Application.campaign_id == campaign.id, Application.status.in_(feedback.TOOK_PART[stage]))
    )
    gaps = feedback.missing_feedback(campaign, stage)
    names: dict[str, str] = {}
    if gaps.candidates and visibility.shows_names(user, campaign, stage):
        references = [candidate.reference for candidate in gaps.candidates]
        for application in db.session.scalars(
            select(Application).where(Application.campaign_id == campaign.id, Application.reference.in_(references))
        ):
            if application.personal_details is not None:
                names[application.reference] = application.personal_details.full_name
    return Release(
        stage=stage,
        told=told or 0,
        gaps=gaps,
        missing=tuple(MissingFeedbackRow(c.reference, names.get(c.reference), c.criteria) for c in gaps.candidates),
    )
