"""Releasing a stage's outcomes and feedback: the admin first sees which candidates have no feedback, for which
criteria, and confirms; a candidate whose results lack feedback is told so once."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from recruit.extensions import db
from recruit.models import Application, AuditEvent
from recruit.services.assessment import agreement, feedback, results
from recruit.services.campaigns.stages import stage_record
from recruit.services.errors import Refused
from tests.downloads import download
from tests.factories import interview_stage, score, sift_campaign
from tests.helpers import Forms, error_messages, parse

MISSING_MESSAGE = "did not write feedback"


@dataclass
class Sifted:
    setup: object
    people: list[Application]  # by reference

    @property
    def campaign(self):
        return self.setup.campaign

    @property
    def release_url(self) -> str:
        return f"/admin/campaigns/{self.campaign.id}/release/sift"


def write(sifted: Sifted, application: Application, criterion, text: str) -> None:
    agreed = agreement.item_for(sifted.campaign, "sift", application, criterion).agreed
    feedback.save(sifted.setup.chair, sifted.campaign, agreed, text)


def signed_off_sift(admin, missing: dict[int, tuple[int, ...]]) -> Sifted:
    """Five applications through a signed-off sift with feedback on every criterion, except those in
    `missing`: by the application's place in reference order, the positions of the criteria left without."""
    setup = sift_campaign(admin, applications=5, members=1)
    campaign = setup.campaign
    people = sorted(setup.applications, key=lambda a: a.reference)
    sifted = Sifted(setup, people)
    for application in people:
        for criterion in campaign.criteria_at("sift"):
            for assessor in setup.assessors:
                score(assessor, setup, application, criterion.code, 5)
    agreement.confirm_all_proposals(setup.chair, campaign, "sift", people)
    results.decide(admin, campaign, "sift", "all_passing", None)
    for number, application in enumerate(people):
        for position, criterion in enumerate(campaign.criteria_at("sift")):
            if position not in missing.get(number, ()):
                write(sifted, application, criterion, f"Your evidence on {criterion.name} was clear.")
    results.sign_off(setup.chair, campaign, "sift")
    return sifted


# The second has no feedback on the third criterion, the third none at all, the fourth none on the first and last.
GAPS = {1: (2,), 2: (0, 1, 2, 3), 3: (0, 3)}


@pytest.fixture
def sifted(make_user):
    return signed_off_sift(make_user(role="admin"), GAPS)


@pytest.fixture
def admin_forms(app, sifted):
    forms = Forms(app.test_client())
    forms.sign_in(sifted.setup.admin)
    return forms


def expected_rows(sifted: Sifted) -> list[tuple[str, list[str]]]:
    names = [c.name for c in sifted.campaign.criteria_at("sift")]
    return [(sifted.people[n].reference, [names[p] for p in GAPS[n]]) for n in sorted(GAPS)]


def released(sifted: Sifted) -> bool:
    db.session.expire_all()
    return stage_record(sifted.campaign, "sift").released_at is not None


def release_events() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "sift.released"))


def test_the_count_comes_from_one_service_function(sifted):
    gaps = feedback.missing_feedback(sifted.campaign, "sift")
    assert gaps.summary == "3 candidates have no feedback for 1 or more criteria"
    assert [(c.reference, list(c.criteria)) for c in gaps.candidates] == expected_rows(sifted)
    assert gaps.items == 7
    criteria = sifted.campaign.criteria_at("sift")
    for number in (2, 3):
        for position in GAPS[number]:
            write(sifted, sifted.people[number], criteria[position], "Written after all.")
    gaps = feedback.missing_feedback(sifted.campaign, "sift")
    assert gaps.summary == "1 candidate has no feedback for 1 or more criteria" and gaps.items == 1


def test_the_release_page_lists_the_missing_feedback_and_needs_confirmation(admin_forms, sifted):
    client = admin_forms.client
    merit = parse(client.get(f"/admin/campaigns/{sifted.campaign.id}/merit"))
    button = merit.find("a", string="Release the sift outcomes and feedback")
    assert button["href"] == sifted.release_url and "govuk-button" in button["class"]
    assert not released(sifted), "following the button releases nothing"

    page = parse(client.get(sifted.release_url))
    assert page.h1.get_text(strip=True) == "Release the sift outcomes and feedback"
    assert (
        page.select_one("#missing-summary").get_text(" ", strip=True)
        == "Warning 3 candidates have no feedback for 1 or more criteria"
    )
    rows = [
        (row.th.get_text(strip=True), [li.get_text(strip=True) for li in row.select("li")])
        for row in page.select("#missing-feedback tbody tr")
    ]
    assert rows == expected_rows(sifted)
    assert page.find("label", string=lambda s: s and "Release these outcomes without that feedback" in s)

    response = admin_forms.submit(sifted.release_url, {"missing": "7"})
    assert response.status_code == 200
    soup = parse(response)
    assert error_messages(soup) == ["Confirm that you want to release the outcomes with feedback missing"]
    assert soup.select_one("#confirm") is not None, "the error points at the checkbox on the page"
    assert not released(sifted) and release_events() == 0

    response = admin_forms.submit(sifted.release_url, {"missing": "7", "confirm": "y"})
    assert response.status_code == 302 and response.location.endswith(f"/campaigns/{sifted.campaign.id}/merit")
    assert released(sifted)
    banner = parse(client.get(response.location)).select_one(".govuk-notification-banner")
    assert "Outcomes and feedback for the sift are released to candidates." in banner.get_text()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sift.released"))
    assert [(c["reference"], c["criteria"]) for c in event.after["without_feedback"]] == expected_rows(sifted)
    again = client.get(sifted.release_url)
    assert again.status_code == 302, "a released stage has nothing left to confirm"


def test_more_feedback_missing_than_the_admin_saw_releases_nothing(admin_forms, sifted):
    admin_forms.client.get(sifted.release_url)
    first = sifted.campaign.criteria_at("sift")[0]
    write(sifted, sifted.people[0], first, "")  # the chair clears feedback meanwhile
    response = admin_forms.submit(sifted.release_url, {"missing": "7", "confirm": "y"})
    assert response.status_code == 200
    soup = parse(response)
    assert error_messages(soup) == [
        "More feedback is missing than when you checked: 4 candidates have no "
        "feedback for 1 or more criteria. Check the list again before you release"
    ]
    assert len(soup.select("#missing-feedback tbody tr")) == 4
    assert soup.select_one("input[name=missing]")["value"] == "8"
    assert not soup.select_one("#confirm").has_attr("checked")
    assert not released(sifted)


@pytest.mark.parametrize("missing", ["", "seven", "-7", "1e9", "²", "9" * 40, "6"])
def test_a_confirmation_that_does_not_cover_what_is_missing_releases_nothing(admin_forms, sifted, missing):
    response = admin_forms.submit(sifted.release_url, {"missing": missing, "confirm": "y"})
    assert response.status_code == 200
    assert len(error_messages(parse(response))) == 1
    assert not released(sifted) and release_events() == 0


def test_with_every_feedback_written_the_page_says_so_and_a_press_releases(app, make_user):
    sifted = signed_off_sift(make_user(role="admin"), {})
    forms = Forms(app.test_client())
    forms.sign_in(sifted.setup.admin)
    page = parse(forms.client.get(sifted.release_url))
    assert (
        page.select_one("#missing-summary").get_text(strip=True) == "Every candidate has feedback for every criterion."
    )
    assert page.select_one("#missing-feedback") is None and page.select_one("#confirm") is None
    assert forms.submit(sifted.release_url, {"missing": "0"}).status_code == 302
    assert released(sifted)


def test_the_service_refuses_a_release_nobody_confirmed(sifted):
    with pytest.raises(Refused, match="Confirm that you want to release the outcomes with feedback missing"):
        feedback.release(sifted.setup.admin, sifted.campaign, "sift")
    db.session.rollback()
    with pytest.raises(Refused, match="Only an admin"):
        feedback.release(sifted.setup.chair, sifted.campaign, "sift", missing_confirmed=7)
    db.session.rollback()
    assert not released(sifted)


def test_before_sign_off_or_for_an_unknown_stage_there_is_nothing_to_release(admin_forms, sifted):
    response = admin_forms.client.get(f"/admin/campaigns/{sifted.campaign.id}/release/interview")
    assert response.status_code == 302
    banner = parse(admin_forms.client.get(response.location)).select_one(".govuk-notification-banner")
    assert "The stage must be signed off before its outcomes are released" in banner.get_text()
    assert admin_forms.client.get(f"/admin/campaigns/{sifted.campaign.id}/release/lunch").status_code == 404


def letter_text(app, application: Application) -> str:
    forms = Forms(app.test_client())
    forms.sign_in(application.candidate)
    response = download(forms.client, f"/applications/{application.reference}/feedback.pdf")
    assert response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    return " ".join(text.split())


def outcome_page(app, application: Application):
    forms = Forms(app.test_client())
    forms.sign_in(application.candidate)
    return parse(forms.client.get(f"/applications/{application.reference}/outcome"))


def test_a_candidate_is_told_once_which_criteria_have_no_feedback(app, sifted):
    feedback.release(sifted.setup.admin, sifted.campaign, "sift", missing_confirmed=7)
    names = [c.name for c in sifted.campaign.criteria_at("sift")]
    complete, one_missing, none_written = sifted.people[0], sifted.people[1], sifted.people[2]

    text = letter_text(app, one_missing)
    assert text.count(MISSING_MESSAGE) == 1 and "No written feedback" not in text
    assert f"The panel did not write feedback for {names[2]}." in text
    text = letter_text(app, none_written)
    assert text.count(MISSING_MESSAGE) == 1
    assert (
        "The panel did not write feedback for these criteria: " + " ".join(names) + " Sift (your written application)"
    ) in text
    assert f"{names[0]} Good – {names[1]} Good –" in text, "the table's empty cells do not repeat the message"
    assert MISSING_MESSAGE not in letter_text(app, complete)

    page = outcome_page(app, one_missing)
    assert page.get_text(" ", strip=True).count(MISSING_MESSAGE) == 1
    assert (
        page.select_one("#without-feedback").get_text(" ", strip=True)
        == f"The panel did not write feedback for {names[2]}."
    )
    cards = {
        card.select_one(".govuk-summary-card__title").get_text(strip=True): card.select_one(".recruit-feedback")
        for card in page.select(".recruit-criterion-feedback")
    }
    assert list(cards) == names
    assert cards[names[2]] is None and all(cards[n] is not None for n in names if n != names[2])
    page = outcome_page(app, none_written)
    assert [li.get_text(strip=True) for li in page.select("#without-feedback + ul li")] == names
    assert page.get_text(" ", strip=True).count(MISSING_MESSAGE) == 1
    assert outcome_page(app, complete).select_one("#without-feedback") is None


def test_the_release_page_says_how_many_are_told_that_it_cannot_be_undone_and_names_nobody_at_the_sift(
    admin_forms, sifted, count_writes
):
    with count_writes() as writes:
        page = parse(admin_forms.client.get(sifted.release_url))
    assert writes.statements == [], "opening the page releases nothing"
    assert page.select_one("#release-summary").get_text(strip=True) == "5 candidates will be told their sift outcome."
    assert page.select_one("#release-warning").get_text(" ", strip=True) == (
        "Warning You cannot undo a release. Once released, the outcomes and the feedback can no longer change."
    )
    assert page.find("a", string="Cancel")["href"] == f"/admin/campaigns/{sifted.campaign.id}/merit"
    # The sift is name-blind: the candidates without feedback are listed by reference only.
    assert page.select("#missing-feedback [data-name]") == []
    assert "Candidate 1" not in page.get_text()


def test_at_interview_the_release_page_names_the_candidates_without_feedback(app, make_user):
    setup, _ = interview_stage(make_user(role="admin"))
    forms = Forms(app.test_client())
    forms.sign_in(setup.admin)
    page = parse(forms.client.get(f"/admin/campaigns/{setup.campaign.id}/release/interview"))
    assert page.select_one("#release-summary").get_text(strip=True) == (
        "5 candidates will be told their interview outcome."
    )
    people = sorted(setup.applications, key=lambda a: a.reference)
    assert [
        (row["data-reference"], row.select_one("[data-name]").get_text(strip=True))
        for row in page.select("#missing-feedback tbody tr")
    ] == [(a.reference, a.personal_details.full_name) for a in people]


def test_only_admins_reach_the_release_page_and_unknown_campaigns_are_not_found(app, admin_forms, sifted):
    assert admin_forms.client.get(f"/admin/campaigns/{sifted.campaign.id + 1000}/release/sift").status_code == 404
    for person in (sifted.setup.chair, sifted.setup.members[0], sifted.people[0].candidate):
        forms = Forms(app.test_client())
        forms.sign_in(person)
        assert forms.client.get(sifted.release_url).status_code in (403, 404)
    assert not released(sifted)
