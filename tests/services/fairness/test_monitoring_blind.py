"""Nobody but the candidate sees their equality and diversity answers (DESIGN §12): a candidate answers every
question with answers distinctive enough to find, and none of them is on any page the sift panel or its chair can
reach, on any interview panel page, in any report (PDF text or the JSON the report pages poll), on the admin's
pages of the campaign's applications, or in the audit log."""

from __future__ import annotations

from pathlib import Path

import pytest

import recruit
from recruit.extensions import db
from recruit.models.monitoring import MonitoringResponse
from tests.assess.test_sift_access import crawl, moderation_urls, scored_sift, scoring_urls
from tests.downloads import download
from tests.helpers import found_in, signed_in
from tests.services.assessment.test_visibility import ROUTES, build, newest_version, pdf_text
from tests.services.fairness.test_monitoring import DISTINCTIVE

# Answer labels (and question wording) that no other page would show by chance.
TELLTALES = [
    "Gypsy or Irish Traveller",
    "Bisexual",
    "Sikh",
    "55 to 59",
    "50 or more hours a week",
    "Long-term unemployed",
    "means-tested bursary",
    "ethnic group",
    "sexual orientation",
    "sex registered at birth",
]


def answered(*applications) -> None:
    # Straight into the table: the campaigns here are past their closing time, when the service refuses a change.
    for application in applications:
        db.session.add(MonitoringResponse(application_id=application.id, **DISTINCTIVE))
    db.session.commit()


def leaks(pages: dict) -> dict[str, list[str]]:
    found = {}
    for url, response in pages.items():
        if response.mimetype == "application/pdf":
            text = pdf_text(response).casefold()
            hits = [needle for needle in TELLTALES if needle.casefold() in text]
        else:
            hits = found_in(response, TELLTALES)
        if hits:
            found[url] = hits
    return found


def admin_pages(client, campaign, applications) -> dict:
    base = f"/admin/campaigns/{campaign.id}"
    urls = [
        base,
        f"{base}/applications",
        f"{base}/adjustments",
        *(f"{base}/applications/{a.reference}" for a in applications),
        "/admin/audit",
    ]
    pages = {url: client.get(url) for url in urls}
    assert all(response.status_code == 200 for response in pages.values()), {
        url: r.status_code for url, r in pages.items()
    }
    return pages


@pytest.mark.slow
def test_no_sift_page_and_no_admin_application_page_shows_the_answers(app, make_user):
    setup, _ = scored_sift(make_user(role="admin"))
    campaign, applications = setup.campaign, setup.applications
    answered(*applications)
    member = signed_in(app, setup.members[0]).client
    chair = signed_in(app, setup.chair).client
    pages = {
        **crawl(app, member, ["/assess", *scoring_urls(campaign, applications)]),
        **crawl(
            app, chair, ["/assess", *scoring_urls(campaign, applications), *moderation_urls(campaign, applications)]
        ),
    }
    assert len(pages) > 20
    admin = signed_in(app, setup.admin).client
    pages |= admin_pages(admin, campaign, applications)
    assert leaks(pages) == {}
    # The answers are there to find: the candidate's own page shows them.
    own = signed_in(app, applications[0].candidate).client
    mine = own.get(f"/applications/{applications[0].reference}/equality-questions/your-answers")
    assert set(found_in(mine, TELLTALES)) >= {"Gypsy or Irish Traveller", "Bisexual", "Sikh"}


@pytest.mark.slow
def test_no_interview_page_and_no_report_shows_the_answers(app, make_user):
    scene = build(make_user(role="admin"), "interview signed off and released")
    campaign = scene.setup.campaign
    answered(scene.first, scene.second)
    people = scene.people
    pages = {}
    for role in ("admin", "sift chair", "interview chair", "interview member"):
        client = signed_in(app, people[role]).client
        for route, (_, template) in ROUTES.items():
            url = template.format(
                id=campaign.id,
                first=scene.first.reference,
                second=scene.second.reference,
                sift_version=newest_version(scene, "sift"),
                interview_version=newest_version(scene, "interview"),
            )
            pages[f"{route} as {role}"] = download(client, url) if url.endswith(".pdf") else client.get(url)
    assert any(response.mimetype == "application/pdf" for response in pages.values())
    assert any(response.mimetype == "application/json" for response in pages.values())
    for role in ("interview chair", "interview member"):
        client = signed_in(app, people[role]).client
        start = ["/assess", f"/moderate/{campaign.id}/interview"] if role == "interview chair" else ["/assess"]
        pages |= {f"{url} as {role}": page for url, page in crawl(app, client, start).items()}
    admin = signed_in(app, people["admin"]).client
    pages |= admin_pages(admin, campaign, [scene.first, scene.second])
    assert leaks(pages) == {}


# The modules that may read the answers: the model, the candidate's own service, and the fairness figures and
# erasure, which count them without naming anyone.
MAY_READ_ANSWERS = {
    "models/__init__.py",
    "models/monitoring.py",
    "services/records/retention.py",
}


def test_nothing_but_the_candidates_service_and_the_figures_reads_the_answers():
    root = Path(recruit.__file__).parent
    readers = {
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if "MonitoringResponse" in path.read_text(encoding="utf-8")
    }
    outside = {path for path in readers - MAY_READ_ANSWERS if not path.startswith("services/fairness/")}
    assert outside == set()
    assert "services/fairness/monitoring.py" in readers
