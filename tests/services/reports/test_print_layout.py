"""The PDF reports on paper, read back from where their text lands on each page: column headings whole, short tables
on one page while long ones run on, no heading left at a page's foot, chart labels in full, and the stage's state
as the report's status."""

from __future__ import annotations

import io
import re
from base64 import b64decode
from dataclasses import dataclass

import pypdf
import pytest
from flask import render_template, render_template_string

from recruit.clock import format_uk_date
from recruit.extensions import db
from recruit.services.assessment import agreement, results, scoring
from recruit.services.campaigns import status as campaign_status
from recruit.services.campaigns.criteria import add_own_criterion
from recruit.services.campaigns.stages import stage_record
from recruit.services.reports import charts
from recruit.services.reports.content.interview import interview_report
from recruit.services.reports.content.merit import merit_report
from recruit.services.reports.content.shared import MARKING, ReportSpec, StageState, css_string, stage_state
from recruit.services.reports.content.sift import sift_report
from recruit.services.reports.pdf.rendering import render_pdf
from tests.factories import UserFactory, draft_campaign, score, sift_campaign, submit_score
from tests.helpers import parse_html

# A criterion of the campaign's own: a long title, and no framework level ("Not a framework competency").
LONG_CRITERION = "Seeing the big picture across government and the wider public sector, and acting on it"
CHAIR = "Rosalind Featherstonehaugh-Wolfenden"
MEMBER = "Tobias Okonkwo-Marchetti"
# The page's margins in points (A4: 22 mm above, 20 mm below): text outside them is the page furniture.
TOP_MARGIN, BOTTOM_MARGIN = 62.4, 56.7
PAGE_BODY_MM = 297 - 22 - 20


@dataclass
class Piece:
    """A run of text as the PDF draws it: WeasyPrint draws each line of each table cell as one."""

    page: int
    x: float
    y: float  # from the foot of the page, in points
    text: str


def pieces(data: bytes) -> list[Piece]:
    found: list[Piece] = []
    for number, page in enumerate(pypdf.PdfReader(io.BytesIO(data)).pages, start=1):

        def visit(text, cm, tm, font, size, number=number):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                found.append(Piece(number, x, y, text.strip()))

        page.extract_text(visitor_text=visit)
    return found


def page_bodies(data: bytes) -> list[list[str]]:
    """Each page's lines of text within its margins, top to bottom."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    lines: dict[int, dict[int, list[Piece]]] = {n: {} for n in range(1, len(reader.pages) + 1)}
    for piece in pieces(data):
        height = float(reader.pages[piece.page - 1].mediabox.height)
        if BOTTOM_MARGIN < piece.y < height - TOP_MARGIN:
            lines[piece.page].setdefault(round(piece.y), []).append(piece)
    return [
        [" ".join(p.text for p in sorted(row, key=lambda p: p.x)) for _, row in sorted(page.items(), reverse=True)]
        for _, page in sorted(lines.items())
    ]


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def broken_words(data: bytes, words: set[str]) -> list[str]:
    """Words drawn in two pieces, the end of one line and the start of the line below it in the same column
    ("Weigh" over "t"). A line may end at a word's own hyphen ("Okonkwo-" over "Marchetti")."""
    drawn = pieces(data)
    broken = []
    for upper in drawn:
        last = upper.text.split()[-1]
        if last.endswith("-"):
            continue
        for lower in drawn:
            if (
                lower.page == upper.page
                and 0 < upper.y - lower.y < 20
                and abs(lower.x - upper.x) < 40
                and last + lower.text.split()[0] in words
            ):
                broken.append(f"{last}|{lower.text.split()[0]} on page {upper.page}")
    return broken


def heading_texts(html: str) -> set[str]:
    return {squeezed(e.get_text()) for e in parse_html(html).select("h1, h2, h3, h4, h5, h6, caption")}


def headings_at_a_foot(html: str, data: bytes) -> list[str]:
    """Headings (or captions) that are the last text on a page, whole or the end of one wrapped over lines."""
    headings = heading_texts(html)
    found = []
    for number, lines in enumerate(page_bodies(data), start=1):
        tail = ""
        for line in reversed(lines):
            tail = squeezed(line) + tail
            if tail in headings:
                found.append(f"{tail} on page {number}")
                break
            if not any(heading.endswith(tail) for heading in headings):
                break
    return found


def render(spec: ReportSpec) -> tuple[str, bytes]:
    html = render_template(spec.template, **spec.context)
    return html, render_pdf(html, title=spec.title)


def render_sample(body: str, **context) -> tuple[str, bytes]:
    """Markup in a report's own page and style sheet (pdf/base.html), with the report's parts (pdf/_parts.html)."""
    html = render_template_string(
        '{% extends "pdf/base.html" %}{% import "pdf/_parts.html" as parts %}{% block content %}'
        + body
        + "{% endblock %}",
        title="Layout",
        header_reference="LAYOUT",
        marking=css_string(MARKING),
        **context,
    )
    return html, render_pdf(html, title="Layout")


def status_of(data: bytes) -> str:
    first = page_bodies(data)[0]
    return next(line.removeprefix("Status").strip() for line in first if line.startswith("Status"))


@pytest.fixture
def campaign_at_interview(make_user):
    """A campaign with a long-titled criterion of its own, through a signed-off sift to an interview panel with
    long names, three candidates scored and agreed at interview (not signed off)."""
    admin = make_user(role="admin")

    def long_criterion(campaign):
        add_own_criterion(admin, campaign, LONG_CRITERION, "Shows how the work fits the wider picture.", True, True)

    setup = sift_campaign(admin, applications=4, keep_criteria=2, configure=long_criterion)
    campaign = setup.campaign
    codes = [c.code for c in campaign.criteria_at("sift")]
    for number, application in enumerate(setup.applications):
        for code in codes:
            for assessor in setup.assessors:
                score(assessor, setup, application, code, 4 + number % 3)
    agreement.confirm_all_proposals(setup.chair, campaign, "sift", setup.applications)
    results.decide(admin, campaign, "sift", "all_passing", None)
    results.sign_off(setup.chair, campaign, "sift")
    sift_pdf = render(sift_report(campaign))
    chair = UserFactory(role="assessor", name=CHAIR)
    member = UserFactory(role="assessor", name=MEMBER)
    setup.to_interview(chair=chair, member=member, failed=setup.applications[3:])
    db.session.refresh(stage_record(campaign, "sift"))
    criteria = campaign.criteria_at("interview")
    for number, application in enumerate(setup.applications[:3]):
        for person in (chair, member):
            scoring.declare(person, campaign, application, "interview", False, "")
            for criterion in criteria:
                submit_score(person, campaign, application, criterion, 5 + number % 3, stage="interview")
    agreement.confirm_all_proposals(chair, campaign, "interview", setup.applications[:3])
    return setup, chair, sift_pdf


# Column headings ------------------------------------------------------------------------------------------------


def test_column_headings_are_never_broken_inside_a_word(campaign_at_interview):
    setup, chair, (sift_html, sift_pdf) = campaign_at_interview
    results.sign_off(chair, setup.campaign, "interview")
    reports = [(sift_html, sift_pdf), render(interview_report(setup.campaign)), render(merit_report(setup.campaign))]
    for html, data in reports:
        words = {word for th in parse_html(html).select("thead th") for word in th.get_text().split()}
        assert {"Weight", "Score"} <= words or {"Interview", "Offer"} <= words
        assert broken_words(data, words) == []
    # The narrow number columns beside the long criterion and its long level kept their headings whole ("Pass mark"
    # may take two lines).
    assert any(squeezed(line).startswith("CriterionLevelWeightPass") for line in page_bodies(sift_pdf)[0])


# Short tables and long ones -------------------------------------------------------------------------------------


def test_the_scoring_scale_is_never_split_over_pages(admin):
    points = draft_campaign(admin).scale.points
    # The scale below fillers from half a page to a whole page's height: wherever it would cross a page's foot.
    heights = range(130, PAGE_BODY_MM, 9)
    body = "".join(
        f'<section style="break-before: page"><p>Sample {number}</p><div style="height: {height}mm"></div>'
        "{{ parts.scale_table(points) }}</section>"
        for number, height in enumerate(heights)
    )
    html, data = render_sample(body, points=points)
    drawn = pieces(data)
    starts = [next(p.page for p in drawn if p.text == f"Sample {number}") for number in range(len(heights))]
    moved = 0
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(drawn)
        mine = [p for p in drawn if start <= p.page < end]
        caption = [p.page for p in mine if p.text == "Scoring scale"]
        rows = [p.page for p in mine if p.text in {point.descriptor for point in points}]
        assert len(caption) == 1 and len(rows) == len(points), f"sample {number}"
        assert set(rows) == set(caption), f"sample {number}: the scale is split over pages"
        moved += caption[0] != start
    assert 0 < moved < len(heights)  # some samples had room for the scale on their own page, some did not


def test_long_tables_run_on_from_the_page_they_start_on():
    # A merit list of 60 below a filler of two-thirds of a page starts on the filler's page, not after a blank.
    rows = [
        {"place": n, "name": f"Candidate {n}", "reference": f"RC-{n:05d}", "interview": 20, "status": "Reserve list"}
        for n in range(1, 61)
    ]
    body = '<p>Sample</p><div style="height: 170mm"></div>{{ parts.merit_table(rows, "interview") }}'
    html, data = render_sample(body, rows=rows)
    drawn = pieces(data)
    assert next(p.page for p in drawn if p.text == "Candidate 1") == 1
    assert next(p.page for p in drawn if p.text == "Candidate 60") > 1


# Headings -------------------------------------------------------------------------------------------------------

PARAGRAPH = "The panel heard how the candidate planned the work, who was involved and what changed as a result. " * 6


def test_no_heading_is_left_at_the_foot_of_a_page():
    # Each level of heading, and a table's caption, below fillers that bring it to the foot of a page.
    heights = range(PAGE_BODY_MM - 40, PAGE_BODY_MM - 2, 3)
    samples = []
    for number, height in enumerate(heights):
        level = 1 + number % 4
        samples.append(
            f'<section style="break-before: page"><div style="height: {height}mm"></div>'
            f"<h{level}>Heading {number} at level {level}</h{level}><p>{PARAGRAPH}</p></section>"
            f'<section style="break-before: page"><div style="height: {height}mm"></div>'
            f"<h2>Table {number}</h2>"
            '<table class="offers" data-split><caption>Caption {number}</caption>'
            "<thead><tr><th scope='col'>Candidate</th><th scope='col'>Status</th></tr></thead><tbody>"
            + "".join(f"<tr><td>Candidate {n}</td><td>Offered</td></tr>" for n in range(12))
            + "</tbody></table></section>"
        )
    html, data = render_sample("".join(samples))
    assert headings_at_a_foot(html, data) == []


def test_no_heading_is_left_at_the_foot_of_a_page_of_a_report(campaign_at_interview):
    setup = campaign_at_interview[0]
    for html, data in (campaign_at_interview[2], render(interview_report(setup.campaign))):
        assert headings_at_a_foot(html, data) == []


# Charts ---------------------------------------------------------------------------------------------------------


def drawn_text(svg: str) -> str:
    """The chart's text: drawn as paths, each line of it is named in a comment before its glyphs (a line may end
    at a hyphen of the text's own)."""
    return " ".join(re.findall(r"<!-- (.*?) -->", svg)).replace("- ", "-")


CRITERIA = ["Leading and Communicating", "Managing a Quality Service", LONG_CRITERION, "Delivering at Pace"]


def test_chart_labels_are_printed_in_full():
    comparison = charts.panel_comparison(
        CRITERIA, [CHAIR, MEMBER], [[5, 6], [4, 4], [6, 6], [3, 4]], [5, 4, 6, 4], [1, 2, 3, 4, 5, 6, 7]
    )
    distribution = charts.score_distribution(CRITERIA, [1, 2, 3, 4, 5, 6, 7], [[0, 1, 2, 3, 4, 5, 6]] * 4, 21)
    for chart in (comparison, distribution):
        text = drawn_text(chart.svg)
        assert "…" not in text
        for name in CRITERIA:
            assert " ".join(name.split()) in text, name
    assert CHAIR in drawn_text(comparison.svg) and MEMBER in drawn_text(comparison.svg)
    # The long name wraps over lines the figure makes room for: the panel comparison grows taller.
    short = charts.panel_comparison(["Delivering at Pace"], [MEMBER], [[4]], [4], [1, 2, 3, 4, 5, 6, 7])
    assert _height(comparison.svg) > _height(short.svg)


def _height(svg: str) -> float:
    return float(re.search(r'height="([\d.]+)pt"', svg).group(1))


def test_the_report_charts_carry_their_labels_in_full(campaign_at_interview):
    setup = campaign_at_interview[0]
    html, _ = campaign_at_interview[2]
    soup = parse_html(html)
    for img in soup.select("figure img"):
        svg = b64decode(img["src"].split(",", 1)[1]).decode()
        # The panel quality chart has one small chart per panel member, named in full; the others, per criterion.
        names = [s.name for s in setup.assessors] if img.find_parent(id="panel-quality") else [LONG_CRITERION]
        assert all(name in drawn_text(svg) for name in names) and "…" not in drawn_text(svg)
    assert soup.select("#panel-quality figure img")
    assert setup.campaign.criteria_at("sift")[-1].name == LONG_CRITERION


# The status line ------------------------------------------------------------------------------------------------


def test_the_status_printed_is_the_stages_state_at_the_time(campaign_at_interview):
    setup, chair, (sift_html, sift_pdf) = campaign_at_interview
    campaign = setup.campaign
    sift_day = format_uk_date(stage_record(campaign, "sift").signed_off_at)
    # The sift report made after the sift's sign-off; the campaign has moved on since, and the sift is still so.
    assert status_of(sift_pdf) == f"Sift – signed off {sift_day}"
    assert status_of(render(sift_report(campaign))[1]) == f"Sift – signed off {sift_day}"
    assert status_of(render(interview_report(campaign))[1]) == "Interview – in progress"
    results.sign_off(chair, campaign, "interview")
    interview_day = format_uk_date(stage_record(campaign, "interview").signed_off_at)
    assert status_of(render(merit_report(campaign))[1]) == f"Interview – signed off {interview_day}"
    campaign_status.move(setup.admin, campaign, "complete")
    assert status_of(render(merit_report(campaign))[1]) == f"Interview – complete, signed off {interview_day}"


def test_the_stage_state_before_sign_off(make_user):
    admin = make_user(role="admin")
    setup = sift_campaign(admin, applications=1, keep_criteria=1)
    campaign = setup.campaign
    record = stage_record(campaign, "sift")
    assert stage_state(campaign, "sift", record).label == "Sift – in progress"
    assert stage_state(campaign, "interview", None).label == "Interview – not started"
    record.presift_active = True
    assert stage_state(campaign, "sift", record).label == "Sift – pre-sift in progress"
    campaign_status.move(admin, campaign, "withdrawn", "The post is no longer needed")
    assert stage_state(campaign, "sift", record) == StageState("sift", "withdrawn")
    assert stage_state(campaign, "sift", record).label == "Sift – not signed off, the campaign was withdrawn"
    details = dict(sift_report(campaign).context["details"])
    assert details["Status"] == "Sift – not signed off, the campaign was withdrawn"
