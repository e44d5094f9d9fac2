"""An offer's terms: salary, location, start date, conditions and the last day to answer; what the admin's form
starts from, and the checks the terms must pass before an offer is made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from recruit.clock import uk_time, utcnow
from recruit.extensions import db
from recruit.models import Campaign, Offer
from recruit.services.errors import Refused

# Five working days: a full working week whatever day the offer is made, time enough to talk it over and to
# give notice questions to a current employer, and short enough that the next person on the merit list is not
# kept waiting long if the answer is no. Bank holidays are not counted out; the admin can move the date.
RESPONSE_WORKING_DAYS = 5
HIGHEST_SALARY = 1_000_000

DEFAULT_CONDITIONS = """This offer depends on satisfactory pre-employment checks:
- proof of your identity and of your right to work in the UK
- references that cover your recent employment or study
- security clearance at the level the post needs, where it needs one
- a health declaration, and any adjustments you need agreed with you"""


@dataclass(frozen=True)
class OfferTerms:
    salary: int  # a year, in whole pounds
    location: str
    starts_on: date
    conditions: str
    respond_by: date  # the last day (UK) the candidate can answer


@dataclass
class SuggestedTerms:
    """What the admin's form is filled with: the terms of the campaign's last offer, or the campaign's location and
    the usual conditions; the deadline always counted from today."""

    salary: int | None
    location: str
    starts_on: date | None
    conditions: str
    respond_by: date


def uk_today(now: datetime | None = None) -> date:
    return uk_time(now or utcnow()).date()


def working_days_after(start: date, days: int) -> date:
    """The date `days` working days (Monday to Friday) after `start`."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def suggested_terms(campaign: Campaign, now: datetime | None = None) -> SuggestedTerms:
    today = uk_today(now)
    last = db.session.scalars(
        select(Offer).where(Offer.campaign_id == campaign.id, Offer.salary.is_not(None)).order_by(Offer.id.desc())
    ).first()
    respond_by = working_days_after(today, RESPONSE_WORKING_DAYS)
    if last is None:
        return SuggestedTerms(None, campaign.location, None, DEFAULT_CONDITIONS, respond_by)
    starts_on = last.starts_on if last.starts_on is not None and last.starts_on > respond_by else None
    return SuggestedTerms(last.salary, last.location, starts_on, last.conditions, respond_by)


def check_terms(terms: OfferTerms, now: datetime | None = None) -> None:
    """Refuse terms a candidate could not act on, naming the field to correct."""
    today = uk_today(now)
    if not 0 < terms.salary <= HIGHEST_SALARY:
        raise Refused(f"Salary must be between £1 and £{HIGHEST_SALARY:,}", "salary")
    if not terms.location.strip():
        raise Refused("Enter where the post is based", "location")
    if not terms.conditions.strip():
        raise Refused("Enter the conditions of the offer", "conditions")
    if terms.respond_by <= today:
        raise Refused("The last day to respond must be in the future", "respond_by")
    if terms.starts_on <= today:
        raise Refused("The start date must be in the future", "starts_on")
    if terms.starts_on <= terms.respond_by:
        raise Refused("The start date must be after the last day to respond", "starts_on")


def deadline_passed(offer: Offer, now: datetime | None = None) -> bool:
    """The last day to answer is over (UK time). An offer made before deadlines were kept has none."""
    return offer.respond_by is not None and uk_today(now) > offer.respond_by
