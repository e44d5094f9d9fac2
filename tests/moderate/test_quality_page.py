"""The panel quality page and the board's agreement between assessors (DESIGN §11): alpha overall and per criterion
with its interval, units and pairable values, worked out afresh from the submitted scores; each panel member's scores
against the rest of the panel, in neutral words, with the chart and table of the scores they gave; for the stage's
chair and admins only, and never shown to a panel member who is not the chair."""

from __future__ import annotations

import pytest

from recruit.services.reports.content.sift import sift_report
from tests.factories import (
    UserFactory,
    add_applications,
    interview_stage,
    score,
    scores_with_a_high_scorer,
    sift_campaign,
)
from tests.helpers import parse, signed_in

# Words that belong to the quality figures, never to be seen by a panel member who is not the chair.
QUALITY_WORDS = (
    "alpha",
    "krippendorff",
    "panel quality",
    "agreement between",
    "differs from the panel",
    "than the rest of the panel",
    "leniency",
    "standard error",
)


@pytest.fixture
def setup(admin):
    """Twelve applications on two criteria, all scored by the chair and two members; Member 2 about two points above
    the other two."""
    setup = sift_campaign(admin, applications=2, members=2, keep_criteria=2)
    added = [application_id for application_id, _ in add_applications(setup.campaign, 10, start=50)]
    scores_with_a_high_scorer(setup.campaign, [a.id for a in setup.applications] + added, setup.assessors)
    return setup


def quality_url(setup, stage: str = "sift") -> str:
    return f"/moderate/{setup.campaign.id}/{stage}/quality"


def table(soup, selector: str) -> list[list[str]]:
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")] for row in soup.select(f"{selector} tbody tr")
    ]


def test_the_chair_sees_agreement_each_members_scores_and_that_nothing_changes_a_score(app, setup):
    soup = parse(signed_in(app, setup.chair).client.get(quality_url(setup)))
    assert soup.h1.get_text(strip=True) == "Panel quality: sift"
    one, two = (c.name for c in setup.campaign.criteria_at("sift"))
    assert table(soup, "#agreement") == [
        ["All criteria", "0.55", "0.32 to 0.67", "0.49", "0.32 to 0.59", "24", "72"],
        [one, "0.55", "0.12 to 0.71", "0.52", "0.13 to 0.67", "12", "36"],
        [two, "0.57", "0.24 to 0.69", "0.48", "0.25 to 0.56", "12", "36"],
    ]
    assert table(soup, "#leniency") == [
        [
            "Chair Person",
            "-0.8",
            "24",
            "0.11",
            "24",
            "Chair Person scores on average 0.8 lower than the rest of the panel on 24 shared items.",
        ],
        [
            "Member 1",
            "-0.8",
            "24",
            "0.11",
            "24",
            "Member 1 scores on average 0.8 lower than the rest of the panel on 24 shared items.",
        ],
        [
            "Member 2",
            "+1.6",
            "24",
            "0.12",
            "24",
            "Differs from the panel Member 2 scores on average 1.6 higher than the rest of the panel on 24 shared items.",
        ],
    ]
    assert soup.select_one("#flagged-count").get_text(" ", strip=True).startswith("1 panel member's scores differ")
    # The chart of each member's scores, with the same figures in words and in the table.
    image = soup.select_one("#assessor-scores img")
    assert image["src"].startswith("data:image/svg+xml;base64,")
    assert "Member 2: 3 scores of 3, 6 of 4, 3 of 5, 6 of 6, 6 of 7." in image["alt"]
    assert table(soup, "#assessor-scores-figures")[2] == ["Member 2", "0", "0", "3", "6", "3", "6", "6", "24"]
    assert "never change any score" in soup.select_one("#never-changes").get_text()
    assert "0.80 or more is good agreement" in soup.select_one("#alpha-explained").get_text()
    assert "10 or more shared items" in soup.select_one("#differences-explained").get_text()
    assert soup.select_one(".govuk-back-link")["href"] == f"/moderate/{setup.campaign.id}/sift"


def test_the_page_shows_the_same_figures_and_chart_as_the_sift_report(app, setup):
    in_report = sift_report(setup.campaign).context["panel_quality"]
    soup = parse(signed_in(app, setup.admin).client.get(quality_url(setup)))
    image = soup.select_one("#assessor-scores img")
    assert image["src"] == in_report.chart.src and image["alt"] == in_report.chart.alt
    assert soup.select_one(".govuk-back-link")["href"] == f"/moderate/{setup.campaign.id}/sift/results"


def test_before_any_scores_the_page_says_there_are_too_few_to_judge(app, admin):
    setup = sift_campaign(admin, applications=1, members=1, keep_criteria=1)
    soup = parse(signed_in(app, setup.chair).client.get(quality_url(setup)))
    assert table(soup, "#agreement")[0] == ["All criteria", "Too few scores to judge yet", "0", "0"]
    assert table(soup, "#leniency")[0][:4] == ["Chair Person", "–", "0", "–"]
    assert soup.select_one("#assessor-scores").get_text(strip=True) == "No scores have been submitted yet."
    # A stage without a panel yet: the admin's page says so rather than failing.
    soup = parse(signed_in(app, admin).client.get(quality_url(setup, "interview")))
    assert table(soup, "#leniency") == [["No panel has been set for this stage."]]


def test_the_board_shows_the_agreement_live_and_links_to_the_quality_page(app, admin):
    setup = sift_campaign(admin, applications=2, members=2, keep_criteria=2)
    board = f"/moderate/{setup.campaign.id}/sift"
    chair = signed_in(app, setup.chair).client
    soup = parse(chair.get(board))
    assert table(soup, "#agreement")[0][:2] == ["All criteria", "Too few scores to judge yet"]
    assert soup.select_one("#flagged-count") is None
    assert soup.select_one("#quality-link")["href"] == quality_url(setup)

    added = [application_id for application_id, _ in add_applications(setup.campaign, 10, start=50)]
    scores_with_a_high_scorer(setup.campaign, [a.id for a in setup.applications] + added, setup.assessors)
    soup = parse(chair.get(board))
    assert table(soup, "#agreement")[0] == ["All criteria", "0.55", "0.32 to 0.67", "0.49", "0.32 to 0.59", "24", "72"]
    assert len(table(soup, "#agreement")) == 3  # and each criterion's
    # The board names nobody: how many differ, and where to look.
    assert soup.select_one("#flagged-count").get_text(" ", strip=True).startswith("1 panel member's scores differ")
    assert "Member 2" not in soup.select_one("#flagged-count").get_text()
    assert "Differs from the panel" not in soup.get_text()


def one_item_short(admin):
    """Ten applications on one criterion, all scored by the chair and nine by the member: one item short of the ten
    scored twice that a figure needs. The setup and the criterion's code."""
    setup = sift_campaign(admin, applications=10, members=1, keep_criteria=1)
    code = setup.campaign.criteria_at("sift")[0].code
    for number, application in enumerate(setup.applications):
        score(setup.chair, setup, application, code, 3 + number % 3)
        if number < 9:
            score(setup.members[0], setup, application, code, 3 + number % 3)
    return setup, code


def test_a_score_submitted_shows_on_the_board_at_once(app, admin):
    """Ten items with two scores each: one more counted score moves the figure."""
    setup, code = one_item_short(admin)
    chair = signed_in(app, setup.chair).client
    board = f"/moderate/{setup.campaign.id}/sift"
    assert table(parse(chair.get(board)), "#agreement")[0][1] == "Too few scores to judge yet"  # 9 items
    score(setup.members[0], setup, setup.applications[9], code, 6)
    assert table(parse(chair.get(board)), "#agreement")[0][1:2] != ["Too few scores to judge yet"]


def test_a_large_stages_board_shows_the_figures_of_the_last_minute_and_says_when(app, admin, monkeypatch):
    """On a stage of at least BOARD_LIVE_BELOW_SCORES counted scores (here made 1, so that ten items count as large)
    the board works the figures out at most once a minute, and says when it did; the quality page always counts
    every score."""
    from datetime import UTC, datetime, timedelta

    from recruit.services.assessment import quality

    monkeypatch.setattr(quality, "BOARD_LIVE_BELOW_SCORES", 1)
    now = [datetime(2026, 12, 7, 14, 5, tzinfo=UTC)]
    monkeypatch.setattr(quality, "utcnow", lambda: now[0])
    setup, code = one_item_short(admin)
    chair = signed_in(app, setup.chair).client
    board = f"/moderate/{setup.campaign.id}/sift"
    soup = parse(chair.get(board))
    assert table(soup, "#agreement")[0][1] == "Too few scores to judge yet"
    said = soup.select_one("#agreement-as-of").get_text(" ", strip=True)
    assert said.startswith("Worked out on 7 December 2026 at 2:05pm from 19 submitted scores.")
    assert "Up to date with every score submitted" not in soup.get_text()

    score(setup.members[0], setup, setup.applications[9], code, 6)
    now[0] += timedelta(seconds=59)
    soup = parse(chair.get(board))
    assert table(soup, "#agreement")[0][1] == "Too few scores to judge yet"  # as worked out a minute ago
    assert "from 19 submitted scores" in soup.select_one("#agreement-as-of").get_text()
    exact = table(parse(chair.get(quality_url(setup))), "#agreement")[0]
    assert exact[1] != "Too few scores to judge yet"  # the quality page counts the 20th score at once

    now[0] += timedelta(seconds=2)
    soup = parse(chair.get(board))
    assert table(soup, "#agreement")[0] == exact
    assert (
        soup.select_one("#agreement-as-of")
        .get_text(" ", strip=True)
        .startswith("Worked out on 7 December 2026 at 2:06pm from 20 submitted scores.")
    )


def test_a_large_stages_board_shows_figures_another_process_worked_out(app, admin, monkeypatch):
    """The figures are kept in the shared cache: what one process worked out in the last minute, another shows."""
    from datetime import UTC, datetime, timedelta

    from recruit.extensions import shared_cache
    from recruit.services.assessment import quality

    monkeypatch.setattr(quality, "BOARD_LIVE_BELOW_SCORES", 1)
    now = datetime(2026, 12, 7, 14, 5, tzinfo=UTC)
    monkeypatch.setattr(quality, "utcnow", lambda: now)
    setup = sift_campaign(admin, applications=2, members=2, keep_criteria=2)
    added = [application_id for application_id, _ in add_applications(setup.campaign, 10, start=50)]
    scores_with_a_high_scorer(setup.campaign, [a.id for a in setup.applications] + added, setup.assessors)
    chair = signed_in(app, setup.chair).client
    board = f"/moderate/{setup.campaign.id}/sift"
    first = table(parse(chair.get(board)), "#agreement")
    key = quality.board_figures_key(
        setup.campaign.id, "sift", [c.id for c in setup.campaign.criteria_at("sift")], range(1, 8)
    )
    _, figures, _ = shared_cache.get(key)
    # As another process would have kept them 20 seconds ago, from 70 scores.
    shared_cache.set(key, (now - timedelta(seconds=20), figures, 70))
    soup = parse(chair.get(board))
    assert table(soup, "#agreement") == first
    assert (
        soup.select_one("#agreement-as-of")
        .get_text(" ", strip=True)
        .startswith("Worked out on 7 December 2026 at 2:04pm from 70 submitted scores.")
    )


def test_a_shared_cache_out_of_reach_only_means_working_the_figures_out(app, admin, monkeypatch):
    from recruit.services.assessment import quality

    class OutOfReach:
        def get(self, key):
            raise ConnectionError("Redis is not answering")

        def set(self, key, value, timeout=None):
            raise ConnectionError("Redis is not answering")

    monkeypatch.setattr(quality, "BOARD_LIVE_BELOW_SCORES", 1)
    monkeypatch.setattr(quality, "shared_cache", OutOfReach())
    setup = sift_campaign(admin, applications=2, members=2, keep_criteria=2)
    added = [application_id for application_id, _ in add_applications(setup.campaign, 10, start=50)]
    scores_with_a_high_scorer(setup.campaign, [a.id for a in setup.applications] + added, setup.assessors)
    response = signed_in(app, setup.chair).client.get(f"/moderate/{setup.campaign.id}/sift")
    assert response.status_code == 200
    assert table(parse(response), "#agreement")[0][:3] == ["All criteria", "0.55", "0.32 to 0.67"]


def test_a_board_below_the_size_works_the_figures_out_at_once_and_says_so(app, admin):
    setup = sift_campaign(admin, applications=2, members=2, keep_criteria=2)
    soup = parse(signed_in(app, setup.chair).client.get(f"/moderate/{setup.campaign.id}/sift"))
    assert soup.select_one("#agreement-as-of") is None
    assert "Up to date with every score submitted when this page is opened." in soup.get_text(" ", strip=True)


def test_an_interview_panel_in_full_agreement(app, admin):
    setup, chair = interview_stage(admin)
    soup = parse(signed_in(app, chair).client.get(quality_url(setup, "interview")))
    assert table(soup, "#agreement")[0][:2] == ["All criteria", "1.00"]
    assert table(soup, "#agreement")[0][-2:] == ["20", "40"]
    assert "Differs from the panel" not in soup.get_text()


def test_the_quality_page_for_each_kind_of_person(app, client, setup):
    outsider = sift_campaign(setup.admin, applications=1, members=1, keep_criteria=1, email_domain="example.net")
    people = {
        "chair": (setup.chair, 200),
        "admin": (setup.admin, 200),
        "member": (setup.members[0], 403),
        "another campaign's assessor": (outsider.members[0], 403),
        "another campaign's chair": (outsider.chair, 403),
        "candidate": (setup.applications[0].candidate, 403),
        "assessor on no panel": (UserFactory(role="assessor"), 403),
    }
    got = {
        who: signed_in(app, person).client.get(quality_url(setup)).status_code for who, (person, _) in people.items()
    }
    assert got == {who: status for who, (_, status) in people.items()}
    response = client.get(quality_url(setup))
    assert response.status_code == 302 and "/sign-in" in response.location
    admin = signed_in(app, setup.admin).client
    assert admin.get(f"/moderate/{setup.campaign.id}/calibration/quality").status_code == 404
    assert admin.get(f"/moderate/{setup.campaign.id + 1000}/sift/quality").status_code == 404


def test_a_panel_member_who_is_not_the_chair_never_sees_a_quality_figure(app, setup):
    """Every page the member can reach for the campaign: the dashboard, the work list (by application and by
    criterion, and the drafts), an application and a scoring page."""
    campaign, member = setup.campaign, setup.members[1]  # Member 2, the one whose scores differ
    application, code = setup.applications[0], campaign.criteria_at("sift")[0].code
    client = signed_in(app, member).client
    base = f"/assess/{campaign.id}/sift"
    pages = ["/assess", base, f"{base}?by=criterion", f"{base}?show=drafts", f"{base}/{application.reference}"]
    pages += [f"{base}/{application.reference}/{code}", f"{base}/{application.reference}/{code}?by=criterion"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = parse(response).get_text(" ").lower()
        assert [word for word in QUALITY_WORDS if word in text] == [], url
        assert "/quality" not in response.get_data(as_text=True), url
    for url in (f"/moderate/{campaign.id}/sift", quality_url(setup), f"/reports/{campaign.id}"):
        assert client.get(url).status_code == 403, url


def test_admins_reach_the_page_from_the_campaign_and_the_results(app, setup):
    admin = signed_in(app, setup.admin).client
    campaign = parse(admin.get(f"/admin/campaigns/{setup.campaign.id}"))
    assert campaign.select_one("#sift-quality-link")["href"] == quality_url(setup)
    assert campaign.select_one("#interview-quality-link") is None  # not at interview yet
    results = parse(admin.get(f"/moderate/{setup.campaign.id}/sift/results"))
    assert results.select_one("#quality-link")["href"] == quality_url(setup)
