"""The campaign page as a task list, the status confirmations with their consequences, removing a criterion after
confirming it, and statuses that follow the closing time."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from recruit.clock import format_uk, utcnow
from recruit.extensions import db
from recruit.models import AuditEvent, Campaign, Criterion
from recruit.services.campaigns import criteria
from recruit.services.campaigns import setup as campaigns
from recruit.services.campaigns import status as campaign_status
from tests.factories import (
    UserFactory,
    add_applications,
    draft_campaign,
    open_campaign,
    ready_to_open,
    sift_campaign,
    to_sift,
)
from tests.helpers import error_messages, parse


@contextmanager
def later(forms, admin, days: int):
    """Some days on, signed in again (the earlier session has expired by then)."""
    with time_machine.travel(utcnow() + timedelta(days=days)):
        forms.sign_in(admin)
        yield


def overview(client, campaign):
    return parse(client.get(f"/admin/campaigns/{campaign.id}"))


def tasks_on(soup) -> dict[str, tuple[str, str, str | None]]:
    """Each task by name: its status, its hint and where its link goes (None without one)."""
    found = {}
    for item in soup.select("#campaign-tasks .govuk-task-list__item"):
        link = item.select_one("a.govuk-task-list__link")
        name = (link or item.select_one(".govuk-task-list__name-and-hint > div")).get_text(" ", strip=True)
        hint = item.select_one(".govuk-task-list__hint")
        found[name] = (
            item.select_one(".govuk-task-list__status").get_text(" ", strip=True),
            hint.get_text(" ", strip=True) if hint else "",
            link["href"] if link else None,
        )
    return found


def consequences(client, campaign, target) -> list[str]:
    soup = parse(client.get(f"/admin/campaigns/{campaign.id}/status/{target}"))
    return [li.get_text(" ", strip=True) for li in soup.select("#consequences li")]


def irreversible(client, campaign, target) -> str:
    soup = parse(client.get(f"/admin/campaigns/{campaign.id}/status/{target}"))
    warning = soup.select_one("#irreversible")
    return warning.get_text(" ", strip=True) if warning else ""


# The task list ----------------------------------------------------------------------------------


def test_a_new_campaign_lists_its_tasks_with_what_is_missing(client, signed_in_admin):
    UserFactory(role="assessor")
    campaign = draft_campaign(signed_in_admin, "band-b")
    page = overview(client, campaign)
    tasks = tasks_on(page)
    assert list(tasks) == [
        "Vacancy details",
        "Closing date",
        "Criteria",
        "Scoring",
        "Sift panel",
        "Interview panel",
        "Calibration round",
        "Open for applications",
    ]
    base = f"/admin/campaigns/{campaign.id}"
    assert tasks["Vacancy details"] == ("Completed", "Child Maintenance Group, Glasgow; 2 posts", f"{base}/details")
    assert tasks["Closing date"] == ("Incomplete", "Set a closing date and time", f"{base}/closing")
    assert tasks["Criteria"] == ("Completed", "4 criteria at the sift, 4 at interview", f"{base}#criteria")
    assert tasks["Scoring"][0] == "Completed"
    assert tasks["Sift panel"][:2] == ("Incomplete", "Choose a chair for the sift panel")
    assert tasks["Interview panel"][:2] == (
        "Incomplete",
        "Choose a chair for the interview panel; needed before the interview stage",
    )
    assert tasks["Calibration round"] == (
        "Completed",
        "Optional: add benchmark answers for the panel to score",
        f"/assess/{campaign.id}/calibration",
    )
    assert tasks["Open for applications"] == (
        "Cannot start yet",
        "First: set a closing date and time; choose a chair for the sift panel",
        None,
    )
    # The incomplete ones are tags, as the Design System shows a task still to do.
    assert [tag.get_text(strip=True) for tag in page.select("#campaign-tasks .govuk-tag")] == ["Incomplete"] * 3
    assert page.select_one("#campaign-status").get_text(strip=True) == "Draft"
    assert page.select_one("#next-step").get_text(" ", strip=True) == (
        "Next: complete the tasks below, then open the campaign for applications"
    )


def test_the_tasks_complete_as_the_campaign_is_set_up(client, signed_in_admin):
    campaign = ready_to_open(signed_in_admin, draft_campaign(signed_in_admin, "band-b"))
    tasks = tasks_on(overview(client, campaign))
    assert tasks["Closing date"][:2] == ("Completed", f"Closes {format_uk(campaign.closes_at)} (UK time)")
    assert tasks["Sift panel"][0] == "Completed" and tasks["Sift panel"][1].startswith("Chair: ")
    assert tasks["Open for applications"] == (
        "Incomplete",
        "Publish the vacancy",
        f"/admin/campaigns/{campaign.id}/status/open",
    )
    page = overview(client, campaign)
    assert (
        page.select_one("#next-step").get_text(" ", strip=True) == "Next: open for applications Open for applications"
    )


def test_panels_cannot_start_before_anyone_is_an_assessor(client, signed_in_admin):
    campaign = draft_campaign(signed_in_admin, "band-b")
    tasks = tasks_on(overview(client, campaign))
    assert tasks["Sift panel"] == ("Cannot start yet", "Invite staff as assessors first", None)
    assert tasks["Interview panel"] == ("Cannot start yet", "Invite staff as assessors first", None)


def test_scoring_needs_a_lead_criterion_for_a_presift_and_a_reachable_pass_mark(client, signed_in_admin):
    campaign = draft_campaign(signed_in_admin, "band-b")
    campaigns.update_settings(
        signed_in_admin,
        campaign,
        scale=campaign.scale,
        discrepancy_threshold=2,
        overall_pass_mark=1000,
        presift_threshold=50,
    )
    status, hint, _ = tasks_on(overview(client, campaign))["Scoring"]
    assert status == "Incomplete"
    assert hint == (
        "Choose a lead criterion assessed at the sift for the pre-sift, or remove the pre-sift threshold; "
        "The overall pass mark of 1000 is more than the highest possible sift total, 28; "
        "The overall pass mark of 1000 is more than the highest possible interview total, 28"
    )


def test_scoring_cannot_start_without_criteria(client, signed_in_admin):
    campaign = draft_campaign(signed_in_admin, "band-b")
    for item in list(campaign.criteria):
        criteria.remove_criterion(signed_in_admin, item)
    tasks = tasks_on(overview(client, campaign))
    assert tasks["Criteria"][:2] == ("Incomplete", "Add at least one criterion assessed at the sift")
    assert tasks["Scoring"] == (
        "Cannot start yet",
        "Add the criteria first: pass marks are set for each one",
        None,
    )


@pytest.mark.parametrize("finish", ["complete", "withdrawn"])
def test_a_finished_campaign_has_no_next_step_and_no_tasks(client, signed_in_admin, finish):
    campaign = open_campaign(signed_in_admin)
    campaign.status = finish
    db.session.commit()
    page = overview(client, campaign)
    assert page.select_one("#next-step") is None and page.select_one("#withdraw-button") is None
    assert page.select_one("#campaign-tasks") is None and page.select_one("#set-up") is None
    assert page.select_one("#campaign-status").get_text(strip=True) == finish.capitalize()


def test_withdrawing_is_at_the_bottom_away_from_the_main_action(client, signed_in_admin):
    campaign = ready_to_open(signed_in_admin, draft_campaign(signed_in_admin))
    page = overview(client, campaign)
    withdraw = page.select_one("#withdraw-button")
    assert withdraw.get_text(strip=True) == "Withdraw the campaign"
    # Nothing follows it but the end of the page's content, and it shares no button group with the main action.
    assert withdraw.find_next(class_="govuk-button") is None
    assert page.select_one("#next-step .govuk-button").find_parent(class_="govuk-button-group") is None
    assert withdraw.find_previous("h2").get_text(strip=True) == "Withdraw the campaign"


def test_the_page_keeps_its_sections_below_the_task_list(client, signed_in_admin):
    campaign = draft_campaign(signed_in_admin)
    page = overview(client, campaign)
    tasks = page.select_one("#campaign-tasks")
    for section in ("vacancy-summary", "scoring-summary", "criteria-table", "panels-summary", "personal-data-summary"):
        assert tasks.find_next(id=section) is not None, section
    assert page.select_one("#status-history") and page.select_one("#campaign-audit")


def test_a_draft_has_no_reports_link_and_an_open_campaign_has_one(client, signed_in_admin):
    campaign = draft_campaign(signed_in_admin)
    assert overview(client, campaign).select_one("#reports-link") is None
    ready_to_open(signed_in_admin, campaign)
    campaign_status.move(signed_in_admin, campaign, "open")
    link = overview(client, campaign).select_one("#reports-link")
    assert link["href"] == f"/reports/{campaign.id}"
    assert client.get(link["href"]).status_code == 200


def test_an_open_campaign_says_when_applications_can_be_closed(client, signed_in_admin):
    campaign = open_campaign(signed_in_admin)
    page = overview(client, campaign)
    assert page.select_one("#campaign-status").get_text(strip=True) == "Open for applications"
    assert page.select_one("#next-step").get_text(" ", strip=True) == (
        f"Next: close applications after {format_uk(campaign.closes_at)}"
    )
    assert tasks_on(page)["Open for applications"][0] == "Completed"


def test_at_the_sift_the_next_step_lists_what_stands_in_its_way(forms, client, signed_in_admin):
    campaign = sift_campaign(signed_in_admin).campaign
    with later(forms, signed_in_admin, 3):
        page = overview(client, campaign)
    assert page.select_one("#campaign-status").get_text(strip=True) == "Sift"
    assert page.select_one("#next-step p").get_text(strip=True) == "Next: start the interview stage"
    assert [li.get_text(strip=True) for li in page.select("#next-step-blockers li")][:2] == [
        "Record the sift decision: who goes on to interview",
        "The sift panel's chair must sign off the sift",
    ]
    assert page.select_one("#next-step .govuk-button") is None


# Statuses that follow the time ------------------------------------------------------------------


def test_an_open_campaign_past_its_closing_time_reads_as_closed(forms, client, signed_in_admin):
    campaign = open_campaign(signed_in_admin, closes_in=timedelta(days=1))
    with later(forms, signed_in_admin, 2):
        assert campaign.status == "open"
        assert campaign.display_status == "closed"
        page = overview(client, campaign)
        assert page.select_one("#campaign-status").get_text(strip=True) == "Closed for applications"
        assert page.select_one("#next-step p").get_text(strip=True) == "Next: close applications"
        listing = parse(client.get("/admin/campaigns"))
        row = listing.find("a", string=campaign.reference).find_parent("tr")
        assert row.select_one(".govuk-tag").get_text(strip=True) == "Closed for applications"
        # The list's filters go by what the campaigns read as.
        closed = parse(client.get("/admin/campaigns?status=closed")).get_text()
        still_open = parse(client.get("/admin/campaigns?status=open")).get_text()
        assert campaign.reference in closed and campaign.reference not in still_open
    assert campaign.display_status == "open"
    forms.sign_in(signed_in_admin)
    listing = parse(client.get("/admin/campaigns?status=open"))
    row = listing.find("a", string=campaign.reference).find_parent("tr")
    assert row.select_one(".govuk-tag").get_text(strip=True) == "Open for applications"


# Confirmation pages -----------------------------------------------------------------------------


def test_opening_says_what_becomes_public_and_fixed(client, signed_in_admin):
    campaign = ready_to_open(signed_in_admin, draft_campaign(signed_in_admin, "band-b"))
    names = ", ".join(c.name for c in campaign.criteria)
    assert consequences(client, campaign, "open") == [
        "The vacancy is published on the public vacancies list, and anyone can apply until "
        f"{format_uk(campaign.closes_at)} (UK time).",
        f"The 4 sift criteria ({names}), their levels, word limits and order, and the "
        f"{campaign.scale.name} become fixed: candidates write their evidence against them.",
        "You can still change the vacancy details, make the closing date later, and change pass marks, weights, "
        "the panels and criteria assessed only at interview.",
    ]
    assert "cannot go back to draft" in irreversible(client, campaign, "open")


def test_closing_counts_the_applications_that_go_on_and_the_drafts_that_lapse(forms, client, signed_in_admin):
    campaign = open_campaign(signed_in_admin, closes_in=timedelta(days=1))
    add_applications(campaign, 4, 1)
    add_applications(campaign, 1, 10, status="draft")
    add_applications(campaign, 2, 20, status="withdrawn")
    db.session.commit()
    with later(forms, signed_in_admin, 2):
        assert consequences(client, campaign, "closed") == [
            "4 submitted applications go to the sift; 1 draft application will lapse.",
            "Candidates with a draft can no longer submit it.",
        ]
        assert irreversible(client, campaign, "closed") == "! Warning Applications cannot be reopened once closed."


def test_closing_with_one_submitted_and_no_drafts(forms, client, signed_in_admin):
    campaign = open_campaign(signed_in_admin, closes_in=timedelta(days=1))
    add_applications(campaign, 1, 1)
    db.session.commit()
    with later(forms, signed_in_admin, 2):
        assert consequences(client, campaign, "closed") == [
            "1 submitted application goes to the sift; 0 draft applications will lapse."
        ]


def test_starting_the_sift_names_the_panel_and_the_presift(forms, client, signed_in_admin):
    def lead(campaign):
        first = campaign.criteria[0]
        criteria.update_criterion(
            signed_in_admin,
            first,
            level=first.level,
            at_sift=True,
            at_interview=True,
            weight=1,
            pass_mark=4,
            word_limit=first.word_limit,
            is_lead=True,
        )

    campaign = draft_campaign(signed_in_admin, "band-b")
    lead(campaign)
    campaigns.update_settings(
        signed_in_admin,
        campaign,
        scale=campaign.scale,
        discrepancy_threshold=2,
        overall_pass_mark=None,
        presift_threshold=2,
    )
    chair = UserFactory(role="assessor", name="Chris Chair")
    members = [UserFactory(role="assessor", name="Morgan Member"), UserFactory(role="assessor", name="Sam Member")]
    campaigns.set_closing(signed_in_admin, campaign, utcnow() + timedelta(days=1))
    campaigns.set_panel(signed_in_admin, campaign, "sift", chair, members)
    campaign_status.move(signed_in_admin, campaign, "open")
    add_applications(campaign, 3, 1)
    db.session.commit()
    with later(forms, signed_in_admin, 2):
        campaign_status.move(signed_in_admin, campaign, "closed")
        assert consequences(client, campaign, "sift") == [
            "3 applications go to the sift.",
            "Chris Chair chairs the sift panel; Morgan Member and Sam Member sit on it.",
            "There are more applications than the pre-sift threshold of 2, so the panel first scores the lead "
            f"criterion, {campaign.criteria[0].name}, alone; only applications that pass it go on to the full sift.",
            "The vacancy details, the scoring rules and the sift panel become fixed.",
        ]
        assert "cannot be undone" in irreversible(client, campaign, "sift")


def test_completing_and_withdrawing_say_how_many_candidates_they_end_for(client, signed_in_admin):
    campaign = open_campaign(signed_in_admin, closes_in=timedelta(days=1))
    add_applications(campaign, 3, 1)
    add_applications(campaign, 2, 10, status="draft")
    add_applications(campaign, 1, 20, status="withdrawn")
    db.session.commit()
    assert consequences(client, campaign, "withdrawn") == [
        "The vacancy is taken down from the public vacancies list.",
        "The campaign ends for the 5 candidates with an application (3 submitted, 2 drafts): none of them can "
        "change it any more.",
        "Nothing about the campaign can change any more.",
    ]
    assert irreversible(client, campaign, "withdrawn") == "! Warning Withdrawing the campaign cannot be undone."
    to_sift(signed_in_admin, campaign)
    assert consequences(client, campaign, "complete") == []  # not yet: the page lists what stops it instead
    confirm = campaign_status.confirmation(campaign, campaign_status.S.COMPLETE)
    assert confirm.consequences[0] == (
        "The campaign ends for the 5 candidates with an application: their applications, scores and results are "
        "kept as they stand."
    )
    assert confirm.warning == "Completing the campaign cannot be undone."


# Removing a criterion ---------------------------------------------------------------------------


def remove_url(item: Criterion) -> str:
    return f"/admin/campaigns/{item.campaign_id}/criteria/{item.id}/remove"


def removed_count() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "criterion.removed"))


def test_the_campaign_page_links_to_the_removal_page(client, signed_in_admin):
    campaign = draft_campaign(signed_in_admin)
    item = campaign.criteria[1]
    link = overview(client, campaign).find("a", href=remove_url(item))
    assert link.get_text(" ", strip=True) == f"Remove {item.name}"
    assert not overview(client, campaign).select("form[action$='/remove']")


def test_removing_a_criterion_asks_first_then_removes_it(forms, client, signed_in_admin):
    campaign = draft_campaign(signed_in_admin)
    item = campaign.criteria[1]
    name, item_id = item.name, item.id
    page = parse(client.get(remove_url(item)))
    assert page.h1.get_text(strip=True) == f"Are you sure you want to remove {name}?"
    assert page.select(".govuk-warning-text") == []
    assert db.session.get(Criterion, item_id) is not None  # looking at the page removes nothing
    response = forms.submit(remove_url(item))
    assert response.status_code == 302 and response.location.endswith(f"/admin/campaigns/{campaign.id}")
    db.session.expire_all()
    assert db.session.get(Criterion, item_id) is None
    assert removed_count() == 1
    assert f"{name} removed." in parse(client.get(response.location)).get_text()


def test_removing_the_lead_criterion_warns_what_happens_to_the_lead_role(client, signed_in_admin):
    campaign = draft_campaign(signed_in_admin, "band-b")
    first = campaign.criteria[0]
    criteria.update_criterion(
        signed_in_admin,
        first,
        level=first.level,
        at_sift=True,
        at_interview=True,
        weight=1,
        pass_mark=4,
        word_limit=first.word_limit,
        is_lead=True,
    )
    campaigns.update_settings(
        signed_in_admin,
        campaign,
        scale=campaign.scale,
        discrepancy_threshold=2,
        overall_pass_mark=None,
        presift_threshold=30,
    )
    warnings = [w.get_text(" ", strip=True) for w in parse(client.get(remove_url(first))).select(".govuk-warning-text")]
    assert warnings == [
        f"! Warning {first.name} is the lead criterion. Without a lead, ties in the ranking are broken by the criteria "
        "in their listed order; you can make another criterion the lead.",
        "! Warning The pre-sift (above 30 applications) scores the lead criterion alone: there will be no pre-sift "
        "until another criterion is the lead.",
    ]


def test_removing_the_only_sift_criterion_warns_the_campaign_cannot_open(client, signed_in_admin):
    campaign = draft_campaign(signed_in_admin, "band-b")
    for item in list(campaign.criteria)[1:]:
        criteria.remove_criterion(signed_in_admin, item)
    warnings = parse(client.get(remove_url(campaign.criteria[0]))).select(".govuk-warning-text")
    assert [w.get_text(" ", strip=True) for w in warnings] == [
        "! Warning It is the only criterion assessed at the sift: add another before the campaign can open.",
        "! Warning It is the only criterion assessed at interview: add another before the interview stage can start.",
    ]


@pytest.mark.parametrize("finish", ["complete", "withdrawn"])
def test_a_finished_campaign_refuses_removal(forms, client, signed_in_admin, finish):
    campaign = open_campaign(signed_in_admin)
    item = campaign.criteria[0]
    campaign.status = finish
    db.session.commit()
    message = f"This campaign is {finish}; it can no longer be changed"
    page = parse(client.get(remove_url(item)))
    assert [li.get_text(strip=True) for li in page.select("#removal-refusal li")] == [message]
    assert page.select("main form[method=post]") == []
    response = forms.submit(remove_url(item), page=f"/admin/campaigns/{campaign.id}")
    assert response.status_code == 400
    assert error_messages(parse(response)) == [message]
    db.session.expire_all()
    assert db.session.get(Criterion, item.id) is not None and removed_count() == 0


def test_an_open_campaign_refuses_removing_a_sift_criterion(forms, client, signed_in_admin):
    campaign = open_campaign(signed_in_admin)
    item = campaign.criteria[0]
    response = forms.submit(remove_url(item), page=f"/admin/campaigns/{campaign.id}")
    assert response.status_code == 400
    assert error_messages(parse(response)) == [
        "Sift criteria cannot change once the campaign is open: candidates are writing evidence against them"
    ]
    assert removed_count() == 0


def test_another_campaigns_criterion_is_not_found(forms, client, signed_in_admin):
    mine, other = draft_campaign(signed_in_admin), draft_campaign(signed_in_admin)
    theirs = other.criteria[0]
    url = f"/admin/campaigns/{mine.id}/criteria/{theirs.id}/remove"
    assert client.get(url).status_code == 404
    assert forms.submit(url, page=f"/admin/campaigns/{mine.id}").status_code == 404
    assert client.get(f"/admin/campaigns/{mine.id}/criteria/999999/remove").status_code == 404
    db.session.expire_all()
    assert db.session.get(Criterion, theirs.id) is not None and removed_count() == 0


def test_a_removal_without_the_form_token_is_refused(client, signed_in_admin):
    campaign = draft_campaign(signed_in_admin)
    item = campaign.criteria[0]
    assert client.post(remove_url(item), data={}).status_code == 400
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).criteria[0].id == item.id


def test_every_task_status_has_a_label():
    from recruit.labels import STATUS_LABELS
    from recruit.services.campaigns.task_list import TaskStatus

    assert [STATUS_LABELS[member] for member in TaskStatus] == ["Completed", "Incomplete", "Cannot start yet"]


def test_a_campaign_without_the_advert_terms_cannot_open_until_they_are_entered(forms, client, signed_in_admin):
    campaign = ready_to_open(signed_in_admin, draft_campaign(signed_in_admin, "band-b"))
    # As a campaign made before the advert's terms were asked for.
    campaign.salary_min = campaign.salary_max = None
    campaign.contract_type = campaign.contract_months = None
    campaign.contact_email = ""
    db.session.commit()
    tasks = tasks_on(overview(client, campaign))
    assert tasks["Vacancy details"][:2] == (
        "Incomplete",
        "Enter the salary; Select the type of contract; Enter a contact for questions",
    )
    assert tasks["Open for applications"][0] == "Cannot start yet"
    response = forms.submit(f"/admin/campaigns/{campaign.id}/status/open")
    assert response.status_code == 400
    assert "Enter the salary" in " ".join(error_messages(parse(response)))
    db.session.refresh(campaign)
    assert campaign.status == "draft"
