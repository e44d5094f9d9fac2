"""The candidate's application: the journey, the word limit, closing time, other people's
applications, repeated submissions and changes made in two windows."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Application, AuditEvent, Statement
from recruit.services.applications import submission as applications
from recruit.services.campaigns import setup as campaigns
from recruit.services.campaigns import status as campaign_status
from tests.factories import draft_campaign, open_campaign, ready_to_open
from tests.helpers import Forms, error_messages, parse


def version_on(client, url) -> str:
    return parse(client.get(url)).select_one("input[name=version]")["value"]


def start(forms, campaign) -> str:
    response = forms.submit(f"/vacancies/{campaign.reference}/apply")
    assert response.status_code == 302
    return response.location  # /applications/<reference>


def fill_in(forms, base, campaign, text="I planned the work and it was delivered on time."):
    client = forms.client
    forms.submit(
        f"{base}/personal-details",
        {
            "full_name": "Ada Candidate",
            "email": "ada@example.org",
            "phone": "07700 900982",
            "version": version_on(client, f"{base}/personal-details"),
        },
    )
    for criterion in campaign.criteria_at("sift"):
        url = f"{base}/evidence/{criterion.code}"
        assert forms.submit(url, {"text": text, "version": version_on(client, url)}).status_code == 302


def submit(forms, base):
    return forms.submit(f"{base}/check", {"declaration": "y", "version": version_on(forms.client, f"{base}/check")})


def test_apply_asks_anonymous_visitors_to_sign_in_and_come_back(client, campaign):
    response = client.get(f"/vacancies/{campaign.reference}/apply")
    assert response.status_code == 302
    assert response.location == f"/sign-in?next=/vacancies/{campaign.reference}/apply"


def test_the_whole_journey(forms, client, make_user, campaign):
    forms.sign_in(make_user(email="ada@example.org"))
    base = start(forms, campaign)
    tasks = parse(client.get(base)).select(".govuk-task-list__item")
    assert [
        t.select_one(".govuk-task-list__name-and-hint").get_text(" ", strip=True).split(" Up to")[0] for t in tasks
    ] == (["Personal details"] + [f"Evidence: {c.name}" for c in campaign.criteria_at("sift")] + ["Check and submit"])
    assert tasks[-1].select_one(".govuk-task-list__status").get_text(strip=True) == "Cannot start yet"
    fill_in(forms, base, campaign)
    statuses = [
        t.select_one(".govuk-task-list__status").get_text(strip=True)
        for t in parse(client.get(base)).select(".govuk-task-list__item")
    ]
    assert statuses[:-1] == ["Completed"] * (len(statuses) - 1)
    check = parse(client.get(f"{base}/check"))
    assert "Ada Candidate" in check.select_one("#check-details").get_text()
    response = submit(forms, base)
    assert response.status_code == 302
    confirmation = parse(client.get(response.location))
    reference = base.rsplit("/", 1)[1]
    assert confirmation.select_one("#reference").get_text(strip=True) == reference
    application = db.session.scalar(select(Application).where(Application.reference == reference))
    assert application.status == "submitted" and application.submitted_at is not None
    assert len(application.statements) == len(campaign.criteria_at("sift"))
    listed = parse(client.get("/applications")).select("#applications tbody tr")
    assert [[c.get_text(strip=True) for c in row.select("td")] for row in listed] == [
        [campaign.title, reference, "Submitted"]
    ]
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.record_id == str(application.id))).all()
    assert "application.submitted" in actions and "application.personal_details_changed" in actions


def test_reference_is_random_and_well_formed(forms, make_user, admin):
    references = set()
    for _ in range(3):
        campaign = open_campaign(admin)
        forms.sign_in(make_user())
        references.add(start(forms, campaign).rsplit("/", 1)[1])
        forms.submit("/sign-out", page="/account")
    assert len(references) == 3
    for reference in references:
        assert reference.startswith("RC-") and len(reference) == 9
        assert set(reference[3:]) <= set(applications.REFERENCE_ALPHABET)


def test_statement_over_the_limit_is_refused_and_not_saved(forms, make_user, campaign):
    forms.sign_in(make_user())
    base = start(forms, campaign)
    criterion = campaign.criteria_at("sift")[0]
    url = f"{base}/evidence/{criterion.code}"
    at_limit = " ".join(["evidence"] * criterion.word_limit)
    assert forms.submit(url, {"text": at_limit, "version": version_on(forms.client, url)}).status_code == 302
    response = forms.submit(url, {"text": at_limit + " more", "version": version_on(forms.client, url)})
    assert error_messages(parse(response)) == [
        f"Your evidence must be {criterion.word_limit} words or fewer; it has {criterion.word_limit + 1} words"
    ]
    # The text typed is still there to edit.
    assert parse(response).select_one("textarea#text").get_text().endswith("more")
    saved = db.session.scalar(select(Statement).where(Statement.criterion_id == criterion.id))
    assert saved.word_count == criterion.word_limit


@pytest.mark.parametrize(
    "data, message",
    [
        ({"full_name": "", "email": "a@example.org"}, "Enter your full name"),
        ({"full_name": "   ", "email": "a@example.org"}, "Enter your full name"),
        ({"full_name": "N" * 201, "email": "a@example.org"}, "Name must be 200 characters or fewer"),
        ({"full_name": "Ada", "email": ""}, "Enter your email address"),
        ({"full_name": "Ada", "email": "ada@"}, "Enter an email address in the correct format, like name@example.com"),
        (
            {"full_name": "Ada", "email": "a@example.org", "phone": "call me"},
            "Enter a telephone number, like 01632 960 001 or 07700 900 982",
        ),
        (
            {"full_name": "Ada", "email": "a@example.org", "phone": "0" * 41},
            "Telephone number must be 40 characters or fewer",
        ),
    ],
)
def test_personal_details_bad_input(forms, make_user, campaign, data, message):
    forms.sign_in(make_user())
    base = start(forms, campaign)
    url = f"{base}/personal-details"
    response = forms.submit(url, {**data, "version": version_on(forms.client, url)})
    assert message in error_messages(parse(response))
    assert db.session.scalar(select(Application)).personal_details is None


def test_cannot_submit_until_complete_or_without_the_declaration(forms, make_user, campaign):
    forms.sign_in(make_user())
    base = start(forms, campaign)
    response = submit(forms, base)
    messages = error_messages(parse(response))
    assert messages[0].startswith("Add your personal details; Write your evidence for")
    fill_in(forms, base, campaign)
    response = forms.submit(f"{base}/check", {"version": version_on(forms.client, f"{base}/check")})
    assert error_messages(parse(response)) == ["Confirm the declaration to submit your application"]
    assert db.session.scalar(select(Application)).status == "draft"


def test_submitted_application_is_read_only(forms, client, make_user, campaign):
    forms.sign_in(make_user())
    base = start(forms, campaign)
    fill_in(forms, base, campaign, text="Original words")
    submit(forms, base)
    criterion = campaign.criteria_at("sift")[0]
    page = parse(client.get(f"{base}/evidence/{criterion.code}"))
    assert page.select_one("textarea") is None
    assert page.select_one("#statement-text").get_text(strip=True) == "Original words"
    forged = forms.submit(f"{base}/evidence/{criterion.code}", {"text": "Changed", "version": "99"}, page=base)
    assert "You have submitted this application, so it cannot be changed" in error_messages(parse(forged))
    assert db.session.scalar(select(Statement).where(Statement.criterion_id == criterion.id)).text == "Original words"


def test_double_submission_creates_nothing_twice(forms, make_user, campaign):
    forms.sign_in(make_user())
    base = start(forms, campaign)
    again = forms.submit(f"/vacancies/{campaign.reference}/apply", page=f"/vacancies/{campaign.reference}")
    assert again.location == base
    assert db.session.scalar(select(func.count(Application.id))) == 1
    fill_in(forms, base, campaign)
    version = version_on(forms.client, f"{base}/check")
    first = forms.submit(f"{base}/check", {"declaration": "y", "version": version})
    second = forms.submit(f"{base}/check", {"declaration": "y", "version": version}, page=f"{base}/submitted")
    assert first.status_code == second.status_code == 302
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "application.submitted")) == 1


def test_a_save_from_an_older_page_does_not_overwrite(forms, make_user, campaign):
    forms.sign_in(make_user())
    base = start(forms, campaign)
    criterion = campaign.criteria_at("sift")[0]
    url = f"{base}/evidence/{criterion.code}"
    stale = version_on(forms.client, url)
    assert forms.submit(url, {"text": "Saved in the first window", "version": stale}).status_code == 302
    response = forms.submit(url, {"text": "Typed in the second window", "version": stale})
    soup = parse(response)
    assert error_messages(soup) == [applications.STALE]
    assert soup.select_one("textarea#text").get_text() == "Typed in the second window"
    assert db.session.scalar(select(Statement)).text == "Saved in the first window"


def test_withdrawing_needs_confirmation_and_is_final(forms, client, make_user, campaign):
    forms.sign_in(make_user())
    base = start(forms, campaign)
    assert parse(client.get(f"{base}/withdraw")).h1.get_text(strip=True).startswith("Are you sure")
    assert db.session.scalar(select(Application)).status == "draft"
    assert forms.submit(f"{base}/withdraw").status_code == 302
    assert db.session.scalar(select(Application)).status == "withdrawn"
    criterion = campaign.criteria_at("sift")[0]
    response = forms.submit(f"{base}/evidence/{criterion.code}", {"text": "late", "version": "3"}, page=base)
    assert "You have withdrawn this application, so it cannot be changed" in error_messages(parse(response))


# Closing time ---------------------------------------------------------------------------------


def campaign_closing_at(admin, moment: datetime):
    campaign = ready_to_open(admin, draft_campaign(admin))
    with time_machine.travel(moment - timedelta(days=10), tick=False):
        campaigns.set_closing(admin, campaign, moment)
        campaign_status.move(admin, campaign, "open")
    return campaign


@pytest.mark.parametrize(
    "closing",
    [
        datetime(2031, 1, 15, 17, 0, tzinfo=UTC),  # 5pm GMT
        datetime(2031, 7, 15, 16, 0, tzinfo=UTC),  # 5pm BST
        datetime(2031, 3, 30, 1, 0, tzinfo=UTC),  # 2am BST, the minute the clocks went forward
        datetime(2031, 10, 26, 0, 30, tzinfo=UTC),  # 1:30am BST, before the clocks go back
    ],
)
def test_closing_time_boundary(app, admin, make_user, closing):
    campaign = campaign_closing_at(admin, closing)
    candidate = make_user()
    forms = Forms(app.test_client())
    with time_machine.travel(closing - timedelta(hours=1), tick=False) as clock:
        forms.sign_in(candidate)
        base = start(forms, campaign)
        fill_in(forms, base, campaign)
        clock.move_to(closing - timedelta(seconds=1))
        criterion = campaign.criteria_at("sift")[0]
        url = f"{base}/evidence/{criterion.code}"
        assert (
            forms.submit(url, {"text": "Last-second edit", "version": version_on(forms.client, url)}).status_code == 302
        )
        version = version_on(forms.client, f"{base}/check")
        clock.move_to(closing)
        response = forms.submit(f"{base}/check", {"declaration": "y", "version": version}, page=base)
        assert error_messages(parse(response))[0].startswith("This vacancy closed on ")
        clock.move_to(closing + timedelta(seconds=1))
        response = forms.submit(url, {"text": "Too late", "version": version})
        assert error_messages(parse(response))[0].startswith("This vacancy closed on ")
    application = db.session.scalar(select(Application).where(Application.campaign_id == campaign.id))
    assert application.status == "draft"
    assert application.statement_for(criterion).text == "Last-second edit"


def test_closing_message_is_in_uk_time(admin):
    campaign = campaign_closing_at(admin, datetime(2031, 7, 15, 16, 0, tzinfo=UTC))
    assert applications.closed_message(campaign) == (
        "This vacancy closed on 15 July 2031 at 5:00pm. Applications can no longer be changed"
    )


def test_cannot_start_after_closing(forms, make_user, admin):
    campaign = open_campaign(admin)
    with time_machine.travel(utcnow() + timedelta(days=15)):
        forms.sign_in(make_user())
        response = forms.client.get(f"/vacancies/{campaign.reference}/apply")
        assert "This vacancy is not taking applications" in parse(response).get_text()
        response = forms.submit(f"/vacancies/{campaign.reference}/apply", page="/account")
        assert error_messages(parse(response))[0].startswith("This vacancy closed on")
    assert db.session.scalar(select(func.count(Application.id))) == 0


# Other people's applications -------------------------------------------------------------------


def candidate_routes(base: str, campaign) -> list[tuple[str, str]]:
    code = campaign.criteria_at("sift")[0].code
    pages = [
        base,
        f"{base}/personal-details",
        f"{base}/evidence/{code}",
        f"{base}/check",
        f"{base}/submitted",
        f"{base}/withdraw",
    ]
    return [("GET", url) for url in pages] + [("POST", url) for url in pages[1:4] + [pages[-1]]]


def test_candidates_cannot_reach_each_others_applications(app, forms, make_user, campaign):
    owner = make_user(email="owner@example.org")
    forms.sign_in(owner)
    base = start(forms, campaign)
    fill_in(forms, base, campaign, text="Owner's private evidence")
    intruder = Forms(app.test_client())
    intruder.sign_in(make_user(email="intruder@example.org"))
    token_page = intruder.client.get("/account").get_data(as_text=True)
    from tests.helpers import csrf_token_from

    token = csrf_token_from(token_page)
    application = db.session.scalar(select(Application))
    for reference in (application.reference, application.reference.lower(), str(application.id)):
        for method, url in candidate_routes(f"/applications/{reference}", campaign):
            response = intruder.client.open(
                url,
                method=method,
                data={
                    "csrf_token": token,
                    "text": "hacked",
                    "full_name": "X",
                    "email": "x@example.org",
                    "declaration": "y",
                    "version": "1",
                },
            )
            assert response.status_code == 404, f"{method} {url}"
            assert "Owner's private evidence" not in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == "draft"
    assert {s.text for s in db.session.get(Application, application.id).statements} == {"Owner's private evidence"}


@pytest.mark.parametrize("role", ["assessor", "admin"])
def test_staff_cannot_use_candidate_routes(app, forms, make_user, campaign, role):
    candidate_forms = Forms(app.test_client())
    candidate_forms.sign_in(make_user())
    base = start(candidate_forms, campaign)
    forms.sign_in(make_user(role=role))
    for method, url in [("GET", f"/vacancies/{campaign.reference}/apply"), ("GET", "/applications")] + candidate_routes(
        base, campaign
    ):
        assert forms.client.open(url, method=method).status_code in (403, 400), f"{method} {url}"


def test_download_your_data(forms, client, make_user, campaign):
    forms.sign_in(make_user(email="mine@example.org", name="Mine Person"))
    base = start(forms, campaign)
    fill_in(forms, base, campaign, text="My evidence words")
    response = client.get("/account/your-data")
    assert response.headers["Content-Disposition"] == "attachment; filename=recruit-your-data.json"
    data = response.json
    assert data["account"]["email"] == "mine@example.org"
    [application] = data["applications"]
    assert application["reference"] == base.rsplit("/", 1)[1]
    assert application["personal_details"]["full_name"] == "Ada Candidate"
    assert [s["text"] for s in application["statements"]] == ["My evidence words"] * len(campaign.criteria_at("sift"))
    assert "password" not in response.get_data(as_text=True)


def test_admin_sees_counts_search_and_names(app, forms, make_user, admin, campaign):
    people = []
    for name in ("Alice Able", "Bob Baker", "Carol Able"):
        candidate = Forms(app.test_client())
        candidate.sign_in(make_user())
        base = candidate.client and start(candidate, campaign)
        candidate.submit(
            f"{base}/personal-details",
            {
                "full_name": name,
                "email": "x@example.org",
                "version": version_on(candidate.client, f"{base}/personal-details"),
            },
        )
        people.append(base.rsplit("/", 1)[1])
    forms.sign_in(admin)
    soup = parse(forms.client.get(f"/admin/campaigns/{campaign.id}/applications"))
    assert soup.select_one("[data-status=draft]").get_text() == "3"
    soup = parse(forms.client.get(f"/admin/campaigns/{campaign.id}/applications?q=able"))
    assert sorted(row.select("td")[1].get_text(strip=True) for row in soup.select("#applications tbody tr")) == [
        "Alice Able",
        "Carol Able",
    ]
    soup = parse(forms.client.get(f"/admin/campaigns/{campaign.id}/applications?q={people[1].lower()}"))
    assert [row.select("td")[1].get_text(strip=True) for row in soup.select("#applications tbody tr")] == ["Bob Baker"]
    detail = parse(forms.client.get(f"/admin/campaigns/{campaign.id}/applications/{people[1]}"))
    assert "Bob Baker" in detail.select_one("#application-summary").get_text()
    assert forms.client.get(f"/admin/campaigns/{campaign.id}/applications/RC-NOPE00").status_code == 404


def test_admin_list_paginates_at_fifty(forms, make_user, admin, campaign):
    from tests.factories import UserFactory

    for i in range(55):
        user = UserFactory()
        db.session.add(Application(campaign=campaign, candidate=user, reference=f"RC-{i:06d}"[:9], status="submitted"))
    db.session.commit()
    forms.sign_in(admin)
    first = parse(forms.client.get(f"/admin/campaigns/{campaign.id}/applications"))
    second = parse(forms.client.get(f"/admin/campaigns/{campaign.id}/applications?page=2"))
    assert len(first.select("#applications tbody tr")) == 50
    assert len(second.select("#applications tbody tr")) == 5
    assert forms.client.get(f"/admin/campaigns/{campaign.id}/applications?page=banana").status_code == 200
