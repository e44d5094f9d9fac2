"""The status flow and what may change at each status: every guard is tried, shows its message,
and changes nothing."""

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import AuditEvent, Campaign, Criterion, ScoringScale
from recruit.services.assessment import results
from recruit.services.campaigns import criteria
from recruit.services.campaigns import setup as campaigns
from recruit.services.campaigns import status as campaign_status
from recruit.services.errors import Refused
from tests.factories import UserFactory, draft_campaign, open_campaign, ready_to_open
from tests.helpers import parse


def status_of(campaign) -> str:
    db.session.expire_all()
    return db.session.get(Campaign, campaign.id).status


def attempt(forms, campaign, target, reason=""):
    url = f"/admin/campaigns/{campaign.id}/status/{target}"
    page = parse(forms.client.get(url))
    problems = [li.get_text(" ", strip=True) for li in page.select("#status-problems li")]
    if problems:
        return problems
    response = forms.submit(url, {"reason": reason})
    return (
        [li.get_text(" ", strip=True) for li in parse(response).select(".govuk-error-summary li")]
        if response.status_code != 302
        else []
    )


def test_full_flow_is_recorded(forms, admin):
    forms.sign_in(admin)
    campaign = ready_to_open(admin, draft_campaign(admin))
    assert attempt(forms, campaign, "open") == []
    with time_machine.travel(utcnow() + timedelta(days=15)):
        forms.sign_in(admin)  # the earlier session has long expired
        assert attempt(forms, campaign, "closed") == []
        assert attempt(forms, campaign, "sift") == []
        campaigns.set_panel(admin, campaign, "interview", UserFactory(role="assessor"), [UserFactory(role="assessor")])
        assert attempt(forms, campaign, "interview") == [
            "Record the sift decision: who goes on to interview",
            "The sift panel's chair must sign off the sift",
        ]
        results.decide(admin, campaign, "sift", "all_passing", None)
        results.sign_off(campaign.panel("sift").chair, campaign, "sift")
        assert attempt(forms, campaign, "interview") == []
        assert attempt(forms, campaign, "complete") == ["The interview panel's chair must sign off the interview stage"]
        results.sign_off(campaign.panel("interview").chair, campaign, "interview")
        assert attempt(forms, campaign, "complete") == []
    db.session.expire_all()
    campaign = db.session.get(Campaign, campaign.id)
    assert [(c.from_status, c.to_status) for c in campaign.status_changes] == [
        (None, "draft"),
        ("draft", "open"),
        ("open", "closed"),
        ("closed", "sift"),
        ("sift", "interview"),
        ("interview", "complete"),
    ]
    moves = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "campaign.status_changed", AuditEvent.record_id == str(campaign.id))
        # In the order they happened: without ORDER BY, PostgreSQL may return rows in any order.
        .order_by(AuditEvent.id)
    ).all()
    assert [m.after["status"] for m in moves] == ["open", "closed", "sift", "interview", "complete"]


@pytest.mark.parametrize(
    "breakage, message",
    [
        ("no closing date", "Set a closing date and time"),
        ("closing date passed", "The closing date must be in the future"),
        ("no sift criteria", "Add at least one criterion assessed at the sift"),
        ("no sift chair", "Choose a chair for the sift panel"),
    ],
)
def test_opening_guards(forms, admin, breakage, message):
    campaign = draft_campaign(admin)
    if breakage != "no closing date":
        campaigns.set_closing(admin, campaign, utcnow() + timedelta(hours=1))
    if breakage != "no sift chair":
        campaigns.set_panel(admin, campaign, "sift", UserFactory(role="assessor"), [UserFactory(role="assessor")])
    if breakage == "no sift criteria":
        for item in list(campaign.criteria):
            criteria.remove_criterion(admin, item)
    with time_machine.travel(utcnow() + (timedelta(hours=2) if breakage == "closing date passed" else timedelta(0))):
        forms.sign_in(admin)
        assert message in attempt(forms, campaign, "open")
        # A forged POST is refused too.
        response = forms.submit(f"/admin/campaigns/{campaign.id}/status/open", page=f"/admin/campaigns/{campaign.id}")
        assert response.status_code == 400
    assert status_of(campaign) == "draft"


def test_panel_with_only_a_chair_cannot_open(admin):
    campaign = draft_campaign(admin)
    campaigns.set_closing(admin, campaign, utcnow() + timedelta(days=1))
    from recruit.models import PanelMember

    db.session.add(PanelMember(panel_id=campaign.panel("sift").id, user=UserFactory(role="assessor"), is_chair=True))
    db.session.commit()
    db.session.expire_all()
    with pytest.raises(Refused, match="Add at least one member to the sift panel as well as the chair"):
        campaign_status.move(admin, campaign, "open")


def test_cannot_close_before_the_closing_time(forms, admin):
    forms.sign_in(admin)
    campaign = open_campaign(admin)
    [problem] = attempt(forms, campaign, "closed")
    assert problem.startswith("Applications are open until ") and problem.endswith("close the campaign after that")
    assert status_of(campaign) == "open"


@pytest.mark.parametrize("target", ["closed", "sift", "interview", "complete"])
def test_skipping_a_status_is_refused(forms, admin, target):
    forms.sign_in(admin)
    campaign = draft_campaign(admin)
    assert attempt(forms, campaign, target) == [f"A draft campaign cannot move to {target}"]
    assert status_of(campaign) == "draft"


def test_interview_needs_interview_criteria_and_panel(admin):
    campaign = open_campaign(admin)
    with time_machine.travel(utcnow() + timedelta(days=15)):
        campaign_status.move(admin, campaign, "closed")
        campaign_status.move(admin, campaign, "sift")
        for item in campaign.criteria:
            item.at_interview = False
        db.session.commit()
        problems = campaign_status.problems_before(campaign, "interview")
    assert problems == [
        "Record the sift decision: who goes on to interview",
        "The sift panel's chair must sign off the sift",
        "Add at least one criterion assessed at interview",
        "Choose a chair for the interview panel",
    ]


def test_withdrawing_needs_a_reason_and_is_final(forms, admin):
    forms.sign_in(admin)
    campaign = open_campaign(admin)
    assert attempt(forms, campaign, "withdrawn", reason="") == ["Enter the reason for withdrawing the campaign"]
    assert status_of(campaign) == "open"
    assert attempt(forms, campaign, "withdrawn", reason="Funding withdrawn") == []
    assert status_of(campaign) == "withdrawn"
    assert attempt(forms, campaign, "withdrawn", reason="again") == ["A withdrawn campaign cannot be withdrawn"]
    with pytest.raises(Refused, match="This campaign is withdrawn; it can no longer be changed"):
        campaigns.update_details(admin, campaign, campaigns.Details("X", "Y", "Z", 1, "D"))


def test_unknown_status_target_is_not_found(forms, client, admin):
    forms.sign_in(admin)
    campaign = draft_campaign(admin)
    assert client.get(f"/admin/campaigns/{campaign.id}/status/launched").status_code == 404


# What may change once open ----------------------------------------------------------------------


def refused(call, message):
    with pytest.raises(Refused) as error:
        call()
    assert error.value.message == message
    db.session.rollback()


SIFT_FIXED = "Sift criteria cannot change once the campaign is open: candidates are writing evidence against them"


def test_open_campaign_keeps_its_sift_criteria_and_scale(admin):
    campaign = open_campaign(admin)
    item = campaign.criteria[0]
    before = [criteria._snapshot(c) for c in campaign.criteria]
    seeing = next(c for c in campaign.framework.competencies if c.slug == "seeing-the-big-picture")
    refused(
        lambda: criteria.add_competency(admin, campaign, seeing, campaign.framework.level(2), True, False), SIFT_FIXED
    )
    refused(lambda: criteria.add_own_criterion(admin, campaign, "Experience", "Some", True, True), SIFT_FIXED)
    refused(lambda: criteria.remove_criterion(admin, item), SIFT_FIXED)
    refused(
        lambda: criteria.update_criterion(
            admin,
            item,
            level=campaign.framework.level(3),
            at_sift=True,
            at_interview=True,
            weight=1,
            pass_mark=4,
            word_limit=250,
            is_lead=False,
        ),
        SIFT_FIXED,
    )
    refused(
        lambda: criteria.update_criterion(
            admin,
            item,
            level=item.level,
            at_sift=True,
            at_interview=True,
            weight=1,
            pass_mark=4,
            word_limit=100,
            is_lead=False,
        ),
        SIFT_FIXED,
    )
    refused(
        lambda: criteria.move_criterion(admin, item, 1),
        "The order of the criteria cannot change once the campaign is open",
    )
    five = db.session.scalar(select(ScoringScale).where(ScoringScale.slug == "one-to-five"))
    refused(
        lambda: campaigns.update_settings(
            admin, campaign, scale=five, discrepancy_threshold=2, overall_pass_mark=None, presift_threshold=None
        ),
        "The scale cannot change once the campaign is open: candidates have been told which scale the panel uses",
    )
    refused(
        lambda: campaigns.set_closing(admin, campaign, campaign.closes_at - timedelta(days=1)),
        "Once a campaign is open its closing date can be made later, not earlier",
    )
    db.session.expire_all()
    assert [criteria._snapshot(c) for c in db.session.get(Campaign, campaign.id).criteria] == before


def test_open_campaign_allows_what_does_not_touch_applications(admin):
    campaign = open_campaign(admin)
    item = campaign.criteria[0]
    campaigns.update_details(admin, campaign, campaigns.Details("New title", "Org", "Leeds", 4, "More"))
    campaigns.set_closing(admin, campaign, campaign.closes_at + timedelta(days=7))
    criteria.update_criterion(
        admin,
        item,
        level=item.level,
        at_sift=True,
        at_interview=True,
        weight=3,
        pass_mark=5,
        word_limit=item.word_limit,
        is_lead=False,
    )
    own = criteria.add_own_criterion(admin, campaign, "Presentation", "A five-minute presentation", False, True)
    campaigns.set_panel(admin, campaign, "sift", UserFactory(role="assessor"), [UserFactory(role="assessor")])
    db.session.expire_all()
    campaign = db.session.get(Campaign, campaign.id)
    assert (campaign.title, campaign.criteria[0].weight, campaign.criteria[-1].name) == ("New title", 3, "Presentation")
    assert own.stages == ["interview"]


def test_sift_locks_scoring_rules_and_the_sift_panel(admin):
    campaign = open_campaign(admin)
    item = campaign.criteria[0]
    with time_machine.travel(utcnow() + timedelta(days=15)):
        campaign_status.move(admin, campaign, "closed")
        campaign_status.move(admin, campaign, "sift")
    refused(
        lambda: criteria.update_criterion(
            admin,
            item,
            level=item.level,
            at_sift=True,
            at_interview=True,
            weight=2,
            pass_mark=4,
            word_limit=item.word_limit,
            is_lead=False,
        ),
        "Scoring rules cannot change once the sift has started",
    )
    refused(
        lambda: campaigns.set_panel(
            admin, campaign, "sift", UserFactory(role="assessor"), [UserFactory(role="assessor")]
        ),
        "The sift panel cannot change once the sift has started",
    )
    refused(
        lambda: campaigns.update_details(admin, campaign, campaigns.Details("X", "Y", "Z", 1, "D")),
        "The vacancy details cannot change once the sift has started",
    )
    # The interview panel can still be set up.
    campaigns.set_panel(admin, campaign, "interview", UserFactory(role="assessor"), [UserFactory(role="assessor")])


def test_refused_form_shows_the_reason_and_changes_nothing(forms, admin):
    forms.sign_in(admin)
    campaign = open_campaign(admin)
    item = campaign.criteria[0]
    data = {
        "level": str(campaign.framework.level(3).id),
        "stages": ["sift", "interview"],
        "weight": "1",
        "pass_mark": "4",
        "word_limit": "250",
    }
    response = forms.submit(f"/admin/campaigns/{campaign.id}/criteria/{item.id}", data)
    assert SIFT_FIXED in [a.get_text(strip=True) for a in parse(response).select(".govuk-error-summary li")]
    db.session.expire_all()
    assert db.session.get(Criterion, item.id).level.number == 2
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "criterion.changed")) == 0


def test_overview_hides_changes_that_are_not_allowed(forms, client, admin):
    forms.sign_in(admin)
    campaign = open_campaign(admin)
    soup = parse(client.get(f"/admin/campaigns/{campaign.id}"))
    scoring = soup.select_one("#scoring-summary").get_text(" ", strip=True)
    assert "Change scoring settings" in scoring
    assert not soup.select("form[action$='/remove']")
    assert not soup.select("form[action*='/move/']")
