"""The merit list of a campaign, offers down it for the number of posts, and the reserve list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from recruit.clock import format_uk, format_uk_date, utcnow
from recruit.extensions import db
from recruit.models import Application, Campaign, Offer, User
from recruit.models.application import ApplicationStatus
from recruit.models.interview import OfferStatus
from recruit.services.assessment.feedback import released_stages
from recruit.services.assessment.results import compute, rules_for
from recruit.services.campaigns.stages import stage_record, stage_record_to_change
from recruit.services.errors import Refused
from recruit.services.interview.merit import (
    ACTIVE,
    ENDED,
    Allocation,
    MeritEntry,
    allocate,
    merit_order,
    reserve_expiry,
)
from recruit.services.interview.offer_terms import OfferTerms, check_terms, deadline_passed
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work


@dataclass
class MeritView:
    entries: list[MeritEntry[Application]]
    allocation: Allocation[Application]
    offers: dict[int, Offer]  # application id → latest offer
    reserve_expires_at: datetime | None
    final: bool  # the interview stage is signed off

    @property
    def reserve_expired(self) -> bool:
        return self.reserve_expires_at is not None and self.reserve_expires_at <= utcnow()

    def may_offer(self, application: Application) -> bool:
        """The admin can offer this candidate a post now (they are next on the list, or among those tied at it)."""
        return self.offer_refusal(application) is None

    def offer_refusal(self, application: Application) -> str | None:
        if not self.final:
            return "The interview stage must be signed off before offers are made"
        if self.reserve_expired and self.reserve_expires_at is not None:
            return f"The reserve list expired on {format_uk(self.reserve_expires_at)}; no more offers can be made"
        if application.id in self.offers:
            return "This candidate has already been made an offer"
        if application not in self.allocation.next_offers and application not in self.allocation.tied_at_cut:
            return "Offers go down the merit list: this candidate is not next"
        return None

    @property
    def declined(self) -> list[Offer]:
        """Offers declined (online or as the admin recorded), in the order they were made."""
        return sorted((o for o in self.offers.values() if o.status == OfferStatus.DECLINED), key=lambda o: o.id)

    @property
    def next_offer_needed(self) -> bool:
        """An offer was declined or withdrawn and the post waits for the admin to offer it to the next person."""
        ended = any(offer.status in ENDED for offer in self.offers.values())
        waiting = bool(self.allocation.next_offers or self.allocation.tied_at_cut)
        return ended and waiting and self.final and not self.reserve_expired


def latest_offers(campaign: Campaign) -> dict[int, Offer]:
    offers: dict[int, Offer] = {}
    for offer in db.session.scalars(select(Offer).where(Offer.campaign_id == campaign.id).order_by(Offer.id)):
        offers[offer.application_id] = offer
    return offers


def merit_view(campaign: Campaign) -> MeritView:
    interview = compute(campaign, "interview")
    sift = compute(campaign, "sift", overall_pass_mark=None)
    sift_totals = {result.key: result.total for result in sift.results}
    entries = merit_order(interview.results, sift_totals, rules_for(interview.criteria), campaign.merit_basis)
    offers = latest_offers(campaign)
    by_key: dict[Application, str] = {
        entry.key: offers[entry.key.id].status for entry in entries if entry.key.id in offers
    }
    # Withdrawn after the sign-off, a candidate keeps their place on the merit list but is offered nothing:
    # the post passes down the list as after a declined offer.
    by_key.update(
        {
            entry.key: OfferStatus.WITHDRAWN
            for entry in entries
            if entry.key.status == ApplicationStatus.WITHDRAWN and by_key.get(entry.key) not in ENDED
        }
    )
    record = stage_record(campaign, "interview")
    return MeritView(
        entries,
        allocate(entries, campaign.posts, by_key),
        offers,
        record.reserve_expires_at,
        record.signed_off_at is not None,
    )


@unit_of_work()
def make_offer(actor: User, campaign: Campaign, application: Application, terms: OfferTerms) -> Offer:
    if actor.role != "admin":
        raise Refused("Only an admin can make an offer")
    view = merit_view(campaign)
    refusal = view.offer_refusal(application)
    if refusal is not None:
        raise Refused(refusal)
    check_terms(terms)
    record = stage_record_to_change(campaign, "interview")
    if record.reserve_expires_at is None:
        record.reserve_expires_at = reserve_expiry(utcnow(), campaign.reserve_months)
    from_reserve = any(offer.status in ENDED for offer in view.offers.values())
    offer = Offer(
        campaign_id=campaign.id,
        application_id=application.id,
        made_by_id=actor.id,
        from_reserve=from_reserve,
        salary=terms.salary,
        location=terms.location.strip(),
        starts_on=terms.starts_on,
        conditions=terms.conditions.strip(),
        respond_by=terms.respond_by,
    )
    db.session.add(offer)
    db.session.flush()
    audit.record(
        "offer.made",
        "application",
        application.id,
        after={
            "offer": offer.id,
            "from_reserve": from_reserve,
            "reserve_expires_at": record.reserve_expires_at.isoformat(),
            "salary": terms.salary,
            "location": offer.location,
            "starts_on": terms.starts_on.isoformat(),
            "conditions": offer.conditions,
            "respond_by": terms.respond_by.isoformat(),
        },
        actor=actor,
    )
    from recruit.services.notifications import messages

    messages.offer_made(offer)
    return offer


@unit_of_work()
def record_response(actor: User, offer: Offer, outcome: str) -> None:
    """The candidate accepted or declined the offer, or it was withdrawn; a declined or withdrawn offer
    passes to the next appointable candidate."""
    if actor.role != "admin":
        raise Refused("Only an admin can record the answer to an offer")
    if outcome not in (OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.WITHDRAWN):
        raise Refused("Select what happened to the offer", "outcome")
    if offer.status in ENDED:
        raise Refused("This offer has already ended")
    if outcome == OfferStatus.ACCEPTED and offer.status == OfferStatus.ACCEPTED:
        raise Refused("This offer has already been accepted")
    before = offer.status
    offer.status = outcome
    offer.responded_at = utcnow()
    audit.record(
        f"offer.{outcome}",
        "application",
        offer.application_id,
        before={"status": before},
        after={"status": outcome},
        actor=actor,
    )
    if outcome == OfferStatus.WITHDRAWN:
        from recruit.services.notifications import messages

        messages.offer_withdrawn(offer)


def end_with_application(actor: User, application: Application) -> Offer | None:
    """The candidate withdrew their application: an offer they hold (made or accepted) is withdrawn with it, in the
    caller's transaction, and passes down the merit list as a declined one does."""
    offer = latest_offers(application.campaign).get(application.id)
    if offer is None or offer.status not in ACTIVE:
        return None
    before = offer.status
    offer.status, offer.responded_at = OfferStatus.WITHDRAWN, utcnow()
    audit.record(
        "offer.withdrawn",
        "application",
        application.id,
        before={"status": before},
        after={"status": "withdrawn", "reason": "The candidate withdrew their application"},
        actor=actor,
    )
    return offer


def outcome_for(view: MeritView, application: Application) -> str:
    """The interview outcome a candidate is told: offer, appointable – reserve, or not appointable."""
    offer = view.offers.get(application.id)
    if offer is not None:
        return "offer" if offer.status in ACTIVE else f"offer {offer.status}"
    if application.status == ApplicationStatus.WITHDRAWN:
        return "withdrawn"
    if any(entry.key.id == application.id for entry in view.entries):
        return "appointable – reserve"
    return "not appointable"


def offer_for(application: Application) -> Offer | None:
    """The application's latest offer, if it was ever made one."""
    return db.session.scalars(
        select(Offer).where(Offer.application_id == application.id).order_by(Offer.id.desc())
    ).first()


@dataclass
class CandidateOffer:
    """What the candidate's offer page shows and allows: the offer, whether they can still answer it online, and
    when not, why."""

    offer: Offer
    accepted: bool
    declined: bool
    withdrawn: bool
    can_answer: bool
    closed_message: str | None


def answer_refusal(offer: Offer, now: datetime | None = None) -> str | None:
    """Why the candidate cannot answer the offer online now; None when they can."""
    if offer.status == OfferStatus.ACCEPTED:
        return "You have already accepted this offer"
    if offer.status == OfferStatus.DECLINED:
        return "You have already declined this offer"
    if offer.status == OfferStatus.WITHDRAWN or offer.application.status == ApplicationStatus.WITHDRAWN:
        return "This offer has been withdrawn"
    if deadline_passed(offer, now) and offer.respond_by is not None:
        return (
            f"The last day to answer this offer was {format_uk_date(offer.respond_by)}. "
            "Contact the recruitment team if you still want to answer it"
        )
    return None


def candidate_offer(application: Application, now: datetime | None = None) -> CandidateOffer | None:
    """The offer as its candidate sees it, once the interview outcomes are released (an offer is an outcome: until
    then the candidate is told nothing about the interview); None before that or without an offer."""
    offer = offer_for(application)
    if offer is None or "interview" not in released_stages(application):
        return None
    refusal = answer_refusal(offer, now)
    return CandidateOffer(
        offer,
        accepted=offer.status == OfferStatus.ACCEPTED,
        declined=offer.status == OfferStatus.DECLINED,
        withdrawn=offer.status == OfferStatus.WITHDRAWN,
        can_answer=refusal is None,
        closed_message=refusal,
    )


@unit_of_work()
def answer(candidate: User, offer: Offer, accept: bool, reason: str = "") -> None:
    """The candidate accepts or declines their offer online, by its last day. A decline ends the offer: the merit
    page then asks the admin to offer the post to the next person on the list, as after a decline they record."""
    if candidate.role != "candidate" or offer.application.candidate_id != candidate.id:
        raise Refused("Only the candidate can answer their offer")
    if candidate_offer(offer.application) is None:
        raise Refused("The interview outcomes have not been released yet")
    refusal = answer_refusal(offer)
    if refusal is not None:
        raise Refused(refusal)
    reason = "" if accept else reason.strip()
    before = offer.status
    offer.status = OfferStatus.ACCEPTED if accept else OfferStatus.DECLINED
    offer.responded_at = utcnow()
    offer.decline_reason = reason
    after: dict[str, object] = {"status": offer.status, "online": True}
    if reason:
        after["reason"] = reason
    audit.record(
        f"offer.{offer.status}",
        "application",
        offer.application_id,
        before={"status": before},
        after=after,
        actor=candidate,
    )
