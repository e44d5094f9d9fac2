"""The candidate's equality and diversity pages: the entry on the task list, why the questions are asked and who
sees the answers, answering every question on one page, checking and changing the answers, removing them, every
bad answer with the GOV.UK error summary and nothing changed, closed pages, and no way in to anyone else's."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine

from recruit.extensions import db
from recruit.monitoring_questions import ASIAN, BLACK, MIXED, OTHER_ETHNIC, QUESTIONS, WHITE
from recruit.services.applications import submission as applications
from recruit.services.fairness import monitoring
from tests.factories import UserFactory, open_campaign
from tests.helpers import PageForm, banners, error_messages, parse, path_of, signed_in
from tests.services.fairness.test_monitoring import DISTINCTIVE


@pytest.fixture
def application(make_user):
    campaign = open_campaign(make_user(role="admin"))
    return applications.start(UserFactory(role="candidate"), campaign)


@pytest.fixture
def browser(app, application):
    return signed_in(app, application.candidate)


def url(application, page: str = "") -> str:
    return f"/applications/{application.reference}/equality-questions" + (f"/{page}" if page else "")


def task_entry(browser, application):
    return parse(browser.client.get(f"/applications/{application.reference}")).select_one("#monitoring")


def stored(application) -> dict[str, str | None] | None:
    db.session.expire_all()
    response = monitoring.response_for(application)
    return response.answers() if response is not None else None


def answer(browser, application, answers: dict[str, str]):
    return browser.submit_as_shown(url(application, "answer"), answers)


def summary(browser, application) -> dict[str, str]:
    page = parse(browser.client.get(url(application, "your-answers")))
    return {
        row.select_one(".govuk-summary-list__key").get_text(strip=True): row.select_one(
            ".govuk-summary-list__value"
        ).get_text(strip=True)
        for row in page.select("#monitoring-answers .govuk-summary-list__row")
    }


def test_the_task_list_offers_the_questions_as_optional(browser, application):
    entry = task_entry(browser, application)
    assert entry.h2.get_text(strip=True) == "Equality and diversity questions (optional)"
    assert entry.select_one("#monitoring-link a")["href"] == url(application)
    assert entry.select_one("#monitoring-status").get_text(strip=True) == "Not answered"
    # Optional: the application can be checked and submitted without it.
    applications.save_personal_details(
        application.candidate, application, full_name="Ann", email="ann@example.org", phone="", version=None
    )
    assert "monitoring" not in " ".join(applications.missing_parts(application)).lower()


def test_the_start_page_says_why_who_sees_the_answers_and_when_they_are_erased(browser, application):
    page = parse(browser.client.get(url(application)))
    text = page.select_one("main").get_text(" ", strip=True)
    assert "optional" in text and "does not affect your application" in text
    assert "public sector equality duty" in text and "fair to every group" in text
    assert "Nobody on the panel" in text
    assert "never your own answers" in text
    assert "fewer than 10 people is never shown" in text
    assert "erased with the rest of your personal data" in text
    assert page.select_one("#answer-questions")["href"] == url(application, "answer")
    assert page.select_one("#skip-questions")["href"] == f"/applications/{application.reference}"


def test_the_questions_page_asks_every_question_as_a_radios_fieldset(browser, application):
    page = parse(browser.client.get(url(application, "answer")))
    legends = [legend.get_text(strip=True) for legend in page.select("#monitoring-form legend")]
    assert legends == [question.text for question in QUESTIONS]
    for question in QUESTIONS:
        values = [radio["value"] for radio in page.select(f"input[type=radio][name={question.key}]")]
        assert values == list(question.codes), question.key
        assert values[-1] == "prefer_not_to_say"
        # The first answer has the question's own id, where the error summary and the change links point.
        assert page.select_one(f"input#{question.key}")["value"] == question.codes[0]
        assert not page.select(f"input[name={question.key}][checked]")
        if question.hint:
            assert question.hint in page.select_one("#monitoring-form").get_text()
    ethnicity = page.select_one("#ethnicity-question")
    headings = [heading.get_text(strip=True) for heading in ethnicity.select("h3")]
    assert headings == [ASIAN, BLACK, MIXED, WHITE, OTHER_ETHNIC]
    for heading in ethnicity.select("h3"):
        group = ethnicity.select_one(f"[aria-labelledby={heading['id']}]")
        assert group["role"] == "group" and group.select("input[type=radio]")
    gypsy = ethnicity.select_one("input[value=white_gypsy_traveller]")
    assert ethnicity.select_one(f"label[for={gypsy['id']}]").get_text(strip=True) == "Gypsy or Irish Traveller"
    ids = [radio["id"] for radio in page.select("input[type=radio]")]
    assert len(ids) == len(set(ids))


def test_a_candidate_answers_checks_changes_and_removes(browser, application):
    response = answer(browser, application, DISTINCTIVE)
    assert path_of(response) == url(application, "your-answers")
    assert stored(application) == DISTINCTIVE
    page = parse(browser.client.get(url(application, "your-answers")))
    assert "Your answers have been saved." in banners(page)
    shown = summary(browser, application)
    assert shown["What is your ethnic group?"] == "Gypsy or Irish Traveller"
    assert shown["What is your religion?"] == "Sikh"
    assert len(shown) == len(QUESTIONS)
    changes = [a["href"] for a in page.select("#monitoring-answers .govuk-summary-list__actions a")]
    assert changes == [f"{url(application, 'answer')}#{question.key}" for question in QUESTIONS]
    assert task_entry(browser, application).select_one("#monitoring-status").get_text(strip=True) == "Answered"
    # The start page goes straight to the answers once there are some.
    assert path_of(browser.client.get(url(application))) == url(application, "your-answers")

    # Changing: the page shows what was saved; clearing a question leaves it blank.
    form = parse(browser.client.get(url(application, "answer")))
    assert form.select_one("input[name=religion][checked]")["value"] == "sikh"
    response = browser.submit_as_shown(url(application, "answer"), {"religion": "prefer_not_to_say", "sex": ""})
    assert path_of(response) == url(application, "your-answers")
    assert stored(application) == {**DISTINCTIVE, "religion": "prefer_not_to_say", "sex": None}
    shown = summary(browser, application)
    assert shown["What is your religion?"] == "Prefer not to say"
    assert shown["What is your sex?"] == "Not answered"

    response = browser.submit_as_shown(url(application, "your-answers"), button="Remove my answers")
    assert path_of(response) == f"/applications/{application.reference}"
    assert stored(application) is None
    page = parse(browser.client.get(response.location))
    assert "Your answers to the equality and diversity questions have been removed." in banners(page)
    assert page.select_one("#monitoring-status").get_text(strip=True) == "Not answered"
    assert path_of(browser.client.get(url(application, "your-answers"))) == url(application)


def test_answering_nothing_keeps_nothing(browser, application):
    response = answer(browser, application, {})
    assert path_of(response) == f"/applications/{application.reference}"
    assert stored(application) is None
    assert "no answers were kept" in " ".join(banners(parse(browser.client.get(response.location))))


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.key)
def test_an_unknown_answer_is_an_error_and_changes_nothing(browser, application, question):
    answer(browser, application, {"sex": "male"})
    response = answer(browser, application, {**DISTINCTIVE, question.key: "<b>unknown</b>"})
    assert response.status_code == 200
    page = parse(response)
    assert page.title.get_text().startswith("Error: ")
    assert error_messages(page) == [monitoring.unknown_answer(question)]
    assert question.characteristic.lower() in error_messages(page)[0]
    assert page.select_one(".govuk-error-summary__list a")["href"] == f"#{question.key}"
    message = page.select_one(f"#{question.key}-error")
    assert message is not None and "Select one of the answers listed" in message.get_text()
    assert stored(application) == {key: ("male" if key == "sex" else None) for key in DISTINCTIVE}


def test_a_page_left_open_while_the_answers_changed_elsewhere_is_an_error(app, browser, application):
    stale = parse(browser.client.get(url(application, "answer")))
    token = stale.select_one("input[name=csrf_token]")["value"]
    answer(browser, application, {"sex": "male"})
    response = browser.client.post(
        url(application, "answer"),
        data={"csrf_token": token, "version": stale.select_one("input[name=version]")["value"], "sex": "female"},
    )
    page = parse(response)
    assert error_messages(page) == [monitoring.STALE]
    assert stored(application)["sex"] == "male"
    assert page.select_one("input[name=sex][checked]")["value"] == "female"
    # Saving the page shown with the error, once checked, is not stale any more.
    again = PageForm(browser.client, url(application, "answer"), shown=response).press("submit")
    assert path_of(again) == url(application, "your-answers")
    assert stored(application)["sex"] == "female"
    for version in ("", "x", "²", "-1"):
        response = browser.submit(url(application, "answer"), {"version": version, "sex": "female"})
        assert error_messages(parse(response)) == [monitoring.STALE]
    # Removing with an old version is refused too.
    response = browser.submit(url(application, "remove"), {"version": "0"}, page=url(application, "your-answers"))
    assert path_of(response) == url(application)
    assert stored(application)["sex"] == "female"
    page = parse(browser.client.get(url(application, "your-answers")))
    assert monitoring.STALE in banners(page)


def closed_checks(browser, application, reason: str) -> None:
    page = parse(browser.client.get(url(application, "your-answers")))
    assert reason in page.select_one("#monitoring-closed").get_text()
    assert page.select_one("#remove-monitoring") is None
    assert not page.select("#monitoring-answers .govuk-summary-list__actions a")
    page = parse(browser.client.get(url(application, "answer")))
    assert page.select_one("#monitoring-form") is None and reason in page.select_one("#monitoring-closed").get_text()
    response = browser.submit(url(application, "answer"), {"version": "1", "sex": "male"}, page="/frameworks")
    assert path_of(response) == url(application)
    response = browser.submit(url(application, "remove"), {"version": "1"}, page="/frameworks")
    assert path_of(response) == url(application)
    assert stored(application) == DISTINCTIVE


def test_nothing_changes_after_the_closing_time(app, make_user):
    campaign = open_campaign(make_user(role="admin"), closes_in=timedelta(hours=2))
    application = applications.start(UserFactory(role="candidate"), campaign)
    browser = signed_in(app, application.candidate)
    answer(browser, application, DISTINCTIVE)
    with time_machine.travel(campaign.closes_at + timedelta(minutes=1)):
        closed_checks(browser, application, "This vacancy closed on")
        assert task_entry(browser, application).select_one("#monitoring-status").get_text(strip=True) == "Answered"


def test_nothing_changes_once_withdrawn(browser, application):
    answer(browser, application, DISTINCTIVE)
    applications.withdraw(application.candidate, application)
    closed_checks(browser, application, "You withdrew this application")


def test_closed_with_nothing_answered(browser, application):
    applications.withdraw(application.candidate, application)
    assert task_entry(browser, application) is None
    page = parse(browser.client.get(url(application)))
    assert page.select_one("#answer-questions") is None
    assert "You withdrew this application" in page.select_one("#monitoring-closed").get_text()


def test_no_way_in_to_another_candidates_answers(app, application, browser):
    answer(browser, application, DISTINCTIVE)
    other = signed_in(app, UserFactory(role="candidate"))
    for page in ("", "answer", "your-answers"):
        assert other.client.get(url(application, page)).status_code == 404
    token = parse(other.client.get("/frameworks")).select_one("input[name=csrf_token]")["value"]
    for page in ("answer", "remove"):
        response = other.client.post(url(application, page), data={"csrf_token": token, "version": "1"})
        assert response.status_code == 404
    assert stored(application) == DISTINCTIVE


def test_not_signed_in_goes_to_sign_in(app, application):
    client = app.test_client()
    for page in ("", "answer", "your-answers"):
        response = client.get(url(application, page))
        assert response.status_code == 302 and "/sign-in" in response.location


def test_the_data_download_includes_the_answers(browser, application):
    answer(browser, application, DISTINCTIVE)
    response = browser.client.get("/account/your-data")
    [entry] = json.loads(response.get_data(as_text=True))["applications"]
    answers = {row["question"]: row["answer"] for row in entry["equality_and_diversity_answers"]}
    assert answers["Which of the following best describes your sexual orientation?"] == "Bisexual"
    assert answers["What is your ethnic group?"] == "Gypsy or Irish Traveller"


def test_several_unknown_answers_are_each_named_in_the_error_summary(browser, application):
    response = answer(browser, application, {"sex": "zzz", "ethnicity": "zzz", "religion": "sikh"})
    page = parse(response)
    assert error_messages(page) == [
        "Select one of the answers listed for sex, or leave it blank",
        "Select one of the answers listed for ethnicity, or leave it blank",
    ]
    assert [a["href"] for a in page.select(".govuk-error-summary__list a")] == ["#sex", "#ethnicity"]
    # What was chosen properly is still chosen on the page shown again; nothing was saved.
    assert page.select_one("input[name=religion][checked]")["value"] == "sikh"
    assert stored(application) is None
