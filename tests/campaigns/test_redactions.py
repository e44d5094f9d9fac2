"""Redaction before the sift (DESIGN §12): the admin sees what in each statement could identify the candidate,
redacts it, and from then on no panel page or report shows it; the original stays for the record and the
candidate's copy of their data, and goes with the retention purge."""

from __future__ import annotations

import json
import socket
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import AuditEvent, StatementRedaction, StatusChange
from recruit.services.campaigns import status as campaign_status
from recruit.services.fairness import redaction
from recruit.services.records import retention
from recruit.services.records.personal_data import everything_about
from recruit.services.reports.content.sift import sift_report
from tests.factories import closed_campaign, submit_score
from tests.helpers import error_messages, pages_text, parse, rendered, shows, signed_in

NAME, EMAIL, PHONE, NI, POSTCODE, EMPLOYER = (
    "Priya",
    "priya.shah@example.com",
    "07700 900123",
    "AB 12 34 56 C",
    "SW1A 1AA",
    "Acme Widgets Ltd",
)
IDENTIFIERS = (NAME, EMAIL, PHONE, NI, POSTCODE, EMPLOYER)
FIXTURE = (
    f"As {NAME} I led the move of {EMPLOYER} to a new office near {POSTCODE}. Staff could reach me on {PHONE} "
    f"or at {EMAIL}; payroll needed my NI number, {NI}. Priya kept everyone informed and the move finished early."
)


@pytest.fixture
def setup(admin):
    """A closed campaign (the sift not started), two applications, two criteria; the first application's first
    statement is the fixture, by Priya Shah, who listed her employer to keep out of her evidence."""
    made = closed_campaign(admin, applications=2, members=1, keep_criteria=2)
    made.applications.sort(key=lambda application: application.reference)
    first = made.applications[0]
    criterion = made.campaign.criteria_at("sift")[0]
    first.statement_for(criterion).text = FIXTURE
    first.personal_details.full_name = "Priya Shah"
    first.personal_details.organisations = "Acme Widgets Ltd\nSt Anne's School"
    db.session.commit()
    made.first, made.criterion = first, criterion
    return made


def list_url(setup) -> str:
    return f"/admin/campaigns/{setup.campaign.id}/redaction"


def page_url(setup, application=None) -> str:
    return f"{list_url(setup)}/{(application or setup.first).id}"


def redaction_count() -> int:
    return db.session.scalar(select(func.count()).select_from(StatementRedaction))


def no_network(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("redaction tried to use the network")

    for name in ("socket", "create_connection", "getaddrinfo"):
        monkeypatch.setattr(socket, name, refuse)


def test_each_identifier_is_found_offline_redacted_and_never_reaches_the_panel(app, setup, as_admin, monkeypatch):
    campaign, first, criterion = setup.campaign, setup.first, setup.criterion

    # The admin's list: every submitted application, with how many findings.
    listing = parse(as_admin.client.get(list_url(setup)))
    row = listing.select_one(f"tr[data-application='{first.reference}']")
    assert row.select("td")[1].get_text(strip=True) == "Priya Shah"
    assert row.select("td")[2].get_text(strip=True) == "7"  # Priya twice, and the other five
    overview = parse(as_admin.client.get(f"/admin/campaigns/{campaign.id}"))
    assert overview.select_one("a#redaction-link")["href"] == list_url(setup)

    # With the network off, the page finds and highlights each of them.
    no_network(monkeypatch)
    page = parse(as_admin.client.get(page_url(setup)))
    marked = [mark.get_text() for mark in page.select(f"#statement-{criterion.code} mark")]
    assert marked == [NAME, EMPLOYER, POSTCODE, PHONE, EMAIL, NI, NAME]
    labels = [label.get_text(" ", strip=True) for label in page.select("#findings label")]
    assert "The candidate's name: Priya" in labels and f"A National Insurance number: {NI}" in labels
    assert f"An organisation the candidate listed: {EMPLOYER}" in labels
    boxes = [box["value"] for box in page.select("#findings input[name=spans]")]
    assert len(boxes) == 7

    response = as_admin.submit(f"{page_url(setup)}/findings", {"spans": boxes}, page=page_url(setup))
    assert response.status_code == 302
    monkeypatch.undo()
    assert redaction_count() == 7
    statement = first.statement_for(criterion)
    assert statement.text == FIXTURE  # the original is kept
    panel = redaction.panel_text(statement)
    assert panel.count("[redacted]") == 7 and not any(value in panel for value in IDENTIFIERS)
    entry = db.session.scalars(select(AuditEvent).filter_by(action="statement.redacted")).one()
    assert entry.actor_id == setup.admin.id and entry.record_id == str(first.id)
    assert not any(value in json.dumps(entry.after) for value in IDENTIFIERS)  # ranges, not the words

    # The admin's page now shows them struck through, with a button to remove each.
    page = parse(as_admin.client.get(page_url(setup)))
    struck = [d.get_text() for d in page.select(f"#statement-{criterion.code} del")]
    assert struck == [NAME, EMPLOYER, POSTCODE, PHONE, EMAIL, NI, NAME]
    assert len(page.select("#redactions button[name=remove]")) == 7

    # The sift starts; the panel scores and moderates.
    with time_machine.travel(utcnow() + timedelta(days=3)):
        campaign_status.move(setup.admin, campaign, "sift")
    for person, value in zip(setup.assessors, (2, 5)):
        submit_score(person, campaign, first, criterion, value, rationale="Some evidence.")
    db.session.commit()
    chair = signed_in(app, setup.chair)
    member = signed_in(app, setup.members[0])
    base = f"/assess/{campaign.id}/sift/{first.reference}"
    pages = {
        "criterion page": member.client.get(f"{base}/{criterion.code}"),
        "application page": member.client.get(base),
        "chair's criterion page": chair.client.get(f"{base}/{criterion.code}"),
        "board": chair.client.get(f"/moderate/{campaign.id}/sift"),
        "item page": chair.client.get(f"/moderate/{campaign.id}/sift/items/{first.reference}/{criterion.code}"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.get_data(as_text=True)
        for value in IDENTIFIERS:
            assert value not in html, f"{value} on the {name}"
    for name in ("criterion page", "application page", "item page"):
        assert "[redacted]" in parse(pages[name]).select_one("[id^=statement]").get_text(), name
    item = parse(pages["item page"]).select_one("#statement").get_text()
    assert item == panel

    html, reader = rendered(sift_report(campaign))
    text = " ".join(pages_text(reader))
    for value in IDENTIFIERS:
        assert value not in html and not shows(value, text)

    # Once the sift has started, redactions can no longer change.
    page = parse(as_admin.client.get(page_url(setup)))
    assert page.select_one("#redaction-closed") is not None and page.select("button[name=remove]") == []
    response = as_admin.submit(
        f"{page_url(setup)}/text",
        {"statement": str(statement.id), "text": "led", "every": "every"},
        page=page_url(setup),
    )
    assert error_messages(parse(response)) == [redaction.NOT_NOW]
    assert redaction_count() == 7


def test_the_data_download_keeps_the_original_and_ranges_that_give_the_panels_text(setup, admin):
    statement = setup.first.statement_for(setup.criterion)
    spans = [(s.start, s.end) for s in redaction.findings_for(setup.first, [setup.criterion])[0].findings]
    redaction.redact(admin, setup.first, statement.id, spans, "spans")
    copy = everything_about(setup.first.candidate)
    (application,) = copy["applications"]
    assert application["personal_details"]["organisations_to_keep_out"] == "Acme Widgets Ltd\nSt Anne's School"
    exported = next(s for s in application["statements"] if s["criterion"] == setup.criterion.name)
    assert exported["text"] == FIXTURE
    ranges = [(r["start"], r["end"]) for r in exported["redactions"]]
    assert ranges == sorted(spans)
    # Exported and read back, unedited, the ranges reproduce exactly what the panel reads.
    again = json.loads(json.dumps(exported))
    assert redaction.apply_ranges(again["text"], [(r["start"], r["end"]) for r in again["redactions"]]) == (
        redaction.panel_text(statement)
    )


def test_the_retention_purge_erases_the_original_and_the_redactions(setup, admin):
    statement = setup.first.statement_for(setup.criterion)
    redaction.redact(admin, setup.first, statement.id, [(3, 8)], "spans")
    campaign = setup.campaign
    with time_machine.travel(utcnow() + timedelta(days=3)):
        campaign_status.move(admin, campaign, "sift")
    # Finished (its status history says when), and past the retention period.
    campaign.status = "complete"
    db.session.add(StatusChange(campaign_id=campaign.id, from_status="sift", to_status="complete", at=utcnow()))
    db.session.commit()
    assert retention.counts_for(campaign.id)["redactions"] == 1
    assert "1 redaction" in retention.describe_counts(retention.counts_for(campaign.id))
    later = utcnow() + timedelta(days=3 * 366)
    with time_machine.travel(later):
        line = retention.erase_campaign(campaign.id, 12)
    assert line is not None
    db.session.expire_all()
    assert redaction_count() == 0
    assert FIXTURE not in statement.text and statement.text == retention.ERASED_TEXT


def test_redacting_text_the_admin_types_every_time_or_the_first(setup, as_admin):
    statement = setup.first.statement_for(setup.criterion)
    url, page = f"{page_url(setup)}/text", page_url(setup)
    response = as_admin.submit(url, {"statement": str(statement.id), "text": "Priya", "every": "first"}, page=page)
    assert response.status_code == 302
    assert redaction.panel_text(statement).startswith("As [redacted] I led") and "Priya kept" in (
        redaction.panel_text(statement)
    )
    response = as_admin.submit(url, {"statement": str(statement.id), "text": "the move", "every": "every"}, page=page)
    assert response.status_code == 302
    assert redaction.panel_text(statement).count("[redacted]") == 3
    banner = parse(as_admin.client.get(page)).select_one(".govuk-notification-banner")
    assert banner is None or "redacted" in banner.get_text()


def test_removing_a_redaction_shows_the_text_again_and_is_audited(setup, as_admin):
    statement = setup.first.statement_for(setup.criterion)
    (row,) = redaction.redact(setup.admin, setup.first, statement.id, [(3, 8)], "spans")
    response = as_admin.submit(f"{page_url(setup)}/remove", {"remove": str(row.id)}, page=page_url(setup))
    assert response.status_code == 302
    assert redaction_count() == 0 and redaction.panel_text(statement) == FIXTURE
    entry = db.session.scalars(select(AuditEvent).filter_by(action="statement.redaction_removed")).one()
    assert entry.before == {"statement": statement.id, "ranges": [[3, 8]]}
    response = as_admin.submit(f"{page_url(setup)}/remove", {"remove": str(row.id)}, page=page_url(setup))
    assert error_messages(parse(response)) == ["That redaction has already been removed"]


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Select what to redact"),
        ({"spans": "nonsense"}, "Select what to redact from the findings listed"),
        ({"spans": "{statement}:0:99999"}, "What you selected is not in the statement. Reload the page and try again"),
        ({"spans": "{statement}:5:5"}, "What you selected is not in the statement. Reload the page and try again"),
        ({"spans": ["{statement}:0:3", "{statement}:2:5"]}, "“pla” overlaps another part you selected"),
        ({"spans": "{statement}:4:9"}, "“anned” overlaps text that is already redacted"),
        ({"spans": "{other}:0:5"}, "Select a statement of this application"),
        ({"spans": "99999:0:5"}, "Select a statement of this application"),
    ],
)
def test_findings_bad_input_changes_nothing(setup, as_admin, data, message):
    statement = setup.first.statement_for(setup.criterion)
    second = setup.applications[1].statement_for(setup.criterion)
    redaction.redact(setup.admin, setup.first, statement.id, [(8, 12)], "spans")
    statement.text = "I planned the work."
    db.session.commit()
    filled = {
        key: [v.format(statement=statement.id, other=second.id) for v in ([value] if isinstance(value, str) else value)]
        for key, value in data.items()
    }
    response = as_admin.submit(f"{page_url(setup)}/findings", filled, page=page_url(setup))
    assert response.status_code == 200
    assert error_messages(parse(response)) == [message]
    assert redaction_count() == 1


@pytest.mark.parametrize(
    "data, message",
    [
        ({"text": "", "every": "every"}, "Enter the text to redact"),
        ({"text": "   ", "every": "every"}, "Enter the text to redact"),
        ({"text": "x" * 201, "every": "every"}, "The text to redact must be 200 characters or fewer"),
        ({"text": "PRIYA", "every": "every"}, "“PRIYA” is not in the statement for {criterion}. Enter it exactly"),
        ({"text": "Priya", "every": "sometimes"}, "Select whether to redact every time it appears or only the first"),
        ({"text": "Priya", "every": "every", "statement": "99999"}, "Select a statement of this application"),
        ({"text": "Priya", "every": "every", "statement": "x"}, "Select a statement of this application"),
    ],
)
def test_typed_text_bad_input_changes_nothing(setup, as_admin, data, message):
    statement = setup.first.statement_for(setup.criterion)
    filled = {"statement": str(statement.id), **data}
    response = as_admin.submit(f"{page_url(setup)}/text", filled, page=page_url(setup))
    assert response.status_code == 200
    assert error_messages(parse(response)) == [message.format(criterion=setup.criterion.name)]
    assert redaction_count() == 0


def test_another_campaigns_or_an_unknown_application_is_not_found(setup, as_admin, admin):
    other = closed_campaign(admin, applications=1, members=1, keep_criteria=1)
    assert as_admin.client.get(page_url(setup, other.applications[0])).status_code == 404
    assert as_admin.client.get(f"{list_url(setup)}/99999").status_code == 404
    statement = other.applications[0].statement_for(other.campaign.criteria_at("sift")[0])
    response = as_admin.submit(
        f"{page_url(setup, other.applications[0])}/findings", {"spans": f"{statement.id}:0:5"}, page=page_url(setup)
    )
    assert response.status_code == 404 and redaction_count() == 0


def test_redactions_only_while_the_campaign_is_closed_and_before_the_sift(admin, make_user):
    from tests.factories import open_campaign

    campaign = open_campaign(admin)
    assert redaction.refusal(campaign) == redaction.NOT_NOW
    made = closed_campaign(admin, applications=1, members=1, keep_criteria=1)
    assert redaction.refusal(made.campaign) is None


@pytest.mark.parametrize("role", ["assessor", "candidate"])
def test_panel_members_and_candidates_cannot_reach_the_redaction_pages(app, setup, role, make_user):
    person = setup.chair if role == "assessor" else setup.first.candidate
    browser = signed_in(app, person)
    for url in (list_url(setup), page_url(setup)):
        assert browser.client.get(url).status_code == 403
    token = parse(browser.client.get("/account")).select_one("input[name=csrf_token]")
    for action in ("findings", "text", "remove"):
        data = {"csrf_token": token["value"] if token else "", "spans": "1:0:5", "text": "Priya", "remove": "1"}
        assert browser.client.post(f"{page_url(setup)}/{action}", data=data).status_code == 403
    assert redaction_count() == 0
