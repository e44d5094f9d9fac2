"""The admin's interview-times page: publishing times candidates book themselves, the booking cut-off, and the
interview list as a timetable in time order."""

from datetime import date, timedelta

import pytest

from recruit.clock import utcnow
from recruit.services.interview import booking
from recruit.services.interview import invitations as interviews
from tests.factories import sift_campaign
from tests.helpers import error_messages, parse, parse_html


@pytest.fixture
def setup(make_user):
    setup = sift_campaign(make_user(role="admin"), applications=3)
    setup.to_interview(released=True)
    return setup


@pytest.fixture
def admin_forms(forms, setup):
    forms.sign_in(setup.admin)
    return forms


def url(setup) -> str:
    return f"/admin/campaigns/{setup.campaign.id}/interview-times"


GOOD = {
    "starts_on": ["14", "7", str(date.today().year + 1)],
    "starts_at_time": "10am",
    "minutes": "45",
    "place": "Room 4",
    "video_link": "",
}


def test_publishing_a_time_lists_it_in_time_order(admin_forms, setup):
    assert admin_forms.submit(url(setup), GOOD).status_code == 302
    earlier = {**GOOD, "starts_at_time": "9am", "place": "", "video_link": "https://video.example/a"}
    assert admin_forms.submit(url(setup), earlier).status_code == 302
    times = booking.times_of(setup.campaign)
    assert [(t.starts_at.hour, t.minutes) for t in times] == [(8, 45), (9, 45)]  # UK summer time
    rows = parse(admin_forms.client.get(url(setup))).select("#interview-times tbody tr")
    assert [row["data-time"] for row in rows] == [str(t.id) for t in times]
    assert "https://video.example/a" in rows[0].text and "Free" in rows[0].text


@pytest.mark.parametrize(
    "data, message",
    [
        ({"starts_on": ["", "", ""]}, "Enter the date of the interview"),
        ({"starts_on": ["31", "2", str(date.today().year + 1)]}, None),
        ({"starts_at_time": "soon"}, "Enter a time, like 17:00 or 5pm"),
        ({"minutes": "5"}, "Length in minutes must be between 10 and 480"),
        ({"minutes": "481"}, "Length in minutes must be between 10 and 480"),
        ({"place": "", "video_link": ""}, "Enter a place or a video link"),
        ({"starts_on": ["1", "1", "2020"]}, "The interview time must be in the future"),
        ({"place": "", "video_link": "http://insecure.example"}, "Enter a video link starting with https://"),
    ],
)
def test_publishing_bad_input(admin_forms, setup, data, message):
    response = admin_forms.submit(url(setup), {**GOOD, **data})
    assert response.status_code == 200
    errors = error_messages(parse(response))
    assert errors if message is None else message in errors
    assert booking.times_of(setup.campaign) == []


def test_the_booking_cut_off(admin_forms, setup):
    page = admin_forms.client.get(url(setup)).get_data(as_text=True)
    assert parse_html(page).select_one("input[name=hours]")["value"] == "48"
    response = admin_forms.submit(f"{url(setup)}/cutoff", {"hours": "24"}, page=page)
    assert response.status_code == 302 and setup.campaign.booking_cutoff_hours == 24
    for bad in ("", "-1", "337", "two"):
        response = admin_forms.submit(f"{url(setup)}/cutoff", {"hours": bad}, page=page)
        assert response.status_code == 200 and error_messages(parse(response))
    assert setup.campaign.booking_cutoff_hours == 24


def test_the_interview_list_is_a_timetable_in_time_order(admin_forms, setup):
    first, second, third = setup.applications
    later, sooner = (
        booking.publish(
            setup.admin,
            setup.campaign,
            starts_at=utcnow() + timedelta(days=days),
            minutes=30,
            place="Room 1",
            video_link="",
        )
        for days in (9, 5)
    )
    booking.book(first.candidate, first, later.id)
    booking.book(third.candidate, third, sooner.id)
    assert interviews.slot_for(second) is None
    rows = parse(admin_forms.client.get(f"/admin/campaigns/{setup.campaign.id}/interviews")).select(
        "#interviews tbody tr"
    )
    assert [row["data-reference"] for row in rows] == [third.reference, first.reference, second.reference]
