"""The candidate's interview-time page: choosing, changing and cancelling a published time, the messages when a
time has gone or the cut-off has passed, and the calendar file."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.services.interview import booking
from recruit.services.interview import invitations as interviews
from tests.factories import sift_campaign
from tests.helpers import error_messages, parse, signed_in


@pytest.fixture
def setup(make_user):
    setup = sift_campaign(make_user(role="admin"), applications=3)
    setup.to_interview(released=True)
    return setup


def publish(setup, days=7, campaign=None):
    start = (utcnow() + timedelta(days=days)).replace(second=0, microsecond=0)
    return booking.publish(
        setup.admin, campaign or setup.campaign, starts_at=start, minutes=45, place="Room 4", video_link=""
    )


def url(application) -> str:
    return f"/applications/{application.reference}/interview-times"


def test_a_candidate_chooses_a_time_from_their_task_list(app, setup):
    application = setup.applications[0]
    time = publish(setup)
    browser = signed_in(app, application.candidate)
    task_list = parse(browser.client.get(f"/applications/{application.reference}"))
    assert task_list.select_one("#interview-times-link a")["href"] == url(application)
    page = parse(browser.client.get(url(application)))
    assert [radio["value"] for radio in page.select("input[name=time]")] == [str(time.id)]
    response = browser.submit(url(application), {"time": str(time.id)})
    assert response.status_code == 302
    assert interviews.slot_for(application).starts_at == time.starts_at
    task_list = parse(browser.client.get(f"/applications/{application.reference}"))
    assert task_list.select_one("#interview-calendar") is not None
    assert task_list.select_one("#interview-reply") is None  # nothing to accept: they chose it


def test_the_loser_of_a_time_is_told_and_shown_what_is_left(app, setup):
    first, second = setup.applications[:2]
    taken, left = publish(setup), publish(setup, days=9)
    browser = signed_in(app, second.candidate)
    page = browser.client.get(url(second)).get_data(as_text=True)
    booking.book(first.candidate, first, taken.id)  # someone else gets there first
    response = browser.submit(url(second), {"time": str(taken.id)}, page=page)
    soup = parse(response)
    assert error_messages(soup) == ["That time has just been taken. Choose another time."]
    assert [radio["value"] for radio in soup.select("input[name=time]")] == [str(left.id)]
    assert interviews.slot_for(second) is None


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "Select an interview time"),
        ("999999", "Choose one of the times shown"),
        ("²", "Choose one of the times shown"),
        ("other", "Choose one of the times shown"),
    ],
)
def test_bad_choices_are_refused(app, setup, make_user, value, message):
    application = setup.applications[0]
    publish(setup)
    if value == "other":
        elsewhere = sift_campaign(make_user(role="admin"), applications=1, email_domain="example.net")
        value = str(publish(elsewhere).id)
    browser = signed_in(app, application.candidate)
    response = browser.submit(url(application), {"time": value})
    assert response.status_code == 200
    assert error_messages(parse(response)) == [message]
    assert interviews.slot_for(application) is None


def test_after_the_cut_off_the_page_says_so(app, setup):
    application = setup.applications[0]
    time, later = publish(setup, days=3), publish(setup, days=10)
    booking.book(application.candidate, application, time.id)
    booking.set_cutoff(setup.admin, setup.campaign, 96)
    browser = signed_in(app, application.candidate)
    page = parse(browser.client.get(url(application)))
    assert "You can no longer change or cancel your interview time online" in page.select_one("#booking-closed").text
    assert page.select_one("#choose-time") is None and page.select_one("#cancel-time") is None
    response = browser.client.post(url(application), data={"time": str(later.id), "csrf_token": ""})
    assert interviews.slot_for(application).starts_at == time.starts_at
    assert response.status_code in (200, 400)


def test_changing_and_cancelling_update_the_calendar_file(app, setup):
    application = setup.applications[0]
    first, second = publish(setup), publish(setup, days=9)
    browser = signed_in(app, application.candidate)
    browser.submit(url(application), {"time": str(first.id)})

    def event():
        response = browser.client.get(f"/applications/{application.reference}/interview.ics")
        assert response.status_code == 200 and response.mimetype == "text/calendar"
        calendar = Calendar.from_ical(response.data)
        [vevent] = calendar.walk("VEVENT")
        return str(calendar["method"]), str(vevent["uid"]), int(vevent["sequence"])

    method, uid, sequence = event()
    assert (method, sequence) == ("PUBLISH", 0)
    browser.submit(url(application), {"time": str(second.id)})
    assert event() == ("PUBLISH", uid, 1)
    response = browser.submit(
        f"{url(application)}/cancel", {}, page=browser.client.get(url(application)).get_data(as_text=True)
    )
    assert response.status_code == 302
    assert interviews.slot_for(application) is None
    task_list = parse(browser.client.get(f"/applications/{application.reference}"))
    assert task_list.select_one("#interview-calendar-cancel") is not None
    assert event() == ("CANCEL", uid, 2)


def test_other_people_get_not_found_and_uninvited_candidates_are_told(app, setup, make_user):
    first, second, third = setup.applications
    time = publish(setup)
    booking.book(first.candidate, first, time.id)
    third.status = "sift_failed"
    db.session.commit()
    browser = signed_in(app, second.candidate)
    assert browser.client.get(url(first)).status_code == 404
    assert browser.client.post(f"{url(first)}/cancel").status_code in (400, 404)
    assert browser.client.get(f"/applications/{first.reference}/interview.ics").status_code == 404
    # Their own application, but not invited: the page says so and offers nothing to choose.
    page = parse(signed_in(app, third.candidate).client.get(url(third)))
    assert "You have not been invited to choose an interview time" in page.select_one("#booking-closed").text
    assert page.select_one("#choose-time") is None
    assert signed_in(app, make_user(role="candidate")).client.get(url(first)).status_code == 404


def test_a_time_the_admin_withdrew_leaves_a_cancellation_file_and_a_way_to_choose_again(app, setup):
    application = setup.applications[0]
    time, other = publish(setup), publish(setup, days=9)
    booking.book(application.candidate, application, time.id)
    browser = signed_in(app, application.candidate)
    uid = str(
        Calendar.from_ical(browser.client.get(f"/applications/{application.reference}/interview.ics").data).walk(
            "VEVENT"
        )[0]["uid"]
    )
    booking.withdraw_time(setup.admin, time)

    response = browser.client.get(f"/applications/{application.reference}/interview.ics")
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.data)
    [vevent] = calendar.walk("VEVENT")
    assert (str(calendar["method"]), str(vevent["uid"]), int(vevent["sequence"])) == ("CANCEL", uid, 1)
    task_list = parse(browser.client.get(f"/applications/{application.reference}"))
    assert task_list.select_one("#interview-calendar-cancel") is not None
    assert task_list.select_one("#interview-times-link a").get_text(strip=True) == "Choose your interview time"
    page = parse(browser.client.get(url(application)))
    assert [radio["value"] for radio in page.select("input[name=time]")] == [str(other.id)]


def test_the_page_offers_no_time_before_the_sift_outcome_is_released(app, make_user):
    setup = sift_campaign(make_user(role="admin"), applications=1)
    setup.to_interview()  # signed off, not yet released
    application = setup.applications[0]
    publish(setup)
    browser = signed_in(app, application.candidate)
    task_list = parse(browser.client.get(f"/applications/{application.reference}"))
    assert task_list.select_one("#interview-times-link") is None
    page = parse(browser.client.get(url(application)))
    assert "You have not been invited to choose an interview time" in page.select_one("#booking-closed").text
