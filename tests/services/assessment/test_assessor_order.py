"""Each assessor's own order of applications: a shuffle keyed by campaign, stage and assessor at the sift, the
interview timetable at interview."""

from __future__ import annotations

import random
from datetime import timedelta
from itertools import combinations
from types import SimpleNamespace

import pytest

from recruit.clock import format_uk, utcnow
from recruit.services.applications import submission as application_service
from recruit.services.assessment.assessor_views import work_list
from recruit.services.campaigns.stages import assessor_order, order_key
from recruit.services.interview import booking
from recruit.services.interview import invitations as interviews
from tests import helpers
from tests.factories import sift_campaign
from tests.helpers import parse


def references_seen(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return [row["data-reference"] for row in parse(response).select("#work-list tbody tr[data-reference]")]


def signed_in(app, user):
    """The test client of a browser signed in as `user`."""
    return helpers.signed_in(app, user).client


def test_each_assessor_has_an_order_of_their_own_that_stays_the_same(app, make_user):
    setup = sift_campaign(make_user(role="admin"), applications=20, members=2)
    url = f"/assess/{setup.campaign.id}/sift"
    everyone = sorted(a.reference for a in setup.applications)
    orders = {}
    for assessor in setup.assessors:
        client = signed_in(app, assessor)
        first = references_seen(client, url)
        assert sorted(first) == everyone, "every application is on the list once"
        assert references_seen(client, url) == first, "the order stays the same from one visit to the next"
        by_criterion = references_seen(client, f"{url}?by=criterion")
        assert by_criterion == first, "working criterion by criterion keeps the same order"
        orders[assessor.id] = first
    for one, other in combinations(orders.values(), 2):
        assert one != other, "two assessors were given the same order"
    assert all(order != everyone for order in orders.values()), "an order is not simply by reference"
    page = parse(signed_in(app, setup.members[0]).get(url))
    assert "The order is shuffled for you and stays the same." in page.get_text(" ", strip=True)


@pytest.mark.parametrize(
    ("campaign_id", "stage", "assessor_id", "ids", "expected"),
    [
        (7, "sift", 42, range(1, 13), [3, 11, 9, 7, 8, 5, 1, 6, 12, 2, 4, 10]),
        (7, "sift", 43, range(1, 13), [11, 12, 7, 2, 6, 1, 3, 8, 9, 4, 5, 10]),
        (7, "interview", 42, range(1, 13), [2, 11, 9, 12, 1, 10, 7, 3, 8, 4, 5, 6]),
        (
            1234,
            "sift",
            5,
            [2**63 - 1, 2**40 + 3, 99_999_999, 17, 2**32],
            [2**32, 2**40 + 3, 99_999_999, 17, 2**63 - 1],
        ),
    ],
)
def test_an_assessors_order_is_the_one_they_have_always_had(campaign_id, stage, assessor_id, ids, expected):
    """The order is part of the record: these are the orders Recruit has always given, and must go on giving."""
    assert assessor_order(campaign_id, stage, assessor_id, ids) == expected


def order_by_key(campaign_id: int, stage: str, assessor_id: int, ids: list[int]) -> list[int]:
    """The order as order_key defines it: by each application's number, then by id, one application at a time."""
    sort_key = order_key(campaign_id, stage, assessor_id)
    return sorted(ids, key=lambda application_id: (sort_key(application_id), application_id))


def test_the_order_worked_out_all_at_once_is_exactly_the_order_by_key():
    chance = random.Random(20261206)
    for _ in range(400):
        width = chance.choice([8, 16, 31, 32, 53, 63, 64])
        ids = list({chance.randrange(1, 2**width) for _ in range(chance.randrange(0, 300))})
        if chance.random() < 0.3:  # the extremes a uint64 holds
            ids += [0, 1, 2**63 - 1, 2**63, 2**64 - 1]
        campaign_id, assessor_id = chance.randrange(1, 10**9), chance.randrange(1, 10**9)
        stage = chance.choice(["sift", "interview"])
        assert assessor_order(campaign_id, stage, assessor_id, ids) == order_by_key(
            campaign_id, stage, assessor_id, ids
        ), (campaign_id, stage, assessor_id, ids)


def test_a_stage_of_thousands_keeps_the_order_by_key():
    ids = list(range(1, 5001))
    random.Random(7).shuffle(ids)
    for assessor_id in range(1, 21):
        assert assessor_order(3, "sift", assessor_id, ids) == order_by_key(3, "sift", assessor_id, ids)


def test_ids_beyond_what_a_uint64_holds_keep_the_order_by_key():
    ids = [5, -3, 2**64, 2**70 + 1, 12]
    assert assessor_order(9, "sift", 2, ids) == order_by_key(9, "sift", 2, ids)
    assert assessor_order(9, "sift", 2, []) == []


def test_over_many_assessors_every_application_is_as_likely_to_be_early_as_late(app, make_user):
    setup = sift_campaign(make_user(role="admin"), applications=20, members=1)
    campaign, count, people = setup.campaign, len(setup.applications), 300
    totals = {a.id: 0 for a in setup.applications}
    orders = set()
    for number in range(1, people + 1):
        assessor = SimpleNamespace(id=10_000 + number)  # simulated: only the id keys the order
        order = [a.id for a in work_list(assessor, campaign, "sift", page=1, per_page=count).items]
        assert sorted(order) == sorted(totals)
        orders.add(tuple(order))
        for position, application_id in enumerate(order):
            totals[application_id] += position
    middle = (count - 1) / 2
    means = {application_id: total / people for application_id, total in totals.items()}
    assert all(abs(mean - middle) <= 0.15 * middle for mean in means.values()), means
    assert len(orders) == people, "every simulated assessor got an order of their own"


def test_pages_of_the_order_together_hold_every_application_once(app, make_user):
    setup = sift_campaign(make_user(role="admin"), applications=20, members=1)
    member = setup.members[0]
    whole = [a.id for a in work_list(member, setup.campaign, "sift", page=1, per_page=20).items]
    pages = [work_list(member, setup.campaign, "sift", page=number, per_page=7) for number in (1, 2, 3, 4)]
    assert [len(p.items) for p in pages] == [7, 7, 6, 0]
    assert [a.id for p in pages for a in p.items] == whole
    assert (pages[0].pages, pages[0].total, pages[0].has_prev, pages[0].has_next) == (3, 20, False, True)
    assert (pages[2].has_prev, pages[2].prev_num, pages[2].has_next) == (True, 2, False)


def test_the_pager_walks_the_same_order(app, make_user):
    setup = sift_campaign(make_user(role="admin"), applications=55, members=1)
    client = signed_in(app, setup.members[0])
    url = f"/assess/{setup.campaign.id}/sift"
    first_page = parse(client.get(url))
    assert "Page 1 of 2 (55 in all)" in first_page.get_text(" ", strip=True)
    seen = references_seen(client, url) + references_seen(client, f"{url}?page=2")
    assert sorted(seen) == sorted(a.reference for a in setup.applications)
    assert references_seen(client, f"{url}?page=3") == []


def test_a_withdrawal_leaves_the_rest_of_the_order_as_it_was(app, make_user):
    setup = sift_campaign(make_user(role="admin"), applications=12, members=1)
    member = setup.members[0]
    before = [a.reference for a in work_list(member, setup.campaign, "sift", page=1).items]
    leaving = setup.applications[5]
    application_service.withdraw(leaving.candidate, leaving)
    after = [a.reference for a in work_list(member, setup.campaign, "sift", page=1).items]
    assert after == [reference for reference in before if reference != leaving.reference]


def test_the_interview_list_follows_the_timetable(app, make_user):
    setup = sift_campaign(make_user(role="admin"), applications=5)
    campaign, admin = setup.campaign, setup.admin
    chair, member = setup.to_interview()
    first_day = (utcnow() + timedelta(days=10)).replace(hour=9, minute=0, second=0, microsecond=0)
    # Three timetabled, scheduled out of reference order; two not timetabled yet.
    timetable = {
        setup.applications[3]: first_day,
        setup.applications[0]: first_day + timedelta(hours=2),
        setup.applications[4]: first_day + timedelta(days=1),
    }
    for application, starts in timetable.items():
        interviews.schedule(admin, application, starts_at=starts, minutes=45, place="Room 1", video_link="")
    unscheduled = sorted(a.reference for a in setup.applications[1:3])
    expected = [a.reference for a in timetable] + unscheduled

    client = signed_in(app, member)
    url = f"/assess/{campaign.id}/interview"
    page = parse(client.get(url))
    rows = page.select("#work-list tbody tr[data-reference]")
    assert [row["data-reference"] for row in rows] == expected
    assert page.select_one("a#continue")["href"] == f"{url}/{expected[0]}", "the next to score is the next interview"
    assert references_seen(signed_in(app, chair), url) == expected, "at interview the panel shares one order"
    times = [row.select_one(".recruit-interview-time").get_text(" ", strip=True) for row in rows]
    assert times == [format_uk(starts) for starts in timetable.values()] + ["Not yet timetabled"] * 2
    text = page.get_text(" ", strip=True)
    assert "In the order of the interview timetable." in text and "shuffled" not in text


def test_the_panels_timetable_includes_interviews_candidates_booked_themselves(app, make_user):
    setup = sift_campaign(make_user(role="admin"), applications=4)
    campaign, admin = setup.campaign, setup.admin
    chair, member = setup.to_interview(released=True)
    first_day = (utcnow() + timedelta(days=10)).replace(hour=9, minute=0, second=0, microsecond=0)
    # Booked by the candidates, published out of order, around one the admin arranged; one not timetabled yet.
    later, earlier = (
        booking.publish(admin, campaign, starts_at=starts, minutes=45, place="Room 2", video_link="")
        for starts in (first_day + timedelta(days=1), first_day)
    )
    booking.book(setup.applications[0].candidate, setup.applications[0], later.id)
    booking.book(setup.applications[2].candidate, setup.applications[2], earlier.id)
    interviews.schedule(
        admin,
        setup.applications[3],
        starts_at=first_day + timedelta(hours=3),
        minutes=45,
        place="Room 1",
        video_link="",
    )
    expected = [setup.applications[i].reference for i in (2, 3, 0, 1)]
    url = f"/assess/{campaign.id}/interview"
    for person in (chair, member):
        assert references_seen(signed_in(app, person), url) == expected
