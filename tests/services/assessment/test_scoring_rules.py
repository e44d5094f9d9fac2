"""Each scoring and moderation rule of the sift (DESIGN §6): what it says when it refuses, and that a
refusal changes nothing."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from recruit.extensions import db
from recruit.models import (
    AgreedScore,
    AgreedScoreVersion,
    Application,
    AuditEvent,
    Conflict,
    Score,
    ScoreVersion,
    StatusChange,
)
from recruit.services.assessment import agreement, results, scoring
from recruit.services.assessment.board import load_items
from recruit.services.assessment.scoring import LOCKED, STALE, ScoreInput
from recruit.services.campaigns import setup as campaigns
from recruit.services.campaigns import status as campaign_status
from recruit.services.campaigns.criteria import update_criterion
from recruit.services.campaigns.stages import presift_active, stage_criteria, stage_record
from recruit.services.errors import Refused
from recruit.services.records import audit
from tests.factories import score, sift_campaign
from tests.helpers import Forms, csrf_token_from, error_messages, parse, signed_in


@pytest.fixture
def setup(admin):
    """Chair, member 1 and member 2; applications A and B; two criteria, each with pass mark 4."""
    return sift_campaign(admin, applications=2, members=2, keep_criteria=2)


def score_url(setup, application, criterion) -> str:
    return f"/assess/{setup.campaign.id}/sift/{application.reference}/{criterion.code}"


def item_url(setup, application, criterion) -> str:
    return f"/moderate/{setup.campaign.id}/sift/items/{application.reference}/{criterion.code}"


def open_score_page(browser: Forms, url: str) -> dict:
    """What a browser holds after loading the scoring page: its CSRF token and the score's version."""
    html = browser.client.get(url).get_data(as_text=True)
    version = BeautifulSoup(html, "html.parser").select_one("input[name=version]")["value"]
    return {"csrf_token": csrf_token_from(html), "version": version}


def token(browser: Forms, url: str) -> str:
    return csrf_token_from(browser.client.get(url).get_data(as_text=True))


def send(
    browser: Forms,
    url: str,
    held: dict,
    value=None,
    rationale="",
    submit=True,
    effective=(),
    ineffective=(),
    confirm=False,
):
    data = {
        **held,
        "rationale": rationale,
        "effective": [str(i) for i in effective],
        "ineffective": [str(i) for i in ineffective],
        ("submit_score" if submit else "save_draft"): "Submit score" if submit else "Save as draft",
    }
    if value is not None:
        data["value"] = str(value)
    if confirm:
        data["confirm"] = "y"
    return browser.client.post(url, data=data)


def fill_in(browser: Forms, url: str, **fields):
    return send(browser, url, open_score_page(browser, url), **fields)


def counts() -> dict[str, int]:
    """Rows of everything scoring and moderation write (audit entries other than signing in and the record of a
    refused request, access.denied, which a refusal writes on purpose)."""
    tables = {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Score, ScoreVersion, AgreedScore, AgreedScoreVersion, Conflict)
    }
    tables["audit_events"] = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action.not_like("sign_in.%"), AuditEvent.action != "access.denied")
    )
    return tables


def stored(user, application, criterion) -> Score | None:
    db.session.expire_all()
    return scoring.own_score(user, application, criterion, "sift")


def all_score(setup, application, criterion, values):
    for assessor, value in zip(setup.assessors, values):
        score(assessor, setup, application, criterion.code, value)


def indicators(criterion):
    return scoring.indicator_choices(criterion)


# Independent scoring ---------------------------------------------------------------------------------------


def test_a_score_is_a_draft_until_it_is_submitted(app, setup):
    application, criterion = setup.applications[0], setup.campaign.criteria[0]
    member = signed_in(app, setup.members[0])
    url = score_url(setup, application, criterion)

    response = fill_in(member, url, value=5, submit=False)
    assert response.status_code == 302
    draft = stored(setup.members[0], application, criterion)
    assert (draft.status, draft.value, draft.rationale, draft.submitted_at) == ("draft", 5, "", None)
    page = parse(member.client.get(f"/assess/{setup.campaign.id}/sift/{application.reference}"))
    assert page.select("#criteria tbody tr td")[1].get_text(strip=True) == "Draft"
    # A draft does not count towards the item.
    item = load_items(setup.campaign, "sift", [application], [criterion])[0]
    assert item.state.scores == ()

    response = fill_in(member, url, value=5, rationale="Two clear examples of leading a team.")
    assert response.status_code == 302
    submitted = stored(setup.members[0], application, criterion)
    assert (submitted.status, submitted.value, submitted.id) == ("submitted", 5, draft.id)
    assert submitted.submitted_at is not None
    page = parse(member.client.get(f"/assess/{setup.campaign.id}/sift/{application.reference}"))
    assert page.select("#criteria tbody tr td")[1].get_text(strip=True) == "Submitted: 5"
    assert [(v.status, v.value) for v in submitted.history] == [("draft", 5), ("submitted", 5)]
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.record_type == "score", AuditEvent.record_id == str(draft.id))
    ).all()
    assert sorted(actions) == ["score.draft_saved", "score.submitted"]


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"rationale": "Good evidence."}, "Select a score"),
        ({"value": 5, "rationale": "   "}, "Enter your rationale for the score"),
    ],
)
def test_submitting_needs_a_score_and_a_rationale(app, setup, fields, message):
    application, criterion = setup.applications[0], setup.campaign.criteria[0]
    member = signed_in(app, setup.members[0])
    before = counts()
    response = fill_in(member, score_url(setup, application, criterion), **fields)
    page = parse(response)
    assert response.status_code == 200
    assert error_messages(page) == [message]
    assert page.title.get_text().startswith("Error: ")
    assert counts() == before
    if "value" in fields:
        assert page.select_one("input[name=value][checked]")["value"] == "5"
    with pytest.raises(Refused) as refused:
        scoring.save(
            setup.members[0],
            setup.campaign,
            application,
            criterion,
            "sift",
            ScoreInput(fields.get("value"), [], fields["rationale"]),
            submit=True,
            version=None,
        )
    assert refused.value.message == message
    db.session.rollback()
    assert counts() == before


@pytest.mark.parametrize("value", [0, 8, -1])
@pytest.mark.parametrize("submit", [True, False])
def test_a_value_off_the_scale_is_refused(app, setup, value, submit):
    application, criterion = setup.applications[0], setup.campaign.criteria[0]
    before = counts()
    with pytest.raises(Refused) as refused:
        scoring.save(
            setup.chair,
            setup.campaign,
            application,
            criterion,
            "sift",
            ScoreInput(value, [], "Rationale."),
            submit=submit,
            version=None,
        )
    assert (refused.value.message, refused.value.field) == ("Select a score", "value")
    db.session.rollback()
    response = fill_in(
        signed_in(app, setup.chair),
        score_url(setup, application, criterion),
        value=value,
        rationale="Rationale.",
        submit=submit,
    )
    assert error_messages(parse(response)) == ["Select a valid score"]
    assert counts() == before


def test_only_the_required_levels_indicators_can_be_ticked(app, setup):
    application, (criterion, other) = setup.applications[0], setup.campaign.criteria
    competency, level = criterion.competency, criterion.level.number
    another_level = next(n for n in competency.level_numbers_with_indicators() if n != level)
    foreign = [competency.indicators_at(another_level)["effective"][0].id, indicators(other)["effective"][0].id]
    browser = signed_in(app, setup.chair)
    before = counts()
    for indicator in foreign:
        with pytest.raises(Refused, match="^Tick only the indicators shown for this criterion$"):
            scoring.save(
                setup.chair,
                setup.campaign,
                application,
                criterion,
                "sift",
                ScoreInput(5, [indicators(criterion)["effective"][0].id, indicator], "Rationale."),
                submit=True,
                version=None,
            )
        db.session.rollback()
        response = fill_in(
            browser, score_url(setup, application, criterion), value=5, rationale="Rationale.", effective=[indicator]
        )
        assert error_messages(parse(response)) == ["Tick only the indicators shown for this criterion"]
    assert counts() == before
    shown = indicators(criterion)
    fill_in(
        browser,
        score_url(setup, application, criterion),
        value=5,
        rationale="Rationale.",
        effective=[shown["effective"][0].id],
        ineffective=[shown["ineffective"][1].id],
    )
    assert stored(setup.chair, application, criterion).ticked == sorted(
        [shown["effective"][0].id, shown["ineffective"][1].id]
    )


@pytest.mark.parametrize(
    "value, effective, ineffective, prompt",
    [
        (
            6,
            1,
            2,
            "You scored 6 but ticked more ineffective indicators (2) than effective ones (1). "
            "Confirm this is the score you mean.",
        ),
        (
            7,
            0,
            1,
            "You scored 7 but ticked more ineffective indicators (1) than effective ones (0). "
            "Confirm this is the score you mean.",
        ),
        (2, 2, 0, "You scored 2 but ticked only effective indicators (2). Confirm this is the score you mean."),
        (1, 1, 0, "You scored 1 but ticked only effective indicators (1). Confirm this is the score you mean."),
    ],
)
def test_ticks_that_contradict_the_score_ask_for_confirmation(app, setup, value, effective, ineffective, prompt):
    application, criterion = setup.applications[0], setup.campaign.criteria[0]
    shown = indicators(criterion)
    ticks = {
        "effective": [i.id for i in shown["effective"][:effective]],
        "ineffective": [i.id for i in shown["ineffective"][:ineffective]],
    }
    browser = signed_in(app, setup.members[0])
    url = score_url(setup, application, criterion)
    held = open_score_page(browser, url)
    before = counts()

    page = parse(send(browser, url, held, value=value, rationale="What I saw.", **ticks))
    assert page.select_one("#consistency-prompt").get_text(" ", strip=True) == f"! Warning {prompt}"
    assert page.select_one("input[name=confirm]") is not None
    assert page.select_one("input[name=value][checked]")["value"] == str(value)
    assert page.select_one("textarea[name=rationale]").get_text() == "What I saw."
    assert counts() == before

    response = send(browser, url, held, value=value, rationale="What I saw.", confirm=True, **ticks)
    assert response.status_code == 302
    saved = stored(setup.members[0], application, criterion)
    assert (saved.status, saved.value, saved.ticked) == (
        "submitted",
        value,
        sorted(ticks["effective"] + ticks["ineffective"]),
    )


@pytest.mark.parametrize(
    "value, effective, ineffective",
    [
        (6, 1, 1),  # as many effective as ineffective
        (5, 0, 3),  # below 6
        (3, 3, 0),  # above 2
        (2, 1, 1),  # not only effective
        (2, 0, 0),  # nothing ticked
    ],
)
def test_ticks_that_fit_the_score_need_no_confirmation(app, setup, value, effective, ineffective):
    application, criterion = setup.applications[0], setup.campaign.criteria[0]
    shown = indicators(criterion)
    ticks = {
        "effective": [i.id for i in shown["effective"][:effective]],
        "ineffective": [i.id for i in shown["ineffective"][:ineffective]],
    }
    response = fill_in(
        signed_in(app, setup.chair),
        score_url(setup, application, criterion),
        value=value,
        rationale="What I saw.",
        **ticks,
    )
    assert response.status_code == 302
    assert stored(setup.chair, application, criterion).status == "submitted"


def test_a_submitted_score_can_be_changed_until_the_item_is_agreed_then_it_is_locked(app, setup):
    application, criterion = setup.applications[0], setup.campaign.criteria[0]
    member = signed_in(app, setup.members[0])
    url = score_url(setup, application, criterion)
    fill_in(member, url, value=5, rationale="First reading.")
    page = parse(member.client.get(url))
    assert "You can change it until the chair agrees the item" in page.select_one("#submitted-note").get_text()
    assert fill_in(member, url, value=4, rationale="Second reading.").status_code == 302
    assert (
        stored(setup.members[0], application, criterion).value,
        stored(setup.members[0], application, criterion).rationale,
    ) == (4, "Second reading.")

    score(setup.chair, setup, application, criterion.code, 4)
    score(setup.members[1], setup, application, criterion.code, 4)
    agreement.agree(setup.chair, setup.campaign, application, criterion, "sift", 4, "")

    page = parse(member.client.get(url))
    assert page.select_one("[aria-labelledby=locked-title] .govuk-notification-banner__heading").get_text(
        strip=True
    ) == ("The chair has agreed a score for this item. Scores are locked.")
    assert page.select("button[name=submit_score], button[name=save_draft], input[type=submit]") == []
    before = counts()
    response = fill_in(member, url, value=6, rationale="Third reading.")
    assert error_messages(parse(response)) == [LOCKED]
    assert counts() == before
    assert stored(setup.members[0], application, criterion).value == 4
    with pytest.raises(Refused, match=LOCKED):
        score(setup.members[0], setup, application, criterion.code, 6)


def test_a_change_to_a_submitted_score_must_still_be_complete(app, setup):
    """Saving a submitted score "as draft" keeps it submitted, so it must still have a score and a rationale."""
    application, criterion = setup.applications[0], setup.campaign.criteria[0]
    member = signed_in(app, setup.members[0])
    url = score_url(setup, application, criterion)
    fill_in(member, url, value=5, rationale="First reading.")
    before = counts()
    response = fill_in(member, url, rationale="", submit=False)
    assert error_messages(parse(response)) == ["Select a score"]
    response = fill_in(member, url, value=5, rationale="", submit=False)
    assert error_messages(parse(response)) == ["Enter your rationale for the score"]
    assert counts() == before
    assert fill_in(member, url, value=3, rationale="Looked again.", submit=False).status_code == 302
    saved = stored(setup.members[0], application, criterion)
    assert (saved.status, saved.value) == ("submitted", 3)


# Concurrency ---------------------------------------------------------------------------------------------


def test_a_stale_save_says_so_and_keeps_what_was_typed(app, setup):
    application, criterion = setup.applications[0], setup.campaign.criteria[0]
    url = score_url(setup, application, criterion)
    laptop, phone = signed_in(app, setup.members[0]), signed_in(app, setup.members[0])
    on_laptop, on_phone = open_score_page(laptop, url), open_score_page(phone, url)

    assert send(laptop, url, on_laptop, value=5, rationale="Typed on the laptop.").status_code == 302
    before = counts()
    response = send(phone, url, on_phone, value=3, rationale="Typed on the phone.")
    page = parse(response)
    assert response.status_code == 200
    assert error_messages(page) == [STALE]
    assert page.select_one("textarea[name=rationale]").get_text() == "Typed on the phone."
    assert page.select_one("input[name=value][checked]")["value"] == "3"
    assert counts() == before
    saved = stored(setup.members[0], application, criterion)
    assert (saved.value, saved.rationale) == (5, "Typed on the laptop.")

    # Having checked, saving again from the same page works.
    again = {"csrf_token": on_phone["csrf_token"], "version": page.select_one("input[name=version]")["value"]}
    assert send(phone, url, again, value=3, rationale="Typed on the phone.").status_code == 302
    assert stored(setup.members[0], application, criterion).value == 3


def test_a_double_post_of_a_submit_stores_one_score(app, setup):
    application, criterion = setup.applications[0], setup.campaign.criteria[0]
    url = score_url(setup, application, criterion)
    member = signed_in(app, setup.members[0])
    held = open_score_page(member, url)
    first = send(member, url, held, value=5, rationale="Submitted twice.")
    second = send(member, url, held, value=5, rationale="Submitted twice.")
    assert (first.status_code, second.status_code) == (302, 302)
    rows = db.session.scalars(select(Score).where(Score.application_id == application.id)).all()
    assert [(s.assessor_id, s.value, s.status) for s in rows] == [(setup.members[0].id, 5, "submitted")]
    assert len(rows[0].history) == 1
    assert (
        db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "score.submitted"))
        == 1
    )


# Moderation ----------------------------------------------------------------------------------------------


def test_an_item_cannot_be_agreed_before_every_non_conflicted_assessor_has_submitted(app, setup):
    application, criterion = setup.applications[0], setup.campaign.criteria[0]
    score(setup.chair, setup, application, criterion.code, 5)
    score(setup.members[0], setup, application, criterion.code, 5)
    score(setup.members[1], setup, application, criterion.code, 5, submit=False)  # a draft does not count
    before = counts()
    with pytest.raises(
        Refused, match="^Every assessor without a conflict must submit a score before the item can be agreed$"
    ):
        agreement.agree(setup.chair, setup.campaign, application, criterion, "sift", 5, "")
    chair = signed_in(app, setup.chair)
    page = parse(chair.client.get(item_url(setup, application, criterion)))
    assert page.select_one("#item-summary dd").get_text(strip=True) == "Awaiting scores"
    assert page.select_one("input[name=rationale], textarea[name=rationale]") is None
    response = chair.submit(item_url(setup, application, criterion), {"value": "5", "rationale": "Agreed."})
    assert response.status_code == 200
    assert error_messages(parse(response)) == [
        "Every assessor without a conflict must submit a score before the item can be agreed"
    ]
    assert counts() == before

    # Member 2 recognises the candidate: the two submitted scores are now all there is to wait for.
    scoring.declare(setup.members[1], setup.campaign, application, "sift", True, "My neighbour.")
    agreed = agreement.agree(setup.chair, setup.campaign, application, criterion, "sift", 5, "")
    assert (agreed.value, agreed.proposal, agreed.status) == (5, 5, "agreed")


@pytest.mark.parametrize(
    "values, value, message",
    [
        ((4, 6, 5), 5, "Enter the rationale for the agreed score: this item is discrepant"),  # spread 2
        ((3, 4, 4), 4, "Enter the rationale for the agreed score: this item is discrepant"),  # straddles 4
        ((5, 5, 6), 6, "Enter the rationale for the agreed score: the agreed score differs from the proposal"),
    ],
)
def test_agreeing_needs_a_rationale_for_a_discrepant_item_and_for_any_change(app, setup, values, value, message):
    application, criterion = setup.applications[0], setup.campaign.criteria[0]
    all_score(setup, application, criterion, values)
    before = counts()
    with pytest.raises(Refused) as refused:
        agreement.agree(setup.chair, setup.campaign, application, criterion, "sift", value, "  ")
    assert (refused.value.message, refused.value.field) == (message, "rationale")
    chair = signed_in(app, setup.chair)
    response = chair.submit(item_url(setup, application, criterion), {"value": str(value), "rationale": ""})
    assert error_messages(parse(response)) == [message]
    assert counts() == before
    agreed = agreement.agree(setup.chair, setup.campaign, application, criterion, "sift", value, "Discussed.")
    assert (agreed.value, agreed.rationale) == (value, "Discussed.")


def test_a_proposal_that_is_not_discrepant_is_agreed_without_a_rationale(setup):
    application, criterion = setup.applications[0], setup.campaign.criteria[0]
    all_score(setup, application, criterion, (5, 5, 6))
    agreed = agreement.agree(setup.chair, setup.campaign, application, criterion, "sift", 5, "")
    assert (agreed.value, agreed.proposal, agreed.discrepant, agreed.rationale) == (5, 5, False, "")


def test_only_the_chair_agrees(app, setup):
    application, criterion = setup.applications[0], setup.campaign.criteria[0]
    all_score(setup, application, criterion, (5, 5, 5))
    before = counts()
    for person in (setup.members[0], setup.admin):
        with pytest.raises(Refused, match="^Only the panel's chair can moderate this stage$"):
            agreement.agree(person, setup.campaign, application, criterion, "sift", 5, "")
    member = signed_in(app, setup.members[0])
    csrf = token(member, score_url(setup, application, criterion))
    assert (
        member.client.post(item_url(setup, application, criterion), data={"csrf_token": csrf, "value": "5"}).status_code
        == 403
    )
    assert counts() == before


def test_bulk_confirmation_skips_discrepant_items_and_those_still_awaiting_scores(app, setup):
    (a, b), (first, second) = setup.applications, setup.campaign.criteria
    all_score(setup, a, first, (5, 5, 6))  # proposal 5: confirmed
    all_score(setup, a, second, (4, 6, 5))  # spread 2: discrepant
    all_score(setup, b, first, (3, 4, 4))  # straddles the pass mark: discrepant
    score(setup.chair, setup, b, second.code, 5)  # two still to score
    chair = signed_in(app, setup.chair)
    board = f"/moderate/{setup.campaign.id}/sift"
    response = chair.submit(f"{board}/confirm-all", page=board, follow_redirects=True)
    assert (
        parse(response)
        .select_one(".govuk-notification-banner")
        .get_text(" ", strip=True)
        .endswith("1 proposed scores confirmed. Discrepant items need an agreed score with a rationale.")
    )
    rows = db.session.scalars(select(AgreedScore)).all()
    assert [(r.application_id, r.criterion_id, r.value, r.rationale) for r in rows] == [(a.id, first.id, 5, "")]
    assert rows[0].history[0].action == "agreed"
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "moderation.bulk_confirmed")
        )
        == 1
    )
    # Confirming again finds nothing more to confirm.
    assert agreement.confirm_all_proposals(setup.chair, setup.campaign, "sift", setup.applications) == 0


def test_a_moderation_decision_and_its_audit_entry_commit_together(setup, monkeypatch):
    (a, b), criterion = setup.applications, setup.campaign.criteria[0]
    all_score(setup, a, criterion, (5, 5, 5))
    all_score(setup, b, criterion, (4, 4, 4))
    before = counts()
    recorded = audit.record

    def failing(action, *args, **kwargs):
        if action.startswith("moderation."):
            recorded(action, *args, **kwargs)
            raise RuntimeError("the audit log is unavailable")
        return recorded(action, *args, **kwargs)

    monkeypatch.setattr(audit, "record", failing)
    with pytest.raises(RuntimeError):
        agreement.agree(setup.chair, setup.campaign, a, criterion, "sift", 5, "")
    db.session.rollback()
    assert counts() == before
    with pytest.raises(RuntimeError):
        agreement.confirm_all_proposals(setup.chair, setup.campaign, "sift", setup.applications)
    db.session.rollback()
    assert counts() == before
    assert db.session.scalars(select(AgreedScore)).all() == []

    monkeypatch.setattr(audit, "record", recorded)
    assert agreement.confirm_all_proposals(setup.chair, setup.campaign, "sift", setup.applications) == 2
    assert counts()["agreed_scores"] == 2 and counts()["audit_events"] == before["audit_events"] + 2


# Reopening and history -----------------------------------------------------------------------------------


def test_reopening_needs_the_chair_or_an_admin_and_a_reason_and_is_kept_in_the_history(app, setup, admin):
    application, criterion = setup.applications[0], setup.campaign.criteria[0]
    all_score(setup, application, criterion, (5, 5, 5))
    agreed = agreement.agree(setup.chair, setup.campaign, application, criterion, "sift", 5, "")
    reopen_url = item_url(setup, application, criterion) + "/reopen"
    before = counts()

    with pytest.raises(Refused, match="^Only the chair or an admin can reopen an agreed score$"):
        agreement.reopen(setup.members[0], setup.campaign, agreed, "Wrong application.")
    member = signed_in(app, setup.members[0])
    csrf = token(member, score_url(setup, application, criterion))
    assert member.client.post(reopen_url, data={"csrf_token": csrf, "reason": "Wrong application."}).status_code == 403
    with pytest.raises(Refused, match="^Enter the reason for reopening$"):
        agreement.reopen(setup.chair, setup.campaign, agreed, "   ")
    chair = signed_in(app, setup.chair)
    response = chair.submit(
        reopen_url, {"reason": ""}, page=item_url(setup, application, criterion), follow_redirects=True
    )
    assert "Enter the reason for reopening" in parse(response).select_one(".govuk-notification-banner").get_text()
    db.session.expire_all()
    assert counts() == before and agreed.status == "agreed"

    admin_pages = signed_in(app, admin)
    response = admin_pages.submit(
        reopen_url, {"reason": "The member scored the wrong statement."}, page=item_url(setup, application, criterion)
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert agreed.status == "reopened"
    assert [(v.action, v.value, v.reason, v.by_id) for v in agreed.history] == [
        ("agreed", 5, "", setup.chair.id),
        ("reopened", 5, "The member scored the wrong statement.", admin.id),
    ]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "moderation.reopened"))
    assert (event.actor_id, event.after["reason"]) == (admin.id, "The member scored the wrong statement.")

    # Open again: the author can change the score, and the chair agrees again.
    score(setup.members[0], setup, application, criterion.code, 3, rationale="Scored the right statement.")
    again = agreement.agree(setup.chair, setup.campaign, application, criterion, "sift", 4, "Rescored.")
    assert (again.id, again.value, again.status) == (agreed.id, 4, "agreed")


def test_every_version_of_a_score_and_of_an_agreed_score_is_kept(app, setup, admin):
    application, criterion = setup.applications[0], setup.campaign.criteria[0]
    member = setup.members[0]
    score(member, setup, application, criterion.code, 4, rationale="Draft thoughts.", submit=False)
    score(member, setup, application, criterion.code, 5, rationale="Submitted.")
    score(member, setup, application, criterion.code, 6, rationale="Changed my mind.")
    score(setup.chair, setup, application, criterion.code, 6)
    score(setup.members[1], setup, application, criterion.code, 6)
    agreed = agreement.agree(setup.chair, setup.campaign, application, criterion, "sift", 6, "")
    agreement.reopen(setup.chair, setup.campaign, agreed, "Check the evidence again.")
    agreement.agree(setup.chair, setup.campaign, application, criterion, "sift", 5, "On reflection, good not strong.")

    versions = db.session.scalars(
        select(ScoreVersion).join(Score).where(Score.assessor_id == member.id).order_by(ScoreVersion.id)
    ).all()
    assert [(v.version, v.status, v.value, v.rationale) for v in versions] == [
        (1, "draft", 4, "Draft thoughts."),
        (2, "submitted", 5, "Submitted."),
        (3, "submitted", 6, "Changed my mind."),
    ]
    assert [(v.action, v.value) for v in db.session.scalars(select(AgreedScoreVersion))] == [
        ("agreed", 6),
        ("reopened", 6),
        ("agreed", 5),
    ]

    def history(user) -> tuple[list[list[str]], list[list[str]]]:
        page = parse(signed_in(app, user).client.get(item_url(setup, application, criterion) + "/history"))
        return tuple(
            [[td.get_text(strip=True) for td in tr.select("td")][1:] for tr in page.select(f"#{table} tbody tr")]
            for table in ("score-history", "agreed-history")
        )

    everything = [
        ["Member 1", "draft", "4", "Draft thoughts."],
        ["Member 1", "submitted", "5", "Submitted."],
        ["Member 1", "submitted", "6", "Changed my mind."],
        ["Chair Person", "submitted", "6", "Meets the indicators."],
        ["Member 2", "submitted", "6", "Meets the indicators."],
    ]
    agreed_rows = [
        ["Chair Person", "agreed", "6", ""],
        ["Chair Person", "reopened", "6", "Check the evidence again."],
        ["Chair Person", "agreed", "5", "On reflection, good not strong."],
    ]
    assert history(admin) == (everything, agreed_rows)
    # The chair sees the others' submitted versions, never their drafts.
    assert history(setup.chair) == (everything[1:], agreed_rows)


# Pre-sift ------------------------------------------------------------------------------------------------


def lead_on_second(admin):
    def change(campaign):
        criterion = campaign.criteria[1]
        update_criterion(
            admin,
            criterion,
            level=None,
            at_sift=True,
            at_interview=criterion.at_interview,
            weight=1,
            pass_mark=4,
            word_limit=criterion.word_limit,
            is_lead=True,
        )
        # An overall pass mark no single criterion can reach: the pre-sift must not apply it.
        campaigns.update_settings(
            admin,
            campaign,
            scale=campaign.scale,
            discrepancy_threshold=2,
            overall_pass_mark=12,
            presift_threshold=campaign.presift_threshold,
        )

    return change


def test_no_presift_when_there_are_no_more_applications_than_the_threshold(admin):
    setup = sift_campaign(admin, applications=3, keep_criteria=2, presift_threshold=3, configure=lead_on_second(admin))
    assert not presift_active(setup.campaign, "sift")
    assert stage_criteria(setup.campaign, "sift") == list(setup.campaign.criteria)


def test_a_presift_scores_only_the_lead_and_finishing_it_removes_those_failing_the_lead(app, admin):
    setup = sift_campaign(admin, applications=3, keep_criteria=2, presift_threshold=2, configure=lead_on_second(admin))
    campaign, (a, b, c) = setup.campaign, setup.applications
    first, lead = campaign.criteria
    assert presift_active(campaign, "sift") and stage_criteria(campaign, "sift") == [lead]
    with pytest.raises(Refused, match="^This criterion is not being scored now$"):
        score(setup.chair, setup, a, first.code, 5)
    member = signed_in(app, setup.members[0])
    assert member.client.get(score_url(setup, a, first)).status_code == 404
    page = parse(member.client.get(f"/assess/{campaign.id}/sift"))
    assert page.select_one("h1").get_text(strip=True) == f"Sift: pre-sift on {lead.name}"

    with pytest.raises(Refused, match="^Agree every pre-sift score first: 3 still to agree$"):
        results.finish_presift(setup.chair, campaign)
    for application, values in ((a, (5, 5, 5)), (b, (3, 3, 3)), (c, (4, 4, 4))):
        all_score(setup, application, lead, values)
    assert agreement.confirm_all_proposals(setup.chair, campaign, "sift", setup.applications) == 3
    outcome = results.compute(campaign, "sift")
    assert outcome.criteria == [lead]
    assert {r.key.id: (r.total, r.passed) for r in outcome.results} == {
        a.id: (5, True),
        b.id: (3, False),
        c.id: (4, True),
    }

    with pytest.raises(Refused, match="^Only the chair or an admin can finish the pre-sift$"):
        results.finish_presift(setup.members[0], campaign)
    assert results.finish_presift(setup.chair, campaign) == 1
    db.session.expire_all()
    assert [db.session.get(Application, x.id).status for x in (a, b, c)] == ["submitted", "presift_failed", "submitted"]
    assert not presift_active(campaign, "sift")
    assert stage_criteria(campaign, "sift") == [first, lead]
    items = load_items(campaign, "sift", [a, c])
    assert [(i.criterion.code, i.state.status) for i in items] == [
        (first.code, "awaiting scores"),
        (lead.code, "agreed"),
    ] * 2
    with pytest.raises(Refused, match="^This application is not being scored at this stage$"):
        score(setup.chair, setup, b, first.code, 5)
    with pytest.raises(Refused, match="^There is no pre-sift running$"):
        results.finish_presift(setup.chair, campaign)
    page = parse(signed_in(app, setup.chair).client.get(f"/moderate/{campaign.id}/sift"))
    assert {row["data-item"].split("/")[0] for row in page.select("#board tbody tr[data-item]")} == {
        a.reference,
        c.reference,
    }


# Decision and sign-off -----------------------------------------------------------------------------------


def agree_everything(setup, values=(5, 5, 5)):
    for application in setup.applications:
        for criterion in setup.campaign.criteria:
            all_score(setup, application, criterion, values)
    agreement.confirm_all_proposals(setup.chair, setup.campaign, "sift", setup.applications)


def test_sign_off_is_refused_with_items_unagreed_and_for_anyone_but_the_chair(app, setup, admin):
    campaign = setup.campaign
    results_url = f"/moderate/{campaign.id}/sift/results"
    with pytest.raises(Refused, match="^Every item must be agreed before sign-off: 4 still to agree$"):
        results.sign_off(setup.chair, campaign, "sift")
    chair = signed_in(app, setup.chair)
    response = chair.submit(f"/moderate/{campaign.id}/sift/sign-off", page=results_url, follow_redirects=True)
    assert "4 still to agree" in parse(response).select_one(".govuk-notification-banner").get_text()

    agree_everything(setup)
    with pytest.raises(Refused, match="^The admin must record the sift decision before sign-off$"):
        results.sign_off(setup.chair, campaign, "sift")
    with pytest.raises(Refused, match="^Only an admin can make the sift decision$"):
        results.decide(setup.chair, campaign, "sift", "all_passing", None)
    results.decide(admin, campaign, "sift", "all_passing", None)
    for person in (setup.members[0], admin):
        with pytest.raises(Refused, match="^Only the panel's chair can sign off the stage$"):
            results.sign_off(person, campaign, "sift")
        browser = signed_in(app, person)
        csrf = token(
            browser, results_url if person is admin else score_url(setup, setup.applications[0], campaign.criteria[0])
        )
        assert (
            browser.client.post(f"/moderate/{campaign.id}/sift/sign-off", data={"csrf_token": csrf}).status_code == 403
        )
    db.session.expire_all()
    assert stage_record(campaign, "sift").signed_off_at is None

    response = chair.submit(f"/moderate/{campaign.id}/sift/sign-off", page=results_url, follow_redirects=True)
    assert parse(response).select_one("#signed-off").get_text(strip=True).startswith("Signed off by Chair Person")
    with pytest.raises(Refused, match="^This stage has already been signed off$"):
        results.sign_off(setup.chair, campaign, "sift")
    # Signed off: scores and agreed scores are closed.
    with pytest.raises(Refused, match="^Scoring for this stage is closed$"):
        score(setup.chair, setup, setup.applications[0], campaign.criteria[0].code, 6)
    agreed = db.session.scalars(select(AgreedScore)).first()
    with pytest.raises(Refused, match="can no longer be reopened"):
        agreement.reopen(admin, campaign, agreed, "Too late.")


def test_reopening_after_the_decision_withdraws_it(setup, admin):
    agree_everything(setup)
    results.decide(admin, setup.campaign, "sift", "all_passing", None)
    agreed = db.session.scalars(select(AgreedScore)).first()
    agreement.reopen(setup.chair, setup.campaign, agreed, "A score was entered against the wrong application.")
    db.session.expire_all()
    record = stage_record(setup.campaign, "sift")
    assert (record.decided_at, record.decision_rule) == (None, None)
    assert {a.status for a in setup.applications} == {"submitted"}
    with pytest.raises(Refused, match="^Every item must be agreed before sign-off: 1 still to agree$"):
        results.sign_off(setup.chair, setup.campaign, "sift")


def test_the_campaign_moves_to_interview_only_after_the_decision_and_sign_off(setup, admin):
    campaign = setup.campaign
    campaigns.set_panel(admin, campaign, "interview", setup.chair, setup.members)
    changes = db.session.scalar(select(func.count()).select_from(StatusChange))
    with pytest.raises(Refused) as refused:
        campaign_status.move(admin, campaign, "interview")
    assert refused.value.message == (
        "Record the sift decision: who goes on to interview; The sift panel's chair must sign off the sift"
    )
    agree_everything(setup, values=(5, 4, 4))
    results.decide(admin, campaign, "sift", "top_n", 1)
    with pytest.raises(Refused, match="^The sift panel's chair must sign off the sift$"):
        campaign_status.move(admin, campaign, "interview")
    db.session.expire_all()
    assert campaign.status == "sift"
    assert db.session.scalar(select(func.count()).select_from(StatusChange)) == changes
    results.sign_off(setup.chair, campaign, "sift")
    campaign_status.move(admin, campaign, "interview")
    assert campaign.status == "interview"
    assert {a.status for a in setup.applications} == {"sift_passed"}  # tied at the cut, both go on
