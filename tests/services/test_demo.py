"""`flask demo`: the demonstration a bare development machine starts with, made through the services, made once,
refused outside development, and signed in to with the details it prints."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from flask import url_for
from sqlalchemy import func, select

from recruit.extensions import db
from recruit.models import (
    Application,
    AuditEvent,
    Campaign,
    MonitoringResponse,
    Score,
    Statement,
    StatusChange,
    User,
)
from recruit.services.accounts.account_changes import find_by_email
from recruit.services.demo import applications_of
from tests.helpers import Forms, parse, path_of

STAFF = ["demo-admin@example.org", "demo-chair@example.org", "demo-assessor1@example.org", "demo-assessor2@example.org"]


def run_demo(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result.output


def printed_sign_ins(output: str) -> tuple[list[str], str]:
    emails = re.findall(r"^\s+(\S+@example\.org)\s", output, flags=re.MULTILINE)
    password = re.search(r"^Password \(every demonstration account\): (.+)$", output, flags=re.MULTILINE)
    assert password is not None, output
    return emails, password.group(1).strip()


def demo_campaign() -> Campaign:
    admin = find_by_email("demo-admin@example.org")
    # The first one made: last year's intake comes after it.
    return db.session.scalar(select(Campaign).where(Campaign.created_by_id == admin.id).order_by(Campaign.id).limit(1))


def counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Campaign, Application, Statement, Score, StatusChange, AuditEvent)
    }


def test_the_demo_is_a_campaign_in_the_sift_with_a_panel_and_scored_applications(runner):
    output = run_demo(runner)

    emails, password = printed_sign_ins(output)
    assert emails == STAFF
    assert password == "harbour walnut lantern demo 2026"
    assert "in the sift with 12 applications" in output
    admin, chair, *members = [find_by_email(email) for email in STAFF]
    assert admin.role == "admin"
    assert [person.role for person in (chair, *members)] == ["assessor"] * 3
    campaign = demo_campaign()
    assert campaign.status == "sift"
    sift_panel = next(panel for panel in campaign.panels if panel.stage == "sift")
    assert sift_panel.chair == chair
    assert {person.id for person in sift_panel.assessors} == {chair.id, *(m.id for m in members)}
    # The campaign went through each status by the rules, closing only after its closing time had passed.
    history = sorted(campaign.status_changes, key=lambda change: change.id)
    assert [change.to_status for change in history] == ["draft", "open", "closed", "sift"]
    assert campaign.closes_at < history[2].at
    applications = db.session.scalars(select(Application).where(Application.campaign_id == campaign.id)).all()
    assert [a.status for a in applications] == ["submitted"] * 12
    assert all(len(a.statements) == 3 and min(s.word_count for s in a.statements) >= 20 for a in applications)
    scores = db.session.scalars(select(Score).join(Application).where(Application.campaign_id == campaign.id)).all()
    assert sorted(Counter(score.status for score in scores).items()) == [("draft", 2), ("submitted", 45)]
    assert len({score.application_id for score in scores}) == 6
    # One criterion's scores are three points apart, more than the threshold: the chair has a discrepancy to settle.
    spread: dict[tuple[int, int], list[int]] = {}
    for score in scores:
        if score.status == "submitted":
            spread.setdefault((score.application_id, score.criterion_id), []).append(score.value)
    assert max(max(values) - min(values) for values in spread.values()) > campaign.discrepancy_threshold
    # Every account and change is in the audit log, as when made on the pages.
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {
        "account.admin_created",
        "account.invited",
        "account.registered",
        "campaign.created",
        "campaign.status_changed",
        "application.submitted",
    } <= actions


def test_a_second_run_changes_nothing_and_prints_the_same_sign_in(runner):
    first = run_demo(runner)
    before = counts()

    second = run_demo(runner)

    assert counts() == before
    assert "already here" in second
    assert printed_sign_ins(second) == printed_sign_ins(first)


@pytest.mark.parametrize("environment", ["production", "staging"])
def test_the_demo_is_refused_outside_development(app, runner, monkeypatch, environment):
    monkeypatch.setitem(app.config, "RECRUIT_ENV", environment)
    before = counts()

    result = runner.invoke(args=["demo"])

    assert result.exit_code == 1
    assert "only in development" in result.output
    assert "harbour" not in result.output
    assert counts() == before
    assert find_by_email("demo-admin@example.org") is None


@pytest.mark.parametrize(
    ("email", "lands_on"),
    [
        ("demo-admin@example.org", "campaigns.campaign_index"),
        ("demo-chair@example.org", "assess.dashboard"),
        ("demo-assessor1@example.org", "assess.dashboard"),
    ],
)
def test_the_printed_sign_in_works_and_shows_the_campaign(app, runner, email, lands_on):
    emails, password = printed_sign_ins(run_demo(runner))
    assert email in emails
    forms = Forms(app.test_client())

    response = forms.submit("/sign-in", {"email": email, "password": password})

    assert response.status_code == 302
    with app.test_request_context():
        assert path_of(response) == url_for(lands_on)
    home = forms.client.get(path_of(response))
    assert home.status_code == 200
    assert "Child Maintenance Caseworker" in parse(home).select_one("main").get_text()


def test_the_chair_has_discrepancies_to_settle_on_the_board(app, runner):
    emails, password = printed_sign_ins(run_demo(runner))
    forms = Forms(app.test_client())
    forms.submit("/sign-in", {"email": "demo-chair@example.org", "password": password})
    campaign = demo_campaign()
    by_name = {a.personal_details.full_name: a.reference for a in applications_of(campaign)}
    codes = [c.code for c in campaign.criteria_at("sift")]

    board = parse(forms.client.get(f"/moderate/{campaign.id}/sift?view=discrepant"))

    # Grace Okafor's first criterion was scored 6, 3 and 5 (three apart); Hannah Lewis's scores of 3 and 4 fall
    # either side of the pass mark on every criterion.
    assert sorted(row["data-item"] for row in board.select("#board tbody tr[data-item]")) == sorted(
        [f"{by_name['Grace Okafor']}/{codes[0]}", *(f"{by_name['Hannah Lewis']}/{code}" for code in codes)]
    )


def test_the_chair_sees_how_far_the_panel_agrees_on_the_board_and_the_quality_page(app, runner):
    """Five applications scored by all three: fifteen items, enough for alpha over every criterion together (each
    criterion alone has five, too few to judge), and fifteen shared items per panel member."""
    emails, password = printed_sign_ins(run_demo(runner))
    forms = Forms(app.test_client())
    forms.submit("/sign-in", {"email": "demo-chair@example.org", "password": password})
    campaign = demo_campaign()

    board = parse(forms.client.get(f"/moderate/{campaign.id}/sift"))
    overall = [cell.get_text(strip=True) for cell in board.select("#agreement tbody tr")[0].select("th, td")]
    assert overall[0] == "All criteria"
    assert re.fullmatch(r"-?[01]\.\d\d", overall[1]), overall  # an ordinal alpha
    assert re.fullmatch(r"-?[01]\.\d\d to -?[01]\.\d\d", overall[2]), overall  # its interval
    assert overall[-2:] == ["15", "45"]

    quality = parse(forms.client.get(f"/moderate/{campaign.id}/sift/quality"))
    shared = [row.select("td")[1].get_text(strip=True) for row in quality.select("#leniency tbody tr")]
    assert shared == ["15", "15", "15"]


def test_the_demo_has_monitoring_answers_and_fairness_figures_to_show(runner, client):
    output = run_demo(runner)
    _, password = printed_sign_ins(output)
    campaign = demo_campaign()
    answered = db.session.scalar(
        select(func.count(MonitoringResponse.id))
        .join(Application, Application.id == MonitoringResponse.application_id)
        .where(Application.campaign_id == campaign.id)
    )
    assert answered == 12
    last_year = db.session.scalar(select(Campaign).where(Campaign.title == f"{campaign.title} (last year's intake)"))
    assert last_year.status == "complete" and last_year.personal_data_erased_at is not None
    Forms(client).sign_in(find_by_email(STAFF[0]), password)
    soup = parse(client.get(f"/admin/campaigns/{last_year.id}/fairness", query_string={"characteristic": "disability"}))
    text = soup.get_text(" ", strip=True)
    # Disabled candidates fare worse at the demonstration's sift: flagged under the four-fifths rule.
    sift = soup.select_one("table[data-stage=sift] tr[data-group=yes]").get_text(" ", strip=True)
    assert "Below four-fifths" in sift
    assert "Fewer than 10" in text and "Not reached yet" not in text
    assert soup.select_one("figure img")["alt"].startswith("Bar chart of selection rates by disability")
    response = client.get(f"/admin/campaigns/{last_year.id}/fairness.csv")
    assert response.status_code == 200 and "Fewer than 10" in response.get_data(as_text=True)
