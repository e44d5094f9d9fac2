"""Which stage of a campaign each application reached, for the adverse impact figures (DESIGN §12).

The stages, in order, and what reaching each means (read from the records the campaign keeps anyway):

- applied: the application was submitted (one withdrawn after submitting still counts as having applied);
- passed pre-sift: not failed at the pre-sift, and not withdrawn before it was done. A campaign whose sift was
  decided without a pre-sift passed everyone still in it through this stage;
- passed sift: marked as passing the sift decision (withdrawn afterwards, it keeps the status it had);
- invited to interview: given an interview time, recorded as absent from the interview, or scored at it;
- appointable: passed the interview once the interview stage was signed off (every interview criterion at its
  pass mark, and the overall pass mark if there is one);
- offered: was made an offer (whatever became of it: accepted, declined or withdrawn).

A stage counts only once the campaign has reached it: the pre-sift or the sift decision made, interviews begun,
the interview stage signed off, an offer made or the campaign complete. Until then it is "not reached yet", not
a stage everyone failed. A campaign withdrawn part-way reaches only the stages it got to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select

from recruit.extensions import db
from recruit.models import AgreedScore, Application, Campaign, InterviewSlot, Offer, StageRecord
from recruit.models.application import ApplicationStatus
from recruit.models.campaign import CampaignStatus

STAGES: tuple[str, ...] = ("applied", "presift", "sift", "invited", "appointable", "offered")
STAGE_LABELS: dict[str, str] = {
    "applied": "Applied",
    "presift": "Passed pre-sift",
    "sift": "Passed sift",
    "invited": "Invited to interview",
    "appointable": "Appointable",
    "offered": "Offered a post",
}
# What a stage's reached applications passed, to say on the page.
PAST_SIFT = (ApplicationStatus.SIFT_PASSED, ApplicationStatus.DID_NOT_ATTEND, ApplicationStatus.INTERVIEW_WITHDRAWN)
ABSENT = (ApplicationStatus.DID_NOT_ATTEND, ApplicationStatus.INTERVIEW_WITHDRAWN)


@dataclass(frozen=True)
class CampaignStages:
    """The stages a campaign has reached, and the application ids past the interview (not in SQL: the pass
    marks are applied by the results service)."""

    campaign_id: int
    reached: frozenset[str]
    appointable: frozenset[int]


def _effective_status() -> ColumnElement[str]:
    # Withdrawn, an application keeps the status it had then: it reached what that status says.
    return case(
        (
            and_(Application.status == ApplicationStatus.WITHDRAWN, Application.withdrawn_from.is_not(None)),
            Application.withdrawn_from,
        ),
        else_=Application.status,
    )


def campaign_stages(campaigns: Iterable[Campaign]) -> dict[int, CampaignStages]:
    """The stages each campaign has reached, in two queries and one results computation per campaign whose
    interview stage is signed off."""
    from recruit.services.assessment.results import compute

    campaigns = list(campaigns)
    ids = [c.id for c in campaigns]
    records: dict[tuple[int, str], StageRecord] = {
        (r.campaign_id, r.stage): r
        for r in db.session.scalars(select(StageRecord).where(StageRecord.campaign_id.in_(ids)))
    }
    with_offers = set(db.session.scalars(select(Offer.campaign_id).where(Offer.campaign_id.in_(ids)).distinct()))
    out: dict[int, CampaignStages] = {}
    for campaign in campaigns:
        sift, interview = records.get((campaign.id, "sift")), records.get((campaign.id, "interview"))
        reached = {"applied"}
        if sift is not None and (sift.presift_done_at is not None or sift.decided_at is not None):
            reached.add("presift")
        if sift is not None and sift.decided_at is not None:
            reached.add("sift")
            if interview is not None or campaign.status in (CampaignStatus.INTERVIEW, CampaignStatus.COMPLETE):
                reached.add("invited")
        appointable: frozenset[int] = frozenset()
        if "invited" in reached and interview is not None and interview.signed_off_at is not None:
            reached.add("appointable")
            results = compute(campaign, "interview")
            appointable = frozenset(r.key.id for r in results.results if r.passed)
            if campaign.id in with_offers or campaign.status == CampaignStatus.COMPLETE:
                reached.add("offered")
        out[campaign.id] = CampaignStages(campaign.id, frozenset(reached), appointable)
    return out


def stage_columns(stages: dict[int, CampaignStages]) -> list[ColumnElement[Any]]:
    """SQL columns (on Application) from which `furthest` tells how far an application got: grouping by them
    keeps the count queries grouped rather than one row per application."""
    left_at = (
        select(func.coalesce(StageRecord.presift_done_at, StageRecord.decided_at))
        .where(StageRecord.campaign_id == Application.campaign_id, StageRecord.stage == "sift")
        .correlate(Application)
        .scalar_subquery()
    )
    appointable = [i for s in stages.values() for i in s.appointable]
    return [
        _effective_status().label("effective_status"),
        # Withdrawn before the pre-sift (or the sift decision, without one) was done: left before passing it.
        and_(Application.status == ApplicationStatus.WITHDRAWN, Application.withdrawn_at <= left_at).label("left"),
        or_(
            exists().where(InterviewSlot.application_id == Application.id),
            # Interviewed without a time booked here (arranged by hand): the panel's agreed scores show it.
            exists().where(AgreedScore.application_id == Application.id, AgreedScore.stage == "interview"),
        ).label("slot"),
        exists().where(Offer.application_id == Application.id).label("offer"),
        (Application.id.in_(appointable) if appointable else Application.id < 0).label("appointable"),
    ]


def furthest(
    reached: frozenset[str], status: str, left: bool | None, slot: bool, offer: bool, appointable: bool
) -> str:
    """The last stage, in order, that the application reached: the stage it is counted at."""
    flags = {
        "applied": status != ApplicationStatus.DRAFT,
        "presift": status != ApplicationStatus.PRESIFT_FAILED and not left,
        "sift": status in PAST_SIFT,
        "invited": bool(slot) or status in ABSENT or bool(appointable),
        "appointable": bool(appointable),
        "offered": bool(offer),
    }
    last = ""
    for stage in STAGES:
        if stage not in reached or not flags[stage]:
            break
        last = stage
    return last
