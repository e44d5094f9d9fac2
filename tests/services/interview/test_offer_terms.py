"""An offer's terms: five working days to answer, the checks on the terms, what the admin's form starts from, and
the last day to answer read in UK time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from recruit.services.assessment import feedback
from recruit.services.errors import Refused
from recruit.services.interview import offers
from recruit.services.interview.offer_terms import (
    DEFAULT_CONDITIONS,
    check_terms,
    deadline_passed,
    suggested_terms,
    working_days_after,
)
from tests.factories import interview_stage, offer_terms

# Friday 4 December 2026, 10am in London (GMT).
FRIDAY = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "start, days, expected",
    [
        (date(2026, 12, 4), 5, date(2026, 12, 11)),  # Friday to Friday
        (date(2026, 12, 7), 5, date(2026, 12, 14)),  # Monday to Monday
        (date(2026, 12, 5), 5, date(2026, 12, 11)),  # a Saturday counts from the Monday
        (date(2026, 12, 4), 1, date(2026, 12, 7)),
        (date(2026, 12, 4), 0, date(2026, 12, 4)),
    ],
)
def test_working_days_skip_weekends(start, days, expected):
    assert working_days_after(start, days) == expected


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"salary": 0}, "salary", "Salary must be between £1 and £1,000,000"),
        ({"salary": 1_000_001}, "salary", "Salary must be between £1 and £1,000,000"),
        ({"location": "  "}, "location", "Enter where the post is based"),
        ({"conditions": ""}, "conditions", "Enter the conditions of the offer"),
        ({"respond_by": date(2026, 12, 4)}, "respond_by", "The last day to respond must be in the future"),
        ({"starts_on": date(2026, 12, 3)}, "starts_on", "The start date must be in the future"),
        ({"starts_on": date(2026, 12, 11)}, "starts_on", "The start date must be after the last day to respond"),
    ],
)
def test_terms_a_candidate_could_not_act_on_are_refused(changes, field, message):
    terms = offer_terms(**{"respond_by": date(2026, 12, 11), "starts_on": date(2027, 2, 1), **changes})
    with pytest.raises(Refused) as refused:
        check_terms(terms, FRIDAY)
    assert (refused.value.field, refused.value.message) == (field, message)


def test_good_terms_pass():
    check_terms(offer_terms(respond_by=date(2026, 12, 11), starts_on=date(2027, 2, 1)), FRIDAY)


def test_the_last_day_to_answer_lasts_until_midnight_uk_time(make_user):
    setup, _ = interview_stage(make_user(role="admin"))
    offer = offers.make_offer(setup.admin, setup.campaign, setup.applications[0], offer_terms())
    missing = feedback.missing_feedback(setup.campaign, "interview").items
    feedback.release(setup.admin, setup.campaign, "interview", missing_confirmed=missing)
    offer.respond_by = date(2026, 7, 10)  # in British Summer Time: midnight is 23:00 UTC
    assert not deadline_passed(offer, datetime(2026, 7, 10, 22, 59, tzinfo=UTC))
    assert offers.answer_refusal(offer, datetime(2026, 7, 10, 22, 59, tzinfo=UTC)) is None
    assert deadline_passed(offer, datetime(2026, 7, 10, 23, 0, tzinfo=UTC))
    refusal = offers.answer_refusal(offer, datetime(2026, 7, 10, 23, 0, tzinfo=UTC))
    assert refusal.startswith("The last day to answer this offer was 10 July 2026")
    assert offers.candidate_offer(setup.applications[0], datetime(2026, 7, 11, tzinfo=UTC)).can_answer is False


def test_the_form_starts_from_the_last_offer_or_the_campaign(make_user):
    setup, _ = interview_stage(make_user(role="admin"))
    campaign = setup.campaign
    first = suggested_terms(campaign, FRIDAY)
    assert (first.salary, first.location, first.starts_on) == (None, campaign.location, None)
    assert first.conditions == DEFAULT_CONDITIONS and first.respond_by == date(2026, 12, 11)
    terms = offer_terms(salary=41000, location="Bristol", conditions="References only")
    offers.make_offer(setup.admin, campaign, setup.applications[0], terms)
    later = suggested_terms(campaign)
    assert (later.salary, later.location, later.conditions, later.starts_on) == (
        41000,
        "Bristol",
        "References only",
        terms.starts_on,
    )
    # A start date no longer after the new deadline is left for the admin to choose again.
    assert suggested_terms(campaign, datetime.now(UTC) + timedelta(days=90)).starts_on is None


def test_an_offer_with_bad_terms_is_not_made(make_user):
    setup, _ = interview_stage(make_user(role="admin"))
    with pytest.raises(Refused, match="Salary must be between"):
        offers.make_offer(setup.admin, setup.campaign, setup.applications[0], offer_terms(salary=-5))
    assert offers.offer_for(setup.applications[0]) is None
    with pytest.raises(Refused, match="The start date must be in the future"):
        offers.make_offer(setup.admin, setup.campaign, setup.applications[0], offer_terms(starts_on=date(2020, 1, 1)))
    assert offers.offer_for(setup.applications[0]) is None
