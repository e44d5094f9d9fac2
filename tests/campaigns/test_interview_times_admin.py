"""The admin's interview-times page: publishing times candidates book themselves, changing and withdrawing them, the
booking cut-off, and the interview list as a timetable in time order."""

from datetime import date, timedelta

import pytest

from recruit.clock import uk_time, utcnow
from recruit.services.campaigns import status as campaign_status
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


def publish(setup, days=7):
    start = (utcnow() + timedelta(days=days)).replace(second=0, microsecond=0)
    return booking.publish(setup.admin, setup.campaign, starts_at=start, minutes=45, place="Room 4", video_link="")


def time_url(setup, time, action) -> str:
    return f"{url(setup)}/{time.id}/{action}"


def change(forms, setup, time, action, data=None):
    """Send the change or withdraw form as its page shows it (the time's details and version), with `data` over it."""
    page = forms.client.get(time_url(setup, time, action)).get_data(as_text=True)
    shown = {"version": parse_html(page).select_one("input[name=version]")["value"]}
    if action == "change":
        local = uk_time(time.starts_at)
        shown |= {
            "starts_on": [str(local.day), str(local.month), str(local.year)],
            "starts_at_time": f"{local:%H:%M}",
            "minutes": str(time.minutes),
            "place": time.place,
            "video_link": time.video_link,
        }
    return forms.submit(time_url(setup, time, action), {**shown, **(data or {})}, page=page)


def test_each_time_links_to_changing_and_withdrawing_it(admin_forms, setup):
    time = publish(setup)
    row = parse(admin_forms.client.get(url(setup))).select_one(f"#interview-times tr[data-time='{time.id}']")
    assert [a["href"] for a in row.select("a")] == [time_url(setup, time, "change"), time_url(setup, time, "withdraw")]


def test_changing_a_free_time(admin_forms, setup):
    time = publish(setup)
    page = admin_forms.client.get(time_url(setup, time, "change"))
    soup = parse(page)
    assert soup.select_one("#booked-warning") is None
    assert soup.select_one("input[name=place], textarea[name=place]").get_text() == "Room 4"
    response = change(admin_forms, setup, time, "change", {"place": "Room 12", "minutes": "30"})
    assert response.status_code == 302
    assert (time.place, time.minutes) == ("Room 12", 30)


def test_changing_a_booked_time_warns_then_moves_the_interview(admin_forms, setup):
    application = setup.applications[0]
    time = publish(setup)
    booking.book(application.candidate, application, time.id)
    soup = parse(admin_forms.client.get(time_url(setup, time, "change")))
    assert (
        soup.select_one("#booked-warning")
        .get_text(" ", strip=True)
        .endswith(
            f"{application.reference}'s candidate has booked this time; they will be told and sent an updated "
            "calendar file."
        )
    )
    response = change(admin_forms, setup, time, "change", {"starts_at_time": "3pm"})
    assert response.status_code == 302
    assert interviews.slot_for(application).starts_at == time.starts_at
    assert uk_time(time.starts_at).hour == 15


@pytest.mark.parametrize(
    "data, message",
    [
        ({"starts_on": ["", "", ""]}, "Enter the date of the interview"),
        ({"starts_at_time": "soon"}, "Enter a time, like 17:00 or 5pm"),
        ({"minutes": "5"}, "Length in minutes must be between 10 and 480"),
        ({"place": "", "video_link": ""}, "Enter a place or a video link"),
        ({"starts_on": ["1", "1", "2020"]}, "The interview time must be in the future"),
        ({"version": "0"}, "This time has changed since you opened the page. Check it and try again"),
        ({}, "Change at least one detail of the time"),
    ],
)
def test_changing_a_time_bad_input(admin_forms, setup, data, message):
    time = publish(setup)
    response = change(admin_forms, setup, time, "change", data)
    assert response.status_code == 200
    assert message in error_messages(parse(response))
    assert (time.place, time.minutes) == ("Room 4", 45)


def test_withdrawing_a_booked_time_asks_first_then_tells_the_candidate(admin_forms, setup):
    application = setup.applications[0]
    time = publish(setup)
    booking.book(application.candidate, application, time.id)
    soup = parse(admin_forms.client.get(time_url(setup, time, "withdraw")))
    assert (
        soup.select_one("#booked-warning")
        .get_text(" ", strip=True)
        .endswith(
            f"{application.reference}'s candidate has booked this time; they will be told and asked to choose another "
            "time."
        )
    )
    response = change(admin_forms, setup, time, "withdraw")
    assert response.status_code == 302
    assert booking.times_of(setup.campaign) == [] and interviews.slot_for(application) is None


def test_a_time_booked_after_the_withdraw_page_opened_is_not_withdrawn(admin_forms, setup):
    application = setup.applications[0]
    time = publish(setup)
    page = admin_forms.client.get(time_url(setup, time, "withdraw")).get_data(as_text=True)
    version = parse_html(page).select_one("input[name=version]")["value"]
    booking.book(application.candidate, application, time.id)
    response = admin_forms.submit(time_url(setup, time, "withdraw"), {"version": version}, page=page)
    assert response.status_code == 200
    assert "This time has changed since you opened the page. Check it and try again" in error_messages(parse(response))
    assert booking.booked_time(application) == time


def test_a_finished_campaigns_time_shows_why_it_cannot_change(admin_forms, setup):
    time = publish(setup)
    campaign_status.move(setup.admin, setup.campaign, "withdrawn", reason="The post is no longer needed")
    for action in ("change", "withdraw"):
        soup = parse(admin_forms.client.get(time_url(setup, time, action)))
        assert soup.select_one(f"#{action}-refused").get_text(strip=True) == "This campaign has finished."
        assert soup.select_one("form#change-time, form#withdraw-time") is None
    response = admin_forms.submit(time_url(setup, time, "withdraw"), {"version": str(time.version)})
    assert response.status_code == 200 and "This campaign has finished" in error_messages(parse(response))
    assert booking.times_of(setup.campaign) == [time]


def test_another_campaigns_time_is_not_found(admin_forms, setup, make_user):
    elsewhere = sift_campaign(make_user(role="admin"), applications=1, email_domain="example.net")
    elsewhere.to_interview(released=True)
    time = booking.publish(
        elsewhere.admin,
        elsewhere.campaign,
        starts_at=utcnow() + timedelta(days=7),
        minutes=30,
        place="Room 1",
        video_link="",
    )
    for action in ("change", "withdraw"):
        assert admin_forms.client.get(time_url(setup, time, action)).status_code == 404
    assert admin_forms.client.get(f"{url(setup)}/999999/change").status_code == 404


def test_moving_a_self_booked_interview_on_its_page_gives_the_time_back(admin_forms, setup):
    application, other = setup.applications[:2]
    time = publish(setup)
    booking.book(application.candidate, application, time.id)
    page_url = f"/admin/campaigns/{setup.campaign.id}/interviews/{application.reference}"
    assert parse(admin_forms.client.get(page_url)).select_one("#booked-time") is not None
    response = admin_forms.submit(page_url, GOOD)
    assert response.status_code == 302
    assert booking.booked_time(application) is None
    assert uk_time(interviews.slot_for(application).starts_at).hour == 10
    assert parse(admin_forms.client.get(page_url)).select_one("#booked-time") is None
    booking.book(other.candidate, other, time.id)
    assert booking.booked_time(other) == time
