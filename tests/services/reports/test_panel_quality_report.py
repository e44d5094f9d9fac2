"""The panel quality section of the sift and interview reports (DESIGN §11): alpha overall and per criterion with
its interval, each panel member's scores against the rest of the panel, and the chart and table of the scores each
gave, read back from the tagged PDF."""

from __future__ import annotations

from recruit.services.reports.content.interview import interview_report
from recruit.services.reports.content.sift import sift_report
from tests.factories import add_applications, interview_stage, scores_with_a_high_scorer, sift_campaign
from tests.helpers import check_furniture, flat, pages_text, parse_html, rendered, shows


def high_scorer_sift(admin):
    """A sift of twelve applications on two criteria, every one scored by the chair and two members, Member 2
    about two points above the others."""
    setup = sift_campaign(admin, applications=2, members=2, keep_criteria=2)
    added = [application_id for application_id, _ in add_applications(setup.campaign, 10, start=50)]
    scores_with_a_high_scorer(setup.campaign, [a.id for a in setup.applications] + added, setup.assessors)
    return setup


def test_the_sift_report_has_a_panel_quality_section_with_alpha_differences_and_each_members_scores(make_user):
    setup = high_scorer_sift(make_user(role="admin"))
    campaign = setup.campaign
    spec = sift_report(campaign)
    html, reader = rendered(spec)
    check_furniture(reader, campaign.reference, spec.title)  # still tagged, with its furniture on every page
    text = flat(" ".join(pages_text(reader)))

    assert shows("Panel quality", text) and shows("from the 72 scores counted", text)
    one, two = (c.name for c in campaign.criteria_at("sift"))
    assert shows("All criteria 0.55 0.32 to 0.67 0.49 0.32 to 0.59 24 72", text)
    assert shows(f"{one} 0.55", text) and shows(f"{two} 0.57", text)
    assert shows("Member 2 +1.6 24 0.12 Differs from the panel. Member 2 scores on average 1.6 higher", text)
    assert shows("Chair Person -0.8 24 0.11 Chair Person scores on average 0.8 lower than the rest of the panel", text)
    assert shows("These figures never change any score", text)
    # The chart says its figures, and the table under it has the same.
    soup = parse_html(html)
    chart = soup.select_one("#panel-quality figure img")
    assert chart["alt"].endswith("Member 2: 3 scores of 3, 6 of 4, 3 of 5, 6 of 6, 6 of 7.")
    assert shows("Member 2 0 0 3 6 3 6 6 24", text)


def test_a_sift_without_scores_says_so_in_the_section(make_user):
    setup = sift_campaign(make_user(role="admin"), applications=1, members=1, keep_criteria=1)
    html, reader = rendered(sift_report(setup.campaign))
    text = flat(" ".join(pages_text(reader)))
    assert shows("All criteria Too few scores to judge yet", text)
    assert shows("Chair Person – 0 – Chair Person has no items scored by the rest of the panel yet", text)
    assert shows("No scores have been submitted yet.", text)
    assert parse_html(html).select_one("#panel-quality figure") is None


def test_the_interview_report_has_the_section_and_one_candidates_record_does_not(make_user):
    setup, chair = interview_stage(make_user(role="admin"))
    campaign = setup.campaign
    spec = interview_report(campaign)
    html, reader = rendered(spec)
    check_furniture(reader, campaign.reference, spec.title)
    text = flat(" ".join(pages_text(reader)))
    # Both interviewers gave every candidate the same scores: full agreement, and no difference.
    assert shows("Panel quality", text)
    assert shows("All criteria 1.00", text) and shows("20 40", text)
    assert shows(f"{chair.name} 0.0 20", text) and shows("scores on average the same as the rest of the panel", text)
    assert not shows("Differs from the panel", text)

    html, _ = rendered(interview_report(campaign, setup.applications[0]))
    assert "Panel quality" not in html
