"""What a panel member may see of other assessors' work and of who the candidates are (DESIGN §6), on every page,
in the JSON the report pages poll and in every PDF report.

Other assessors' scores: only once the person's own score for the item is in (or they declared a conflict and will
not score it), or once the stage is signed off. A report covering many items is refused while it would show another
assessor's score for an item the person may not see yet. Candidates' names: hidden from everyone on a panel until
the sift is signed off, even once the admin has recorded who goes on to interview. Admins see everything.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Conflict, RenderedReport
from recruit.services.assessment import agreement, feedback, results, scoring, visibility
from recruit.services.campaigns import setup as campaigns
from recruit.services.campaigns import status as campaign_status
from recruit.services.campaigns.stages import stage_record
from recruit.services.reports import versions as reports
from tests.downloads import download
from tests.factories import UserFactory, score, sift_campaign, submit_score
from tests.helpers import found_in, parse, signed_in

# -- the campaign, moment by moment ------------------------------------------------------------------

MOMENTS = (
    "sift, before the chair's own scores",
    "sift, after the chair's own scores",
    "sift decided, not signed off",
    "interview, before the chair's own scores",
    "interview, the chair has scored the first candidate",
    "interview, after the chair's own scores",
    "interview signed off and released",
)
SIFT_MEMBER_SCORE = 6


def member_rationale(application) -> str:
    return f"RATIONALE-IM-{application.reference}"


@dataclass
class Scene:
    setup: object
    people: dict
    first: object
    second: object

    @property
    def id(self) -> int:
        return self.setup.campaign.id


def build(admin, moment: str) -> Scene:
    """Two candidates, one criterion at both stages, a sift panel and an interview panel, taken as far as `moment`."""
    setup = sift_campaign(admin, applications=2, members=1, keep_criteria=1)
    campaign = setup.campaign
    setup.applications.sort(key=lambda a: a.reference)
    first, second = setup.applications
    [criterion] = campaign.criteria_at("sift")
    assert campaign.criteria_at("interview") == [criterion]
    interview_chair = UserFactory(role="assessor", name="Interview Chair")
    interview_member = UserFactory(role="assessor", name="Interview Member")
    campaigns.set_panel(admin, campaign, "interview", interview_chair, [interview_member])
    people = {
        "admin": admin,
        "sift chair": setup.chair,
        "sift member": setup.members[0],
        "interview chair": interview_chair,
        "interview member": interview_member,
        "assessor not on the panel": UserFactory(role="assessor"),
        "candidate": first.candidate,
    }
    steps = MOMENTS.index(moment)

    for application in setup.applications:
        score(setup.members[0], setup, application, criterion.code, SIFT_MEMBER_SCORE, "Sift member's reasons")
    if steps >= 1:
        for application in setup.applications:
            score(setup.chair, setup, application, criterion.code, 5, "Sift chair's reasons")
    if steps >= 2:
        assert agreement.confirm_all_proposals(setup.chair, campaign, "sift", setup.applications) == 2
        results.decide(admin, campaign, "sift", "all_passing", None)
    if steps >= 3:
        results.sign_off(setup.chair, campaign, "sift")
        campaign_status.move(admin, campaign, "interview")
        for application in setup.applications:
            for person in (interview_chair, interview_member):
                scoring.declare(person, campaign, application, "interview", False, "")
            interview_score(interview_member, campaign, application, criterion, member_rationale(application))
    if steps >= 4:
        interview_score(interview_chair, campaign, first, criterion, "Interview chair's reasons")
    if steps >= 5:
        interview_score(interview_chair, campaign, second, criterion, "Interview chair's reasons")
    if steps >= 6:
        assert agreement.confirm_all_proposals(interview_chair, campaign, "interview", setup.applications) == 2
        results.sign_off(interview_chair, campaign, "interview")
        for stage in ("sift", "interview"):
            feedback.release(admin, campaign, stage, missing_confirmed=feedback.missing_feedback(campaign, stage).items)
    return Scene(setup, people, first, second)


def interview_score(person, campaign, application, criterion, rationale: str) -> None:
    submit_score(
        person,
        campaign,
        application,
        criterion,
        5,
        stage="interview",
        rationale=rationale,
        notes="Answered the question",
    )


# -- what an answer shows ----------------------------------------------------------------------------


def pdf_text(response) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.data)).pages)


def sift_cells(text: str, reference: str) -> list[str]:
    """The application's row in the sift report's table: the chair's score (A1), the member's (A2), the agreed."""
    found = re.search(rf"{reference} (\S+) (\S+) (\S+)", text)
    assert found is not None, f"no row for {reference}"
    return list(found.groups())


@dataclass(frozen=True)
class Pdf:
    others: bool  # another assessor's score or rationale is in it
    names: bool  # a candidate's name is in it


@dataclass(frozen=True)
class Index:
    names: bool


REFUSED_SCORES = "refused: other assessors' scores"
REFUSED_NAMES = "refused: names"
FORBIDDEN = "forbidden"
NOT_RELEASED = "feedback not released"
NOT_INVITED = "not invited to interview"
PAGE = "page"
JSON = "json"


def check(response, expected, route: str, c: Scene) -> str | None:
    """None when the answer is what was expected, otherwise what was wrong."""
    status, mimetype = response.status_code, response.mimetype
    if isinstance(expected, Pdf):
        if status != 200 or mimetype != "application/pdf":
            return f"expected a PDF, got {status} {mimetype}"
        text = pdf_text(response)
        if route in ("sift.pdf", "sift version"):
            others = sift_cells(text, c.first.reference)[1] == str(SIFT_MEMBER_SCORE)
        else:
            others = member_rationale(c.first) in text or member_rationale(c.second) in text
        names = "Candidate 1" in text or "Candidate 2" in text
        got = Pdf(others, names)
        return None if got == expected else f"expected {expected}, got {got}"
    if isinstance(expected, Index):
        if status != 200 or mimetype != "text/html":
            return f"expected the reports page, got {status}"
        names = bool(found_in(response, ["Candidate 1", "Candidate 2"]))
        return None if names == expected.names else f"expected names {expected.names}, got {names}"
    if expected in (REFUSED_SCORES, REFUSED_NAMES):
        wanted = "submitted your own scores" if expected == REFUSED_SCORES else "once the sift is signed off"
        if mimetype == "application/json":
            body = response.get_json()
            message = body.get("message", "") if status == 403 and body.get("status") == "refused" else ""
        else:
            refusal = parse(response).select_one("#refusal") if status == 403 else None
            message = refusal.get_text(" ", strip=True) if refusal is not None else ""
        return None if wanted in message else f"expected {expected}, got {status} {mimetype}"
    if expected == FORBIDDEN:
        ok = status in (403, 404) and mimetype == "text/html" and parse(response).select_one("#refusal") is None
        return None if ok else f"expected to be refused access, got {status} {mimetype}"
    if expected in (NOT_RELEASED, NOT_INVITED):
        wanted = "not been released" if expected == NOT_RELEASED else "was not invited to interview"
        refusal = parse(response).select_one("#refusal") if status == 409 else None
        ok = refusal is not None and wanted in refusal.get_text()
        return None if ok else f"expected {expected}, got {status}"
    if expected == PAGE:
        ok = status == 200 and mimetype == "text/html" and parse(response).select_one("#refusal") is None
        return None if ok else f"expected the page, got {status}"
    if expected == JSON:
        ok = status == 200 and mimetype == "application/json" and "status" in response.get_json()
        return None if ok else f"expected the report's status, got {status}"
    raise AssertionError(expected)


# -- the table ---------------------------------------------------------------------------------------

ROUTES = {
    # route: the endpoint it is, and its URL
    "index": ("reports.index", "/reports/{id}"),
    "sift.pdf": ("reports.download", "/reports/{id}/sift.pdf"),
    "interview.pdf": ("reports.download", "/reports/{id}/interview.pdf"),
    "merit.pdf": ("reports.download", "/reports/{id}/merit.pdf"),
    "interview/first.pdf": ("reports.interview_candidate", "/reports/{id}/interview/{first}.pdf"),
    "interview/second.pdf": ("reports.interview_candidate", "/reports/{id}/interview/{second}.pdf"),
    "feedback/first.pdf": ("reports.feedback", "/reports/{id}/feedback/{first}.pdf"),
    "sift progress": ("reports.progress", "/reports/{id}/sift"),
    "interview progress": ("reports.progress", "/reports/{id}/interview"),
    "merit progress": ("reports.progress", "/reports/{id}/merit"),
    "sift status": ("reports.status", "/reports/{id}/sift/status"),
    "interview status": ("reports.status", "/reports/{id}/interview/status"),
    "merit status": ("reports.status", "/reports/{id}/merit/status"),
    # The newest kept version, made by an earlier request in the same walk (the admin's download comes first).
    "sift version": ("reports.version", "/reports/{id}/sift/versions/{sift_version}.pdf"),
    "interview version": ("reports.version", "/reports/{id}/interview/versions/{interview_version}.pdf"),
}
# Routes that only take a POST are walked by their own tests: preparing a signed-off report below, the spreadsheet
# downloads (admins only; the sift results name-blind) for every role in tests/reports/test_spreadsheet_routes.py.
POST_ROUTES = {"reports.prepare_signed_off", "reports.spreadsheet"}
ROLES = (
    "admin",
    "sift chair",
    "sift member",
    "interview chair",
    "interview member",
    "assessor not on the panel",
    "candidate",
)


def by_moment(*answers) -> dict[str, object]:
    """One answer per moment, in the order of MOMENTS."""
    assert len(answers) == len(MOMENTS)
    return dict(zip(MOMENTS, answers))


S1, S2, S3, I1, I2, I3, I4 = range(7)
SIFT_PDF, NO_OTHERS, BOTH, NAMES_ONLY, NEITHER = (
    Pdf(True, False),
    Pdf(False, False),
    Pdf(True, True),
    Pdf(False, True),
    Pdf(False, False),
)

# route: {role: one answer per moment}; a role not listed is refused access at every moment.
EXPECTED = {
    "index": {
        "admin": by_moment(Index(False), Index(False), Index(True), Index(True), Index(True), Index(True), Index(True)),
        "sift chair": by_moment(*[Index(False)] * 7),
        "interview chair": by_moment(
            Index(False), Index(False), Index(False), Index(True), Index(True), Index(True), Index(True)
        ),
    },
    "sift.pdf": {
        "admin": by_moment(*[SIFT_PDF] * 7),
        "sift chair": by_moment(REFUSED_SCORES, *[SIFT_PDF] * 6),
    },
    "interview.pdf": {
        "admin": by_moment(NEITHER, NEITHER, NAMES_ONLY, BOTH, BOTH, BOTH, BOTH),
        "interview chair": by_moment(
            REFUSED_NAMES, REFUSED_NAMES, REFUSED_NAMES, REFUSED_SCORES, REFUSED_SCORES, BOTH, BOTH
        ),
    },
    "merit.pdf": {
        "admin": by_moment(*[NEITHER] * 6, NAMES_ONLY),
        "interview chair": by_moment(
            REFUSED_NAMES, REFUSED_NAMES, REFUSED_NAMES, NEITHER, NEITHER, NEITHER, NAMES_ONLY
        ),
    },
    "interview/first.pdf": {
        "admin": by_moment(NOT_INVITED, NOT_INVITED, NAMES_ONLY, BOTH, BOTH, BOTH, BOTH),
        "interview chair": by_moment(REFUSED_NAMES, REFUSED_NAMES, REFUSED_NAMES, REFUSED_SCORES, BOTH, BOTH, BOTH),
    },
    "interview/second.pdf": {
        "admin": by_moment(NOT_INVITED, NOT_INVITED, NAMES_ONLY, BOTH, BOTH, BOTH, BOTH),
        "interview chair": by_moment(
            REFUSED_NAMES, REFUSED_NAMES, REFUSED_NAMES, REFUSED_SCORES, REFUSED_SCORES, BOTH, BOTH
        ),
    },
    "feedback/first.pdf": {
        "admin": by_moment(*[NOT_RELEASED] * 6, NAMES_ONLY),
        "interview chair": by_moment(
            REFUSED_NAMES, REFUSED_NAMES, REFUSED_NAMES, NOT_RELEASED, NOT_RELEASED, NOT_RELEASED, NAMES_ONLY
        ),
    },
    "sift progress": {
        "admin": by_moment(*[PAGE] * 7),
        "sift chair": by_moment(REFUSED_SCORES, *[PAGE] * 6),
    },
    "interview progress": {
        "admin": by_moment(*[PAGE] * 7),
        "interview chair": by_moment(
            REFUSED_NAMES, REFUSED_NAMES, REFUSED_NAMES, REFUSED_SCORES, REFUSED_SCORES, PAGE, PAGE
        ),
    },
    "merit progress": {
        "admin": by_moment(*[PAGE] * 7),
        "interview chair": by_moment(REFUSED_NAMES, REFUSED_NAMES, REFUSED_NAMES, PAGE, PAGE, PAGE, PAGE),
    },
    "sift status": {
        "admin": by_moment(*[JSON] * 7),
        "sift chair": by_moment(REFUSED_SCORES, *[JSON] * 6),
    },
    "interview status": {
        "admin": by_moment(*[JSON] * 7),
        "interview chair": by_moment(
            REFUSED_NAMES, REFUSED_NAMES, REFUSED_NAMES, REFUSED_SCORES, REFUSED_SCORES, JSON, JSON
        ),
    },
    "merit status": {
        "admin": by_moment(*[JSON] * 7),
        "interview chair": by_moment(REFUSED_NAMES, REFUSED_NAMES, REFUSED_NAMES, JSON, JSON, JSON, JSON),
    },
    "sift version": {
        "admin": by_moment(*[SIFT_PDF] * 7),
        "sift chair": by_moment(REFUSED_SCORES, *[SIFT_PDF] * 6),
    },
    "interview version": {
        "admin": by_moment(NEITHER, NEITHER, NAMES_ONLY, BOTH, BOTH, BOTH, BOTH),
        "interview chair": by_moment(
            REFUSED_NAMES, REFUSED_NAMES, REFUSED_NAMES, REFUSED_SCORES, REFUSED_SCORES, BOTH, BOTH
        ),
    },
}


def newest_version(c: Scene, slug: str) -> int:
    kept = reports.versions(c.setup.campaign, reports.KINDS[slug])
    return kept[0].id if kept else 0


def test_the_table_covers_every_report_route(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("reports.")}
    assert endpoints == {endpoint for endpoint, _ in ROUTES.values()} | POST_ROUTES, (
        "a new report route needs its rows here"
    )
    assert set(EXPECTED) == set(ROUTES)


@pytest.mark.slow
@pytest.mark.parametrize("moment", MOMENTS)
def test_every_report_route_for_every_role_at_every_moment(app, make_user, moment):
    c = build(make_user(role="admin"), moment)
    clients = {role: signed_in(app, person).client for role, person in c.people.items()}
    wrong = []
    for route, (_, template) in ROUTES.items():
        for role in ROLES:
            url = template.format(
                id=c.id,
                first=c.first.reference,
                second=c.second.reference,
                sift_version=newest_version(c, "sift"),
                interview_version=newest_version(c, "interview"),
            )
            expected = EXPECTED[route].get(role, by_moment(*[FORBIDDEN] * 7))[moment]
            # A PDF as a person gets it: pressing the button that prepares it when none is kept.
            answer = download(clients[role], url) if url.endswith(".pdf") else clients[role].get(url)
            problem = check(answer, expected, route, c)
            if problem:
                wrong.append(f"{route} as {role}: {problem}")
    assert wrong == [], "\n".join(wrong)


def test_a_chair_refused_a_report_cannot_have_it_prepared_either(app, make_user):
    c = build(make_user(role="admin"), MOMENTS[0])
    forms = signed_in(app, c.people["sift chair"])
    token = parse(forms.client.get("/frameworks")).select_one("input[name=csrf_token]")["value"]
    response = forms.client.post(f"/reports/{c.id}/sift", data={"csrf_token": token})
    assert response.status_code == 403
    assert "submitted your own scores" in parse(response).select_one("#refusal").get_text()
    assert db.session.scalar(select(func.count()).select_from(RenderedReport)) == 0


def test_the_reports_page_tells_the_chair_why_a_report_is_not_there_yet(app, make_user):
    c = build(make_user(role="admin"), MOMENTS[0])
    page = parse(signed_in(app, c.people["sift chair"]).client.get(f"/reports/{c.id}"))
    row = page.select_one("#campaign-reports tbody tr")
    assert row.th.get_text(strip=True) == "Sift report"
    assert row.select_one("a") is None
    assert "submitted your own scores" in row.get_text(" ", strip=True)


def test_a_report_kept_for_the_admin_is_not_served_to_a_chair_who_may_not_see_it(app, make_user):
    c = build(make_user(role="admin"), MOMENTS[0])
    assert download(signed_in(app, c.people["admin"]).client, f"/reports/{c.id}/sift.pdf").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(RenderedReport)) == 1
    response = signed_in(app, c.people["sift chair"]).client.get(f"/reports/{c.id}/sift.pdf")
    assert response.status_code == 403 and response.mimetype == "text/html"


# -- the same rule on the pages ------------------------------------------------------------------------


def test_interview_pages_show_no_names_until_the_sift_is_signed_off(app, make_user):
    c = build(make_user(role="admin"), "sift decided, not signed off")
    campaign, first, second = c.setup.campaign, c.first, c.second
    names = ["Candidate 1", "Candidate 2", "candidate1@example.org", "candidate2@example.org"]
    code = campaign.criteria_at("interview")[0].code
    # A declaration already on record (made before declarations waited for the sift's sign-off) opens the record.
    db.session.add(
        Conflict(
            application_id=second.id,
            assessor_id=c.people["interview member"].id,
            stage="interview",
            has_conflict=False,
            reason="",
            declared_at=utcnow(),
        )
    )
    db.session.commit()
    member = signed_in(app, c.people["interview member"])
    chair = signed_in(app, c.people["interview chair"]).client
    urls = {
        member.client: [
            "/assess",
            f"/assess/{campaign.id}/interview",
            f"/assess/{campaign.id}/interview?by=criterion",
            f"/assess/{campaign.id}/interview/{first.reference}/conflict",
            f"/assess/{campaign.id}/interview/{second.reference}",
            f"/assess/{campaign.id}/interview/{second.reference}/{code}",
        ],
        chair: [
            f"/moderate/{campaign.id}/interview",
            f"/moderate/{campaign.id}/interview/results",
            *(f"/moderate/{campaign.id}/interview/items/{a.reference}/{code}" for a in (first, second)),
            f"/moderate/{campaign.id}/interview/feedback",
            *(f"/moderate/{campaign.id}/interview/feedback/{a.reference}" for a in (first, second)),
            f"/reports/{campaign.id}",
        ],
    }
    leaks = {}
    for client, pages in urls.items():
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            leaks[url] = found_in(response, names)
    assert {url: found for url, found in leaks.items() if found} == {}
    listed = parse(member.client.get(f"/assess/{campaign.id}/interview"))
    assert [row["data-reference"] for row in listed.select("#work-list tr[data-reference]")] != []
    assert "once the sift is signed off" in listed.select_one("#names-hidden").get_text()

    # A conflict of interest cannot be declared about a candidate the panel member cannot yet see.
    conflict = member.client.get(f"/assess/{campaign.id}/interview/{first.reference}/conflict")
    assert parse(conflict).select_one("form[method=post] input[name=has_conflict]") is None
    assert "once the sift is signed off" in parse(conflict).select_one("#names-hidden").get_text()
    response = member.submit(f"/assess/{campaign.id}/interview/{first.reference}/conflict", {"has_conflict": "no"})
    assert response.status_code == 200
    assert "once the sift is signed off" in parse(response).select_one(".govuk-error-summary").get_text()
    assert db.session.scalar(select(func.count()).select_from(Conflict).where(Conflict.application_id == first.id)) == 0

    # Once the sift is signed off, the names show (so the checks above could see them).
    results.sign_off(c.people["sift chair"], campaign, "sift")
    shown = parse(member.client.get(f"/assess/{campaign.id}/interview/{first.reference}/conflict"))
    assert shown.h1.get_text(strip=True) == first.personal_details.full_name
    assert second.personal_details.full_name in parse(chair.get(f"/moderate/{campaign.id}/interview")).get_text()
    for url in (
        f"/moderate/{campaign.id}/interview/feedback",
        f"/moderate/{campaign.id}/interview/feedback/{second.reference}",
    ):
        assert second.personal_details.full_name in parse(chair.get(url)).select_one("main").get_text(), url
    assert first.personal_details.full_name in parse(chair.get(f"/reports/{campaign.id}")).get_text()


def test_the_admin_sees_names_before_the_sift_is_signed_off(app, make_user):
    c = build(make_user(role="admin"), "sift decided, not signed off")
    campaign = c.setup.campaign
    admin = signed_in(app, c.people["admin"]).client
    code = campaign.criteria_at("interview")[0].code
    item = admin.get(f"/moderate/{campaign.id}/interview/items/{c.first.reference}/{code}")
    assert c.first.personal_details.full_name in parse(item).select_one(".govuk-caption-l").get_text()


def board_scores(client, campaign, application) -> str:
    board = parse(client.get(f"/moderate/{campaign.id}/sift"))
    row = board.select_one(f'tr[data-item^="{application.reference}/"]')
    return row.select("td")[2].get_text(" ", strip=True)


def test_once_the_stage_is_signed_off_the_chair_sees_every_score(app, make_user):
    """Signing off normally follows the chair's own scores; whatever the path, a signed-off stage hides nothing
    from its panel's chair."""
    setup = sift_campaign(make_user(role="admin"), applications=1, members=1, keep_criteria=1)
    campaign, [application] = setup.campaign, setup.applications
    [criterion] = campaign.criteria_at("sift")
    score(setup.members[0], setup, application, criterion.code, 6, "RATIONALE-MEMBER")
    chair = signed_in(app, setup.chair).client
    item_url = f"/moderate/{campaign.id}/sift/items/{application.reference}/{criterion.code}"
    assert board_scores(chair, campaign, application) == "Submit your own score first"
    assert not found_in(chair.get(item_url), ["RATIONALE-MEMBER"])
    assert not visibility.sees_others_scores(setup.chair, campaign, "sift", application, criterion)

    stage_record(campaign, "sift").signed_off_at = utcnow()
    db.session.commit()
    assert board_scores(chair, campaign, application) == "6"
    assert found_in(chair.get(item_url), ["RATIONALE-MEMBER"]) == ["RATIONALE-MEMBER"]
    assert found_in(chair.get(f"{item_url}/history"), ["RATIONALE-MEMBER"]) == ["RATIONALE-MEMBER"]
    assert visibility.sees_others_scores(setup.chair, campaign, "sift", application, criterion)
    # Someone not on the panel sees nothing, signed off or not; an admin sees everything.
    assert not visibility.sees_others_scores(UserFactory(role="assessor"), campaign, "sift", application, criterion)
    assert visibility.sees_others_scores(setup.admin, campaign, "sift", application, criterion)


def test_names_are_for_admins_and_for_panels_once_the_sift_is_signed_off(make_user):
    setup = sift_campaign(make_user(role="admin"), applications=1, members=1)
    campaign = setup.campaign
    assert visibility.names_visible(setup.admin, campaign)
    assert not visibility.names_visible(setup.chair, campaign)
    stage_record(campaign, "sift").signed_off_at = utcnow()
    db.session.flush()
    assert visibility.names_visible(setup.chair, campaign)
    # The sift itself stays name-blind, signed off or not.
    assert not visibility.shows_names(setup.chair, campaign, "sift")
    assert visibility.shows_names(setup.chair, campaign, "interview")


def test_a_report_is_refused_only_for_the_items_the_chair_may_not_see_yet(make_user):
    setup = sift_campaign(make_user(role="admin"), applications=3, members=1, keep_criteria=1)
    campaign, chair, member = setup.campaign, setup.chair, setup.members[0]
    a1, a2, a3 = setup.applications
    code = campaign.criteria_at("sift")[0].code
    sift = reports.KINDS["sift"]
    assert visibility.report_refusal(chair, campaign, sift) is None, "nobody has scored: nothing to hide"
    for application in (a1, a2, a3):
        score(member, setup, application, code, 6)
    assert "for 3 items you have not scored yet" in visibility.report_refusal(chair, campaign, sift)
    # A declared conflict means the chair will never score a1: its other scores are no longer held back.
    scoring.declare(chair, campaign, a1, "sift", True, "I know this candidate")
    assert "for 2 items you have not scored yet" in visibility.report_refusal(chair, campaign, sift)
    score(chair, setup, a2, code, 5)
    assert "for 1 item you have not scored yet" in visibility.report_refusal(chair, campaign, sift)
    # The member's own conflict excludes their score for a3, and no report shows an excluded score.
    scoring.declare(member, campaign, a3, "sift", True, "I recognised this candidate")
    assert visibility.report_refusal(chair, campaign, sift) is None
    assert visibility.report_refusal(setup.admin, campaign, sift) is None


@pytest.mark.parametrize(
    "moment, role, expected",
    [
        ("sift, before the chair's own scores", "sift chair", REFUSED_SCORES),
        ("sift, before the chair's own scores", "sift member", FORBIDDEN),
        ("sift, before the chair's own scores", "candidate", FORBIDDEN),
        ("sift decided, not signed off", "interview chair", FORBIDDEN),
    ],
)
def test_preparing_the_signed_off_version_again_asks_the_same_rule(app, make_user, moment, role, expected):
    c = build(make_user(role="admin"), moment)
    # The CSRF token from a page every signed-in person can open (the header's sign-out form).
    response = signed_in(app, c.people[role]).submit(f"/reports/{c.id}/sift/signed-off", page="/account")
    assert check(response, expected, "sift signed-off", c) is None
