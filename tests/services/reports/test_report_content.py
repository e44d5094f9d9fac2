"""What the PDF reports show, read back from the rendered PDF: the sift report (name-blind), the interview report,
the merit list and the candidate's feedback letter; their page furniture, tagging and escaping; and the same
score-distribution chart on the results page."""

from __future__ import annotations

import io
import re
from base64 import b64decode

import pypdf
import pytest
from flask import render_template
from sqlalchemy import select

from recruit.clock import format_uk
from recruit.extensions import db
from recruit.models import Application
from recruit.services import change_tokens
from recruit.services.assessment import agreement, feedback, results, scoring
from recruit.services.campaigns.criteria import update_criterion
from recruit.services.campaigns.stages import stage_record
from recruit.services.errors import Refused
from recruit.services.interview import offers
from recruit.services.reports.content.feedback_letter import feedback_letter
from recruit.services.reports.content.interview import interview_report
from recruit.services.reports.content.merit import merit_report
from recruit.services.reports.content.sift import sift_report
from recruit.services.reports.pdf.rendering import render_pdf_parallel
from tests.factories import UserFactory, draft_campaign, offer_terms, score, sift_campaign, submit_score
from tests.helpers import Statements, check_furniture, flat, pages_text, parse_html, rendered, shows, squeezed

NAMES = ["Zephyrine Quillfeather", "Ottoline Vasquez-Brannigan", "Ignatius Wolfenden", "Philippa Okonkwo-Marchetti"]
HOSTILE = '<script>alert("owned")</script> <img src="file:///etc/passwd"> see https://tracker.example.net/pixel.png'


def set_identity(application, number: int) -> None:
    name = NAMES[number]
    email = name.split()[0].lower() + "@example.org"
    application.personal_details.full_name = name
    application.personal_details.email = email
    application.personal_details.phone = f"07700 9001{number:02d}"
    application.candidate.name = name
    application.candidate.email = email


# Agreed sift scores per application (A1 chair, A2 Member 1, A3 Member 2; None: Member 2 declared a conflict) for
# the three criteria; proposals are the mean rounded half up.
SIFT = [
    [[5, 5, 6], [6, 6, 6], [5, 5, 5]],  # 5 6 5 → 16, ties with the next: =1
    [[2, 5, 6], [6, 6, 6], [5, 5, 5]],  # discrepant first criterion, agreed 5 → 16: =1
    [[4, 4, 4], [4, 5, 4], [6, 6, 7]],  # 4 4 6 → 14: 3; the third item is reopened and agreed again
    [[3, 3, None], [5, 5, None], [5, 5, None]],  # 3 below the pass mark → 13, fails
]
EXPECTED_ROWS = [
    ("5 5 6 5", "6 6 6 6", "5 5 5 5", "16 Pass =1"),
    ("2 5 6 5", "6 6 6 6", "5 5 5 5", "16 Pass =1"),
    ("4 4 4 4", "4 5 4 4", "6 6 7 6", "14 Pass 3"),
    ("3 3 C 3*", "5 5 C 5", "5 5 C 5", "13 Fail"),
]
REOPEN_REASON = "Member 2 asked to look again at the evidence on outcomes"


@pytest.fixture
def sift(make_user):
    setup = sift_campaign(make_user(role="admin"), applications=4, keep_criteria=3)
    campaign = setup.campaign
    setup.applications.sort(key=lambda a: a.reference)
    for number, application in enumerate(setup.applications):
        set_identity(application, number)
    db.session.commit()
    codes = [c.code for c in campaign.criteria_at("sift")]
    member_2 = setup.members[1]
    scoring.declare(member_2, campaign, setup.applications[3], "sift", True, "Worked with this candidate")
    for application, rows in zip(setup.applications, SIFT):
        for code, values in zip(codes, rows):
            for assessor, value in zip(setup.assessors, values):
                if value is not None:
                    score(assessor, setup, application, code, value)
    chair = setup.chair
    assert agreement.confirm_all_proposals(chair, campaign, "sift", setup.applications) == 11
    criteria = campaign.criteria_at("sift")
    agreement.agree(chair, campaign, setup.applications[1], criteria[0], "sift", 5, HOSTILE)
    reopened = agreement.item_for(campaign, "sift", setup.applications[2], criteria[2]).agreed
    agreement.reopen(chair, campaign, reopened, REOPEN_REASON)
    agreement.agree(chair, campaign, setup.applications[2], criteria[2], "sift", 6, "Confirmed after a second look")
    results.decide(setup.admin, campaign, "sift", "all_passing", None)
    results.sign_off(chair, campaign, "sift")
    return setup


def test_sift_report_shows_every_score_total_rank_and_the_moderation_log(sift):
    campaign = sift.campaign
    spec = sift_report(campaign)
    assert spec.template == "pdf/sift.html"
    assert spec.title == f"Sift report – {campaign.reference} – {campaign.title}"
    html, reader = rendered(spec)
    check_furniture(reader, campaign.reference, spec.title)
    text = flat(" ".join(pages_text(reader)))

    for application, expected in zip(sift.applications, EXPECTED_ROWS):
        assert shows(f"{application.reference} {' '.join(expected)}", text), application.reference
    # The panel and the criteria with their levels, weights and pass marks; the scale.
    for person in sift.assessors:
        assert shows(person.name, text)
    for criterion in campaign.criteria_at("sift"):
        assert shows(f"{criterion.name} {criterion.level.name} 1 4", text)
    assert shows("7 Outstanding", text)
    assert shows("Applications passing 3", text) and shows("Applications not passing 1", text)
    assert shows("Discrepant items 1", text) and shows("Agreed scores reopened 1", text)
    # The moderation log: the discrepant item with its scores and rationale, and the reopening with its reason.
    first, third = campaign.criteria_at("sift")[0].name, campaign.criteria_at("sift")[2].name
    assert shows(
        f"{sift.applications[1].reference} {first} A1 2, A2 5, A3 6 Scores 4 apart; scores on both sides", text
    )
    assert shows(f"Reason: {REOPEN_REASON}", text)
    assert shows(f"{sift.applications[2].reference} {third} A1 6, A2 6, A3 7", text)
    assert shows("Confirmed after a second look", text)
    # Sign-off, with the chair and the UK time.
    record = stage_record(campaign, "sift")
    assert shows(f"Signed off by {sift.chair.name} on {format_uk(record.signed_off_at)}", text)
    assert shows("everyone who passes; 3 go on to interview", text)


def test_sift_report_is_name_blind_and_shows_candidate_text_as_written(sift):
    html, reader = rendered(sift_report(sift.campaign))
    text = " ".join(pages_text(reader))
    for application in sift.applications:
        details = application.personal_details
        for value in (details.full_name, details.email, details.phone, *details.full_name.split()):
            assert not shows(value, text) and value not in html
        assert shows(application.reference, text)
    # The rationale with markup in it is text: no script, no image fetched from a file or another site.
    assert "<script>" not in html and '<img src="file:' not in html
    assert squeezed(HOSTILE) in squeezed(text)
    assert set(re.findall(r'<img src="([^":]*):', html)) == {"data"}  # the charts, inline


# Interview: (chair, member) scores for the two criteria; candidate 0 and 1 are appointable, 2 is not (3 is below the
# pass mark), 3 did not attend and 4 did not pass the sift. One post: 0 is offered it, 1 is on the reserve list.
INTERVIEW = [
    [(6, 5), (6, 6)],  # agreed 6, 6 → 12, place 1
    [(4, 4), (3, 6)],  # agreed 4, and 5 on the discrepant item → 9, place 2
    [(3, 3), (5, 5)],  # agreed 3 (below 4), 5 → not appointable
]
FEEDBACK = "You gave a clear example of leading a team.\n\nGive more detail of the result you achieved."


@pytest.fixture
def interview(make_user):
    setup = sift_campaign(make_user(role="admin"), applications=5, keep_criteria=2)
    campaign, admin = setup.campaign, setup.admin
    setup.applications.sort(key=lambda a: a.reference)
    for number, application in enumerate(setup.applications[:4]):
        set_identity(application, number)
    setup.applications[4].personal_details.full_name = "Cornelius Sift-Failed"
    campaign.posts = 1
    chair, member = setup.to_interview(
        chair=UserFactory(role="assessor", name="Rosalind Interview-Chair"),
        member=UserFactory(role="assessor", name="Tobias Panel-Member"),
        failed=setup.applications[4:],
    )
    setup.applications[3].status = "did_not_attend"
    db.session.commit()
    criteria = campaign.criteria_at("interview")
    lists = scoring.indicator_choices(criteria[0])
    ticks = [lists["effective"][0].id, lists["ineffective"][0].id]
    for application, rows in zip(setup.applications, INTERVIEW):
        for person in (chair, member):
            scoring.declare(person, campaign, application, "interview", False, "")
        for criterion, values in zip(criteria, rows):
            for person, value in zip((chair, member), values):
                chosen = ticks if (person is chair and criterion is criteria[0]) else []
                rationale = (
                    HOSTILE
                    if (person is chair and application is setup.applications[0])
                    else f"{person.name} heard {value} for {criterion.name}"
                )
                submit_score(
                    person,
                    campaign,
                    application,
                    criterion,
                    value,
                    stage="interview",
                    rationale=rationale,
                    ticked=chosen,
                )
    assert agreement.confirm_all_proposals(chair, campaign, "interview", setup.applications[:3]) == 5
    agreement.agree(
        chair,
        campaign,
        setup.applications[1],
        criteria[1],
        "interview",
        5,
        "The member's higher score is borne out by the evidence",
    )
    for criterion in criteria:
        agreed = agreement.item_for(campaign, "interview", setup.applications[1], criterion).agreed
        feedback.save(chair, campaign, agreed, FEEDBACK if criterion is criteria[0] else HOSTILE)
    results.sign_off(chair, campaign, "interview")
    offers.make_offer(admin, campaign, setup.applications[0], offer_terms())
    return setup, chair, member, [lists["effective"][0].text, lists["ineffective"][0].text]


def test_interview_report_for_the_campaign(interview):
    setup, chair, member, ticked = interview
    campaign, people = setup.campaign, setup.applications
    spec = interview_report(campaign)
    assert spec.title == f"Interview report – {campaign.reference} – {campaign.title}"
    html, reader = rendered(spec)
    check_furniture(reader, campaign.reference, spec.title)
    text = flat(" ".join(pages_text(reader)))
    criteria = campaign.criteria_at("interview")

    for number in range(4):
        assert shows(NAMES[number], text)
    assert not shows("Cornelius", text)
    # Per criterion: the level, each member's score with the indicators they ticked and their rationale.
    assert shows(f"{criteria[0].name} Level: {criteria[0].level.name}", text)
    for indicator in ticked:
        assert squeezed(indicator) in squeezed(text)
    assert squeezed(HOSTILE) in squeezed(text) and "<script>" not in html
    assert shows(f"{member.name} 4 None ticked {member.name} heard 4 for {criteria[0].name}", text)
    assert shows(f"{member.name} 6 None ticked {member.name} heard 6 for {criteria[1].name}", text)
    assert shows("Agreed score: 5 – Good (proposed 5) Agreed rationale: The member's higher score is borne out", text)
    # Outcomes, in merit order, and the merit list.
    assert shows("Outcome Appointable, place 1 on the merit list: offer made Interview total 12", text)
    assert shows("Outcome Appointable, place 2 on the merit list: reserve list Interview total 9", text)
    assert shows("Outcome Not appointable Interview total 8", text)
    assert shows("Outcome Did not attend the interview", text)
    assert text.index(NAMES[0]) < text.index(NAMES[1]) < text.index(NAMES[2]) < text.index(NAMES[3])
    assert shows(f"1 {NAMES[0]} {people[0].reference} 12 Offer made", text)
    assert shows(f"2 {NAMES[1]} {people[1].reference} 9 Reserve list", text)
    # The chart of the panel's scores, described in words, and the same figures in a table.
    soup = parse_html(html)
    alts = [img["alt"] for img in soup.select("section.candidate figure img")]
    assert len(alts) == 3
    assert (f"{criteria[1].name}: {chair.name} 3, {member.name} 6; agreed 5.") in alts[1]
    assert shows(f"{criteria[1].name} 3 6 5", text)
    assert shows("Signed off by Rosalind Interview-Chair", text)


def test_interview_report_for_one_candidate(interview):
    setup, chair, member, ticked = interview
    campaign, people = setup.campaign, setup.applications
    spec = interview_report(campaign, people[1])
    assert spec.title == f"Interview report – {campaign.reference} – {people[1].reference}"
    html, reader = rendered(spec)
    check_furniture(reader, campaign.reference, spec.title)
    text = flat(" ".join(pages_text(reader)))
    assert shows(f"Interview report: {NAMES[1]}", text)
    assert shows("Outcome Appointable, place 2 on the merit list: reserve list", text)
    # No questions were chosen for this campaign's criteria and the panel kept no notes: the record says so.
    assert shows(f"No questions were chosen for this criterion. Evidence heard {chair.name} (chair) No notes", text)
    for other in (NAMES[0], NAMES[2], NAMES[3]):
        assert not shows(other, text)
    with pytest.raises(Refused, match="was not invited to interview"):
        interview_report(campaign, people[4])
    with pytest.raises(Refused):
        interview_report(draft_campaign(setup.admin), people[1])


def test_merit_list_report(interview):
    setup, chair, member, ticked = interview
    campaign, people = setup.campaign, setup.applications
    spec = merit_report(campaign)
    assert spec.title == f"Merit list – {campaign.reference} – {campaign.title}"
    html, reader = rendered(spec)
    check_furniture(reader, campaign.reference, spec.title)
    text = flat(" ".join(pages_text(reader)))
    view = offers.merit_view(campaign)
    assert shows("1 post. Merit order by the interview total", text)
    assert shows(f"The reserve list expires on {format_uk(view.reserve_expires_at)}", text)
    assert shows(
        f"1 {NAMES[0]} {people[0].reference} 12 Offer made 2 {NAMES[1]} {people[1].reference} 9 Reserve list", text
    )
    offer = view.offers[people[0].id]
    assert shows(f"{NAMES[0]} {people[0].reference} {format_uk(offer.made_at)} by {setup.admin.name} Offered –", text)
    assert shows(
        f"Appointable candidates without an offer, in merit order Place Candidate Reference 2 {NAMES[1]}", text
    )
    assert not shows(NAMES[2], text) and not shows(NAMES[3], text)


def test_feedback_letter_only_once_released(interview):
    setup, chair, member, ticked = interview
    campaign, candidate = setup.campaign, setup.applications[1]
    with pytest.raises(Refused, match="not been released"):
        feedback_letter(campaign, candidate)
    feedback.release(
        setup.admin, campaign, "interview", missing_confirmed=feedback.missing_feedback(campaign, "interview").items
    )
    spec = feedback_letter(campaign, candidate)
    assert spec.title == f"Feedback – {campaign.reference} – {candidate.reference}"
    html, reader = rendered(spec)
    # The candidate's own letter carries no protective marking: that is for the internal reports.
    check_furniture(reader, campaign.reference, spec.title, marked=False)
    assert "OFFICIAL" not in " ".join(pages_text(reader)).upper()
    text = flat(" ".join(pages_text(reader)))
    criteria = campaign.criteria_at("interview")
    assert shows(f"Dear {NAMES[1]},", text)
    assert shows("Outcome: Appointable – reserve", text)
    # The agreed score's label from the scale, not the number, and the feedback as written.
    assert shows(f"{criteria[0].name} Acceptable {flat(FEEDBACK)}", text)
    assert shows(f"{criteria[1].name} Good", text)
    assert squeezed(HOSTILE) in squeezed(text) and "<script>" not in html
    assert not shows("borne out by the evidence", text)  # the panel's own rationale is not the candidate's feedback
    for other in (NAMES[0], NAMES[2]):
        assert not shows(other, text)
    with pytest.raises(Refused):
        feedback_letter(draft_campaign(setup.admin), candidate)


def test_the_sift_report_lists_applications_that_left_at_the_pre_sift(make_user):
    admin = make_user(role="admin")

    def lead_on_second(campaign):
        criterion = campaign.criteria[1]
        update_criterion(
            admin,
            criterion,
            level=criterion.level,
            at_sift=True,
            at_interview=criterion.at_interview,
            weight=1,
            pass_mark=4,
            word_limit=criterion.word_limit,
            is_lead=True,
        )

    setup = sift_campaign(admin, applications=3, keep_criteria=2, presift_threshold=2, configure=lead_on_second)
    campaign = setup.campaign
    first, lead = campaign.criteria
    setup.applications.sort(key=lambda a: a.reference)
    kept, left, also_kept = setup.applications
    for application, value in ((kept, 5), (left, 3), (also_kept, 4)):
        for assessor in setup.assessors:
            score(assessor, setup, application, lead.code, value)
    agreement.confirm_all_proposals(setup.chair, campaign, "sift", setup.applications)
    results.finish_presift(setup.chair, campaign)

    spec = sift_report(campaign)
    soup = parse_html(render_template(spec.template, **spec.context))
    presift = [
        [cell.get_text(strip=True) for cell in row.select("th, td")] for row in soup.select("table.presift tbody tr")
    ]
    assert presift == [[left.reference, "3", "3", "3", "3"]]
    rows = [
        [cell.get_text(strip=True) for cell in row.select("th, td")] for row in soup.select("table.scores tbody tr")
    ]
    # The full sift goes on for the others: the lead criterion is agreed, the first still to score.
    assert rows == [
        [reference, "–", "–", "–", "–", *[value] * 4, "–", "Not agreed", ""]
        for reference, value in ((kept.reference, "5"), (also_kept.reference, "4"))
    ]
    assert "Applications not through the pre-sift" in soup.get_text()


def test_the_results_page_shows_the_same_distribution_chart(sift, forms, page):
    spec = sift_report(sift.campaign)
    in_report = spec.context["distribution"]
    forms.sign_in(sift.chair)
    soup = page(f"/moderate/{sift.campaign.id}/sift/results")
    image = soup.select_one("#distribution img")
    assert image["src"] == in_report.chart.src and image["alt"] == in_report.chart.alt
    first = sift.campaign.criteria_at("sift")[0].name
    # Leading and Communicating's agreed scores: 5, 5, 4 and 3.
    assert f"{first}: 1 application scored 3, 1 scored 4, 2 scored 5." in image["alt"]
    rows = [
        [cell.get_text(strip=True) for cell in row.select("th, td")]
        for row in soup.select("#distribution-figures tbody tr")
    ]
    assert rows[0] == [first, "0", "0", "1", "1", "2", "0", "0", "3"]


def test_charts_are_svg_with_text_as_paths_and_say_their_numbers():
    from recruit.services.reports import charts

    chart = charts.score_distribution(
        ["Seeing the Big Picture", "Delivering at Pace"], [1, 2, 3, 4], [[0, 2, 1, 0], [0, 0, 0, 0]], 3
    )
    assert chart.svg.lstrip().startswith("<?xml") and "<svg" in chart.svg
    assert "<text" not in chart.svg  # glyphs are paths: the PDF needs no fonts
    assert b64decode(chart.src.split(",", 1)[1]).decode() == chart.svg
    assert chart.alt == (
        "Bar charts of the agreed scores of 3 applications, one per criterion, on the 1 to 4 scale. "
        "Seeing the Big Picture: 2 applications scored 2, 1 scored 3. "
        "Delivering at Pace: no agreed scores."
    )
    again = charts.score_distribution(
        ["Seeing the Big Picture", "Delivering at Pace"], [1, 2, 3, 4], [[0, 2, 1, 0], [0, 0, 0, 0]], 3
    )
    assert again.svg == chart.svg  # the same figures draw the same SVG
    comparison = charts.panel_comparison(
        ["Leading", "Delivering"], ["Ann Chair", "Bob Member"], [[5, None], [3, 6]], [5, None], [1, 2, 3, 4, 5, 6, 7]
    )
    assert "<text" not in comparison.svg
    assert comparison.alt.endswith(
        "Leading: Ann Chair 5, Bob Member no score; agreed 5. Delivering: Ann Chair 3, Bob Member 6; not agreed yet."
    )


def test_the_sift_report_reads_its_rows_in_a_fixed_number_of_queries(make_user):
    from tests.factories import add_applications, add_scores

    setup = sift_campaign(make_user(role="admin"), applications=2, keep_criteria=3)
    campaign = setup.campaign

    def statements() -> int:
        applications = db.session.scalars(select(Application).where(Application.campaign_id == campaign.id)).all()
        add_scores(campaign, [a.id for a in applications if a.id not in scored], setup.assessors)
        scored.update(a.id for a in applications)
        agreement.confirm_all_proposals(setup.chair, campaign, "sift", applications)
        db.session.expire_all()
        change_tokens.forget_all()  # the scale's points read each time, not kept from the first report's
        with Statements() as counter:
            spec = sift_report(campaign)
        assert len(spec.context["rows"]) == len(applications)
        assert all(row.result == "Pass" and row.total == "15" for row in spec.context["rows"])
        return counter.count

    scored: set[int] = set()
    two = statements()
    add_applications(campaign, 5, start=100)
    assert statements() == two


def test_the_sift_report_split_into_page_ranges_keeps_every_row_once(sift):
    spec = sift_report(sift.campaign)
    html = render_template(spec.template, **spec.context)
    reader = pypdf.PdfReader(io.BytesIO(render_pdf_parallel(html, title=spec.title, workers=2)))
    check_furniture(reader, sift.campaign.reference, spec.title)
    text = flat(" ".join(pages_text(reader)))
    for application, expected in zip(sift.applications, EXPECTED_ROWS):
        assert squeezed(text).count(squeezed(f"{application.reference} {' '.join(expected)}")) == 1
