"""Who may moderate what (DESIGN §6): a chair who declared a conflict of interest with a candidate takes no part in
moderating their application (no agreeing, bulk confirming, reopening or feedback); an admin does it, or a panel
member the admin names as deputy chair for that application. And a candidate later made an assessor neither sits
on nor scores the panel of a campaign they applied to."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from recruit.extensions import db
from recruit.models import (
    AgreedScore,
    AgreedScoreVersion,
    Application,
    AuditEvent,
    ModerationDeputy,
    PanelMember,
    Score,
    ScoreVersion,
)
from recruit.services.accounts import account_changes as accounts
from recruit.services.applications import submission as applications
from recruit.services.assessment import agreement, candidate_feedback, feedback, moderators, scoring
from recruit.services.assessment.moderators import CONFLICTED_CHAIR
from recruit.services.errors import Refused
from tests.factories import UserFactory, add_applications, open_campaign, score, sift_campaign
from tests.helpers import csrf_token_from, error_messages, parse, signed_in

CONFLICT_REASON = "I managed this candidate until last year."


@pytest.fixture
def setup(admin):
    """Chair, Member 1 and Member 2; the chair declared a conflict with application A, not with B."""
    setup = sift_campaign(admin, applications=2, members=2, keep_criteria=2)
    scoring.declare(setup.chair, setup.campaign, setup.applications[0], "sift", True, CONFLICT_REASON)
    return setup


def item_url(setup, application, criterion) -> str:
    return f"/moderate/{setup.campaign.id}/sift/items/{application.reference}/{criterion.code}"


def feedback_url(setup, application) -> str:
    """The candidate's feedback page, with every criterion's feedback."""
    return f"/moderate/{setup.campaign.id}/sift/feedback/{application.reference}"


def deputy_url(setup, application) -> str:
    reference = application if isinstance(application, str) else application.reference
    return f"/admin/campaigns/{setup.campaign.id}/panels/sift/deputies/{reference}"


def members_score(setup, application, criterion, values=(5, 5)):
    for member, value in zip(setup.members, values):
        score(member, setup, application, criterion.code, value)


def written() -> dict[str, int]:
    """Rows of everything moderation writes, and the audit entries other than signing in and refused requests
    (a refusal is recorded as access.denied, on purpose)."""
    tables = {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (AgreedScore, AgreedScoreVersion, ModerationDeputy, Score, ScoreVersion)
    }
    tables["audit_events"] = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action.not_like("sign_in.%"), AuditEvent.action != "access.denied")
    )
    return tables


def banner(soup) -> str:
    return soup.select_one(".govuk-notification-banner").get_text(" ", strip=True)


def agreed_by_admin(setup, admin, application, criterion) -> AgreedScore:
    members_score(setup, application, criterion)
    return agreement.agree(admin, setup.campaign, application, criterion, "sift", 5, "")


# The conflicted chair --------------------------------------------------------------------------------------


def test_the_conflicted_chair_cannot_agree_an_item_of_that_application(app, setup):
    a, criterion = setup.applications[0], setup.campaign.criteria[0]
    members_score(setup, a, criterion)
    chair = signed_in(app, setup.chair)
    page = parse(chair.client.get(item_url(setup, a, criterion)))
    assert page.select_one("input[name=value]") is None, "no form to agree a score"
    assert (
        page.select_one("#handover")
        .get_text(" ", strip=True)
        .startswith(
            "You declared a conflict of interest with this candidate, so you take no part in moderating their "
            "application. An admin moderates it."
        )
    )
    before = written()

    response = chair.submit(item_url(setup, a, criterion), {"value": "5", "rationale": ""})
    assert response.status_code == 200
    assert error_messages(parse(response)) == [CONFLICTED_CHAIR]
    with pytest.raises(Refused, match="^You declared a conflict of interest with this candidate"):
        agreement.agree(setup.chair, setup.campaign, a, criterion, "sift", 5, "")
    db.session.rollback()
    assert written() == before


def test_confirming_all_proposals_leaves_the_conflicted_chairs_applications_and_says_how_many(app, setup):
    (a, b), criteria = setup.applications, setup.campaign.criteria
    for criterion in criteria:
        members_score(setup, a, criterion)
        for assessor in setup.assessors:
            score(assessor, setup, b, criterion.code, 5)
    chair = signed_in(app, setup.chair)
    board = f"/moderate/{setup.campaign.id}/sift"
    response = chair.submit(f"{board}/confirm-all", page=board, follow_redirects=True)
    assert banner(parse(response)).endswith(
        "2 proposed scores confirmed. Discrepant items need an agreed score with a rationale. 2 proposals were "
        "left for an admin or a deputy chair to confirm: you declared a conflict of interest with the candidate."
    )
    assert sorted(db.session.scalars(select(AgreedScore.application_id)).all()) == [b.id, b.id]
    # The board says who moderates the application the chair stands aside from.
    rows = parse(chair.client.get(board)).select(f"#board tr[data-item^='{a.reference}/']")
    assert [row.select_one(".recruit-handover").get_text(" ", strip=True) for row in rows] == [
        "Moderated by an admin: you declared a conflict of interest"
    ] * 2
    assert not parse(chair.client.get(board)).select(f"#board tr[data-item^='{b.reference}/'] .recruit-handover")


def test_the_conflicted_chair_cannot_reopen_an_item_of_that_application(app, setup, admin):
    a, criterion = setup.applications[0], setup.campaign.criteria[0]
    agreed = agreed_by_admin(setup, admin, a, criterion)
    chair = signed_in(app, setup.chair)
    page = parse(chair.client.get(item_url(setup, a, criterion)))
    assert page.select_one("textarea[name=reason]") is None, "no form to reopen"
    before = written()

    response = chair.submit(
        item_url(setup, a, criterion) + "/reopen",
        {"reason": "Rescore it."},
        page=item_url(setup, a, criterion),
        follow_redirects=True,
    )
    assert banner(parse(response)).endswith(CONFLICTED_CHAIR)
    with pytest.raises(Refused, match="^You declared a conflict of interest with this candidate"):
        agreement.reopen(setup.chair, setup.campaign, agreed, "Rescore it.")
    db.session.rollback()
    db.session.expire_all()
    assert written() == before and agreed.status == "agreed"


def test_the_conflicted_chair_cannot_write_that_candidates_feedback(app, setup, admin):
    a, criterion = setup.applications[0], setup.campaign.criteria[0]
    agreed = agreed_by_admin(setup, admin, a, criterion)
    chair = signed_in(app, setup.chair)
    assert parse(chair.client.get(item_url(setup, a, criterion))).select_one("#feedback-link") is None
    before = written()

    # The page a criterion's feedback was once written on sends the chair back to the item with the reason.
    response = chair.client.get(item_url(setup, a, criterion) + "/feedback", follow_redirects=True)
    assert banner(parse(response)).endswith(CONFLICTED_CHAIR)
    assert parse(response).select_one("textarea") is None
    # The candidate's feedback page shows the feedback without a box to write in, and says why.
    page = parse(chair.client.get(feedback_url(setup, a)))
    assert page.select_one("#refusal").get_text(strip=True) == CONFLICTED_CHAIR + "."
    assert page.select("textarea") == [] and page.select("main form") == []
    response = chair.submit(
        feedback_url(setup, a), {f"feedback-{criterion.code}": "Well done.", "version-" + criterion.code: "1"}
    )
    assert response.status_code == 200
    assert error_messages(parse(response)) == [CONFLICTED_CHAIR]
    # The overview of every candidate's feedback says who writes it, and leads nowhere for this candidate.
    overview = parse(chair.client.get(f"/moderate/{setup.campaign.id}/sift/feedback"))
    row = overview.select_one(f"#feedback-overview tr[data-reference='{a.reference}']")
    assert row.select_one(".recruit-handover").get_text(" ", strip=True) == (
        "Written by an admin: you declared a conflict of interest"
    )
    assert row.select("a") == []
    with pytest.raises(Refused, match="^You declared a conflict of interest with this candidate"):
        feedback.save(setup.chair, setup.campaign, agreed, "Well done.")
    db.session.rollback()
    with pytest.raises(Refused, match="^You declared a conflict of interest with this candidate"):
        candidate_feedback.save_all(
            setup.chair, setup.campaign, "sift", a, {criterion.id: "Well done."}, {criterion.id: agreed.version}
        )
    db.session.rollback()
    db.session.expire_all()
    assert written() == before and agreed.feedback == ""


# The admin -----------------------------------------------------------------------------------------------


def test_an_admin_finds_and_moderates_the_application_the_chair_stands_aside_from(app, setup, admin):
    (a, b), criterion = setup.applications, setup.campaign.criteria[0]
    members_score(setup, a, criterion, (4, 6))
    for assessor in setup.assessors:
        score(assessor, setup, b, criterion.code, 5)
    pages = signed_in(app, admin)
    overview = parse(pages.client.get(f"/admin/campaigns/{setup.campaign.id}"))
    deputies_link = overview.select_one("#panels-summary a[href$='/panels/sift/deputies']")
    assert deputies_link.get_text(" ", strip=True) == "Deputy chairs for the sift"
    listing = parse(pages.client.get(deputies_link["href"]))
    assert [row["data-reference"] for row in listing.select("#handovers tr[data-reference]")] == [a.reference]
    assert (
        listing.select_one(f"tr[data-reference='{a.reference}']")
        .get_text(" ", strip=True)
        .startswith(f"{a.reference} An admin (no deputy chair)")
    )
    item = listing.find("a", string=criterion.name)["href"]
    assert item == item_url(setup, a, criterion)

    response = pages.submit(item, {"value": "5", "rationale": "Discussed with both members."}, follow_redirects=True)
    assert banner(parse(response)).endswith(f"Agreed score recorded for {a.reference}, {criterion.name}.")
    agreed = db.session.scalar(select(AgreedScore).where(AgreedScore.application_id == a.id))
    assert (agreed.value, agreed.agreed_by_id, agreed.rationale) == (5, admin.id, "Discussed with both members.")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "moderation.agreed"))
    assert (event.actor_id, event.after["application"]) == (admin.id, a.reference)

    response = pages.submit_as_shown(
        feedback_url(setup, a), {f"feedback-{criterion.code}": "Clear evidence of delivery."}, follow_redirects=True
    )
    assert banner(parse(response)).startswith(f"Success Feedback saved for {a.reference}.")
    response = pages.submit(
        item + "/reopen", {"reason": "A member scored the wrong statement."}, page=item, follow_redirects=True
    )
    assert banner(parse(response)).startswith("Success The item is open again.")
    db.session.expire_all()
    assert (agreed.status, agreed.feedback) == ("reopened", "Clear evidence of delivery.")

    # The chair moderates B: the admin is told so, and nothing is written.
    before = written()
    response = pages.submit(item_url(setup, b, criterion), {"value": "5", "rationale": ""})
    assert error_messages(parse(response)) == ["Only the panel's chair can moderate this stage"]
    assert parse(pages.client.get(item_url(setup, b, criterion))).select_one("#handover") is None
    # B's feedback is the chair's to write: the admin reads it, with the reason they cannot change it.
    page = parse(pages.client.get(feedback_url(setup, b)))
    assert page.select_one("#refusal").get_text(strip=True) == "Only the panel's chair writes feedback."
    assert page.select("textarea") == []
    response = pages.submit(feedback_url(setup, b), {f"feedback-{criterion.code}": "Well done."})
    assert error_messages(parse(response)) == ["Only the panel's chair writes feedback"]
    assert written() == before


# The deputy chair ----------------------------------------------------------------------------------------


def test_an_admin_names_a_deputy_chair_who_moderates_exactly_that_application(app, setup, admin):
    (a, b), (first, second) = setup.applications, setup.campaign.criteria
    deputy = setup.members[0]
    pages = signed_in(app, admin)
    form = parse(pages.client.get(deputy_url(setup, a)))
    assert [label.get_text(strip=True) for label in form.select(".govuk-radios__label")] == [
        f"{m.name} ({m.email})" for m in setup.members
    ] + ["No deputy chair: an admin moderates this application"]
    response = pages.submit(deputy_url(setup, a), {"deputy": str(deputy.id)}, follow_redirects=True)
    assert banner(parse(response)).endswith(f"{deputy.name} is the deputy chair for {a.reference}.")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "moderation.deputy_named"))
    assert (event.actor_id, event.record_type, event.record_id) == (admin.id, "application", str(a.id))
    assert (event.before["deputy"], event.after["deputy"], event.after["stage"]) == (None, deputy.email, "sift")

    # The chair's board and item page say who moderates it.
    chair = signed_in(app, setup.chair).client
    board = parse(chair.get(f"/moderate/{setup.campaign.id}/sift"))
    assert (
        board.select_one(f"#board tr[data-item='{a.reference}/{first.code}'] .recruit-handover").get_text(
            " ", strip=True
        )
        == f"Moderated by the deputy chair, {deputy.name}: you declared a conflict of interest"
    )
    assert f"It is moderated by {deputy.name}, the deputy chair named by an admin." in parse(
        chair.get(item_url(setup, a, first))
    ).select_one("#handover").get_text(" ", strip=True)

    # The deputy finds the application on their dashboard and moderates it.
    members_score(setup, a, first)
    members_score(setup, a, second, (5, 6))
    browser = signed_in(app, deputy)
    dashboard = parse(browser.client.get("/assess"))
    row = dashboard.select_one(f"#deputyships tr[data-reference='{a.reference}']")
    assert [link["href"] for link in row.select("a")] == [item_url(setup, a, c) for c in (first, second)]
    assert len(dashboard.select("#deputyships tr[data-reference]")) == 1
    page = parse(browser.client.get(item_url(setup, a, first)))
    assert "you, as the deputy chair" in page.select_one("#handover").get_text(" ", strip=True)
    assert page.select_one("input[name=value]") is not None
    response = browser.submit(item_url(setup, a, first), {"value": "5", "rationale": ""}, follow_redirects=True)
    assert banner(parse(response)).endswith(f"Agreed score recorded for {a.reference}, {first.name}.")
    response = browser.submit_as_shown(
        feedback_url(setup, a), {f"feedback-{first.code}": "Good example."}, follow_redirects=True
    )
    assert banner(parse(response)).startswith(f"Success Feedback saved for {a.reference}.")
    # A deputy chair has no overview of every candidate: they come back to the candidate's page.
    assert [h.get_text(strip=True) for h in parse(response).select("h1")] == [f"Feedback for {a.reference}"]
    response = browser.submit(
        item_url(setup, a, first) + "/reopen",
        {"reason": "Check the evidence again."},
        page=item_url(setup, a, first),
        follow_redirects=True,
    )
    assert banner(parse(response)).startswith("Success The item is open again.")
    agreed = db.session.scalar(select(AgreedScore).where(AgreedScore.application_id == a.id))
    assert [(v.action, v.by_id) for v in agreed.history] == [("agreed", deputy.id), ("reopened", deputy.id)]
    assert browser.client.get(item_url(setup, a, first) + "/history").status_code == 200

    # Nothing else of the board's powers: not B, not the board, the results, bulk confirmation or sign-off.
    before = written()
    csrf = {"csrf_token": parse(browser.client.get("/assess")).select_one("input[name=csrf_token]")["value"]}
    base = f"/moderate/{setup.campaign.id}/sift"
    refused = {
        f"GET {item_url(setup, b, first)}": browser.client.get(item_url(setup, b, first)),
        f"GET {base}": browser.client.get(base),
        f"GET {base}/results": browser.client.get(f"{base}/results"),
        f"POST {base}/confirm-all": browser.client.post(f"{base}/confirm-all", data=csrf),
        f"POST {base}/sign-off": browser.client.post(f"{base}/sign-off", data=csrf),
        f"POST {item_url(setup, b, first)}": browser.client.post(
            item_url(setup, b, first), data={**csrf, "value": "5"}
        ),
        f"GET {base}/feedback": browser.client.get(f"{base}/feedback"),
        f"GET {feedback_url(setup, b)}": browser.client.get(feedback_url(setup, b)),
        f"POST {feedback_url(setup, b)}": browser.client.post(
            feedback_url(setup, b), data={**csrf, f"feedback-{first.code}": "Well done."}
        ),
    }
    assert {name: response.status_code for name, response in refused.items()} == dict.fromkeys(refused, 403)
    assert written() == before


def test_the_deputy_chair_can_be_changed_and_removed_and_each_change_is_audited(app, setup, admin):
    a = setup.applications[0]
    first, second = setup.members
    pages = signed_in(app, admin)
    for choice in (first.id, second.id, second.id, 0):
        assert pages.submit(deputy_url(setup, a), {"deputy": str(choice)}).status_code == 302
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("moderation.deputy_%")).order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.before["deputy"], e.after["deputy"]) for e in events] == [
        ("moderation.deputy_named", None, first.email),
        ("moderation.deputy_named", first.email, second.email),  # naming the same person again changes nothing
        ("moderation.deputy_removed", second.email, None),
    ]
    assert db.session.scalars(select(ModerationDeputy)).all() == []
    listing = parse(pages.client.get(f"/admin/campaigns/{setup.campaign.id}/panels/sift/deputies"))
    assert "An admin (no deputy chair)" in listing.select_one(f"tr[data-reference='{a.reference}']").get_text()


def test_a_deputy_chair_must_be_a_member_of_the_panel_without_a_conflict_and_not_the_chair(app, setup, admin):
    (a, b), criterion = setup.applications, setup.campaign.criteria[0]
    conflicted, outsider = setup.members[1], UserFactory(role="assessor", name="Not On The Panel")
    scoring.declare(conflicted, setup.campaign, a, "sift", True, "Neighbour.")
    other = sift_campaign(admin, applications=0, members=1)
    ((foreign_id, foreign),) = add_applications(other.campaign, 1, start=50)
    pages = signed_in(app, admin)
    choices = [
        label.get_text(strip=True)
        for label in parse(pages.client.get(deputy_url(setup, a))).select(".govuk-radios__label")
    ]
    assert choices == [
        f"{setup.members[0].name} ({setup.members[0].email})",
        "No deputy chair: an admin moderates this application",
    ]
    before = written()

    cases = {
        str(outsider.id): "Select a member of the sift panel",
        str(conflicted.id): f"{conflicted.name} has declared a conflict of interest with this candidate; select "
        "another member of the panel",
        str(setup.chair.id): "The chair has declared a conflict of interest with this candidate; select another "
        "member of the panel",
        "someone": "Select who moderates this application",
        "": "Select who moderates this application",
        str(2**70): "Select a member of the sift panel",
    }
    for value, message in cases.items():
        response = pages.submit(deputy_url(setup, a), {"deputy": value})
        assert response.status_code == 200, value
        assert error_messages(parse(response)) == [message], value
        assert parse(response).title.get_text().startswith("Error: ")
    # The chair moderates B, so B has no deputy to name.
    response = pages.submit(deputy_url(setup, b), {"deputy": str(setup.members[0].id)})
    assert error_messages(parse(response)) == [
        "The chair has not declared a conflict of interest with this candidate, so the chair moderates this application"
    ]
    # Another campaign's application is not reachable here, and the service refuses it in words.
    assert pages.client.get(deputy_url(setup, foreign)).status_code == 404
    assert (
        pages.submit(
            deputy_url(setup, foreign), {"deputy": str(setup.members[0].id)}, page=deputy_url(setup, a)
        ).status_code
        == 404
    )
    with pytest.raises(Refused, match="^This application is not at the sift of this campaign$"):
        moderators.name_deputy(
            admin, setup.campaign, "sift", db.session.get(Application, foreign_id), setup.members[0].id
        )
    with pytest.raises(Refused, match="^Only an admin names a deputy chair$"):
        moderators.name_deputy(setup.chair, setup.campaign, "sift", a, setup.members[0].id)
    db.session.rollback()
    assert written() == before

    # A deputy who declares a conflict afterwards moderates it no more.
    deputy = setup.members[0]
    moderators.name_deputy(admin, setup.campaign, "sift", a, deputy.id)
    scoring.declare(deputy, setup.campaign, a, "sift", True, "Recognised the example.")
    with pytest.raises(
        Refused,
        match="^You declared a conflict of interest with this candidate, so you cannot moderate their application$",
    ):
        agreement.agree(deputy, setup.campaign, a, criterion, "sift", 5, "")


# Applicants on the panel ---------------------------------------------------------------------------------


def test_a_candidate_made_an_assessor_cannot_be_put_on_the_panel_of_a_campaign_they_applied_to(app, admin):
    campaign = open_campaign(admin)
    applicant = UserFactory(role="candidate", name="Applied Already")
    applications.start(applicant, campaign)
    accounts.change_role(admin, applicant, "assessor")
    panel = campaign.panel("sift")
    chair, member = panel.chair, next(m.user for m in panel.members if not m.is_chair)
    pages = signed_in(app, admin)
    url = f"/admin/campaigns/{campaign.id}/panels/sift"
    before = written()

    response = pages.submit(url, {"chair": str(chair.id), "members": [str(member.id), str(applicant.id)]})
    assert error_messages(parse(response)) == ["Applied Already applied to this campaign, so cannot sit on its panel"]
    response = pages.submit(url, {"chair": str(applicant.id), "members": [str(member.id)]})
    assert error_messages(parse(response)) == ["Applied Already applied to this campaign, so cannot sit on its panel"]
    db.session.expire_all()
    assert sorted(m.user_id for m in campaign.panel("sift").members) == sorted([chair.id, member.id])
    assert written() == before
    # Another campaign's panel is open to them.
    elsewhere = open_campaign(admin)
    response = pages.submit(
        f"/admin/campaigns/{elsewhere.id}/panels/sift",
        {"chair": str(elsewhere.panel("sift").chair.id), "members": [str(applicant.id)]},
    )
    assert response.status_code == 302


def test_an_applicant_cannot_score_even_when_a_panel_membership_exists(app, admin):
    setup = sift_campaign(admin, applications=2, members=1, keep_criteria=1)
    own, other = setup.applications
    applicant = own.candidate
    accounts.change_role(admin, applicant, "assessor")
    # Made outside the panel page, which refuses it.
    db.session.add(PanelMember(panel_id=setup.campaign.panel("sift").id, user_id=applicant.id, is_chair=False))
    db.session.commit()
    criterion = setup.campaign.criteria_at("sift")[0]
    browser = signed_in(app, applicant)
    before = written()

    for application in (own, other):
        url = f"/assess/{setup.campaign.id}/sift/{application.reference}/{criterion.code}"
        html = browser.client.get(url).get_data(as_text=True)
        held = {"csrf_token": csrf_token_from(html), "version": "0"}
        response = browser.client.post(
            url, data={**held, "value": "7", "rationale": "Excellent.", "submit_score": "Submit score"}
        )
        assert response.status_code == 200
        assert error_messages(parse(response)) == ["You applied to this campaign, so you take no part in assessing it"]
        with pytest.raises(Refused, match="^You applied to this campaign, so you take no part in assessing it$"):
            score(applicant, setup, application, criterion.code, 7)
        db.session.rollback()
    assert written() == before
    assert db.session.scalar(select(func.count()).select_from(Score).where(Score.assessor_id == applicant.id)) == 0


# The rule itself -----------------------------------------------------------------------------------------


def test_who_may_moderate_each_application_and_what_everyone_else_is_told(setup, admin):
    (a, b), (deputy, other) = setup.applications, setup.members
    moderators.name_deputy(admin, setup.campaign, "sift", a, deputy.id)
    outsider = UserFactory(role="assessor")

    def answers(application, action):
        people = {"chair": setup.chair, "admin": admin, "deputy": deputy, "member": other, "outsider": outsider}
        return {
            name: moderators.refusal(person, setup.campaign, "sift", application, action)
            for name, person in people.items()
        }

    assert answers(a, "agree") == {
        "chair": CONFLICTED_CHAIR,
        "admin": None,
        "deputy": None,
        "member": "Only the panel's chair can moderate this stage",
        "outsider": "Only the panel's chair can moderate this stage",
    }
    assert answers(a, "feedback")["member"] == "Only the panel's chair writes feedback"
    # B's chair has no conflict: the chair moderates it, and A's deputy has no say in it. Admins reopen anything.
    assert answers(b, "agree") == {
        "chair": None,
        "admin": "Only the panel's chair can moderate this stage",
        "deputy": "Only the panel's chair can moderate this stage",
        "member": "Only the panel's chair can moderate this stage",
        "outsider": "Only the panel's chair can moderate this stage",
    }
    assert answers(b, "reopen") == {
        "chair": None,
        "admin": None,
        "deputy": "Only the chair or an admin can reopen an agreed score",
        "member": "Only the chair or an admin can reopen an agreed score",
        "outsider": "Only the chair or an admin can reopen an agreed score",
    }
