"""The sift report's calibration section (DESIGN §11), and the figures and downloads that benchmark scores never
enter."""

from __future__ import annotations

import pytest
from flask import render_template
from sqlalchemy import select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import BenchmarkAnswer
from recruit.services.assessment import agreement, calibration
from recruit.services.assessment.scoring import ScoreInput
from recruit.services.campaigns import status as campaign_status
from recruit.services.campaigns.stages import stage_record
from recruit.services.reports import spreadsheets
from recruit.services.reports.content.sift import sift_report
from tests.factories import closed_campaign, score
from tests.helpers import flat, pages_text, parse_html, rendered

TEXT = "I planned the office move with the team and checked progress each week."


def mark(person, setup, benchmark, value):
    calibration.save_score(
        person,
        setup.campaign,
        benchmark,
        ScoreInput(value=value, ticked=[], rationale="Benchmark rationale."),
        submit=True,
        version=None,
        confirmed=True,
    )


@pytest.fixture
def calibrated(admin):
    """A round of two benchmark answers (one agreed), then a sift scored, agreed and decided."""
    setup = closed_campaign(admin)
    campaign = setup.campaign
    first, second = campaign.criteria_at("sift")
    a = calibration.add_benchmark(admin, campaign, first.id, "Benchmark A", TEXT)
    b = calibration.add_benchmark(admin, campaign, second.id, "Benchmark B", TEXT)
    mark(setup.chair, setup, a, 2)
    mark(setup.members[0], setup, a, 6)
    mark(setup.members[1], setup, b, 1)
    calibration.agree(setup.chair, campaign, a, 3, "Some evidence, little impact.", None)
    campaign_status.move(admin, campaign, "sift")
    for index, application in enumerate(setup.applications):
        for person in setup.assessors:
            for criterion in campaign.criteria_at("sift"):
                score(person, setup, application, criterion.code, 5 - index)
    agreement.confirm_all_proposals(setup.chair, campaign, "sift", setup.applications)
    record = stage_record(campaign, "sift")
    record.decision_rule, record.decided_at = "all_passing", utcnow()
    db.session.commit()
    return setup


def section(html: str):
    soup = parse_html(html)
    heading = next(h for h in soup.select("h2") if h.get_text(strip=True) == "Calibration")
    return heading.parent


def test_the_sift_report_has_a_calibration_section_with_each_benchmark(calibrated):
    spec = sift_report(calibrated.campaign)
    html, reader = rendered(spec)
    assert "Benchmark A" in flat(" ".join(pages_text(reader)))
    part = section(html)
    rows = [[cell.get_text(" ", strip=True) for cell in row.select("th, td")] for row in part.select("tbody tr")]
    first, second = calibrated.campaign.criteria_at("sift")
    assert rows == [
        ["Benchmark A", first.name, "2", "6", "–", "2–6 (range 4)", "3", "Some evidence, little impact."],
        ["Benchmark B", second.name, "–", "–", "1", "1–1 (range 0)", "Not agreed", ""],
    ]


def test_without_a_round_the_report_says_none_was_held(admin):
    setup = closed_campaign(admin)
    campaign_status.move(admin, setup.campaign, "sift")
    spec = sift_report(setup.campaign)
    part = section(render_template(spec.template, **spec.context))
    assert "No calibration round was held." in part.get_text(" ", strip=True)


def test_benchmark_scores_change_no_figure_of_the_report_and_no_download(calibrated):
    campaign = calibrated.campaign
    spec = sift_report(campaign)
    sheet = spreadsheets.download(calibrated.admin, campaign, spreadsheets.SHEETS["sift-results"])
    for benchmark in db.session.scalars(select(BenchmarkAnswer)):
        db.session.delete(benchmark)
    db.session.commit()
    without = sift_report(campaign)
    for key in ("summary", "rows", "log", "distribution", "seats"):
        assert spec.context[key] == without.context[key], key
    assert spreadsheets.download(calibrated.admin, campaign, spreadsheets.SHEETS["sift-results"]).body == sheet.body
