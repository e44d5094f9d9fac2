"""Interview scoring on the sift engine: names visible, the conflict declaration before the record
opens, questions from the bank, evidence heard, and a declared conflict excluding that member's scores."""

import pytest

from recruit.extensions import db
from recruit.models import CriterionQuestion, InterviewQuestion
from recruit.services.assessment import scoring
from recruit.services.assessment.board import load_items
from tests.factories import UserFactory, sift_campaign, submit_score
from tests.helpers import PageForm, error_messages, parse


@pytest.fixture
def interview(make_user):
    setup = sift_campaign(make_user(role="admin"), applications=2)
    campaign = setup.campaign
    criterion = campaign.criteria_at("interview")[0]
    question = InterviewQuestion(
        text="Describe a time you changed how your team communicated.", competency_id=criterion.competency_id
    )
    db.session.add(question)
    db.session.flush()
    db.session.add(CriterionQuestion(criterion_id=criterion.id, question_id=question.id))
    chair, member = setup.to_interview(chair=UserFactory(role="assessor", name="Interview Chair"))
    return setup, chair, member, criterion


def test_the_record_opens_only_after_the_conflict_declaration(forms, interview):
    setup, chair, member, criterion = interview
    application = setup.applications[0]
    forms.sign_in(member)
    base = f"/assess/{setup.campaign.id}/interview/{application.reference}"
    for url in (base, f"{base}/{criterion.code}"):
        response = forms.client.get(url)
        assert response.status_code == 302 and response.location == f"{base}/conflict"
    # Nor can the page for the whole application be sent before it.
    response = forms.submit(base, {"submit_scores": "Submit scores"}, page="/assess")
    assert response.status_code == 302 and response.location == f"{base}/conflict"
    declaration = parse(forms.client.get(f"{base}/conflict"))
    assert declaration.h1.get_text(strip=True) == "Candidate 1"
    # Scoring before declaring is refused by the service too.
    with pytest.raises(Exception, match="Declare whether you have a conflict of interest"):
        scoring.save(
            member,
            setup.campaign,
            application,
            criterion,
            "interview",
            scoring.ScoreInput(value=5, ticked=[], rationale="x"),
            submit=True,
            version=None,
        )
    db.session.rollback()
    response = forms.submit(f"{base}/conflict", {})
    assert error_messages(parse(response)) == ["Select yes if you have a conflict of interest"]
    response = forms.submit(f"{base}/conflict", {"has_conflict": "yes", "reason": ""})
    assert error_messages(parse(response)) == ["Enter why you have a conflict of interest"]
    assert forms.submit(f"{base}/conflict", {"has_conflict": "no"}).status_code == 302
    page = parse(forms.client.get(f"{base}/{criterion.code}"))
    assert "Candidate 1" in page.select_one(".govuk-caption-l").get_text()
    assert [li.get_text(strip=True) for li in page.select("#questions li")] == [
        "Describe a time you changed how your team communicated."
    ]
    assert page.select_one("textarea#notes") is not None

    # The page for the whole application asks the same of every criterion, with what was heard in each.
    whole = parse(forms.client.get(base))
    assert "Candidate 1" in whole.h1.get_text()
    codes = [c.code for c in setup.campaign.criteria_at("interview")]
    assert [s["data-criterion"] for s in whole.select("section.recruit-criterion")] == codes
    assert [li.get_text(strip=True) for li in whole.select(f"#questions-{criterion.code} li")] == [
        "Describe a time you changed how your team communicated."
    ]
    form = PageForm(forms.client, base)
    for code in codes:
        form.set(f"{code}-notes", f"Heard on {code}.").set(f"{code}-value", "5").set(f"{code}-rationale", "Good.")
    assert form.press("submit_scores", "Submit scores").status_code == 302
    saved = scoring.own_scores_for_application(member, application, "interview")
    assert sorted((s.notes, s.status) for s in saved.values()) == sorted((f"Heard on {c}.", "submitted") for c in codes)


def test_a_declared_conflict_excludes_that_members_scores(forms, interview):
    setup, chair, member, criterion = interview
    application = setup.applications[1]
    for person in (chair, member):
        scoring.declare(person, setup.campaign, application, "interview", False, "")
    submit_score(
        member, setup.campaign, application, criterion, 7, stage="interview", rationale="Strong", notes="Good answer"
    )
    forms.sign_in(member)
    base = f"/assess/{setup.campaign.id}/interview/{application.reference}"
    # Having said "no conflict" and scored, the member realises they know the candidate and declares it.
    scoring.declare(member, setup.campaign, application, "interview", True, "The candidate is a neighbour")
    [item] = [i for i in load_items(setup.campaign, "interview", [application]) if i.criterion.id == criterion.id]
    assert item.state.scores == () and item.state.expected == 1
    assert member.id in item.conflicted
    page = parse(forms.client.get(base))
    assert "You declared a conflict of interest" in page.select_one("#conflict-notice").get_text()
