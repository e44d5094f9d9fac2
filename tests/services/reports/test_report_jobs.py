"""Large reports in the background: the progress page, the local worker process, the kept PDF and re-rendering
when the data changes; the same job through RQ on Redis.

A worker process cannot see the suite's rolled-back transaction, so these tests use a database of their own (a
temporary SQLite file, or a PostgreSQL database next to DATABASE_URL's), migrated and seeded as the app's own.
"""

from __future__ import annotations

import io
import time

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from recruit.extensions import db
from recruit.models import AgreedScore, Application, RenderedReport, User
from recruit.services.assessment import agreement
from recruit.services.frameworks.seed import seed
from recruit.services.reports import queue as report_queue
from tests.concurrency_support import make_app, throwaway_database
from tests.factories import PASSWORD, UserFactory, score, sift_campaign
from tests.helpers import csrf_token_from

WAIT_SECONDS = 180


@pytest.fixture(autouse=True)
def _transaction():
    """Replaces the suite's per-test transaction: these tests work on their own database."""
    yield


@pytest.fixture(scope="module")
def committed():
    """An app on a database of its own with a campaign at the sift, every item scored and agreed."""
    from flask_migrate import upgrade

    with throwaway_database() as throwaway:
        app = make_app(throwaway)
        app.config.update(REPORT_BACKGROUND_OVER=2, WTF_CSRF_ENABLED=True, REPORT_WORKERS=2)
        with app.app_context():
            upgrade()
            seed(app.config["SEEDS_DIR"])
            admin = UserFactory(role="admin", name="Report Admin", email="report.admin@example.org")
            db.session.commit()
            setup = sift_campaign(admin, applications=3, keep_criteria=2)
            for application in setup.applications:
                for criterion in setup.campaign.criteria_at("sift"):
                    values = (5, 5, 4) if application is not setup.applications[0] else (2, 6, 6)
                    for assessor, value in zip(setup.assessors, values):
                        score(assessor, setup, application, criterion.code, value)
                    agreement.agree(
                        setup.chair,
                        setup.campaign,
                        application,
                        criterion,
                        "sift",
                        5 if application is not setup.applications[0] else 4,
                        "Agreed after discussion of the evidence.",
                    )
            db.session.commit()
            ids = {
                "campaign": setup.campaign.id,
                "admin": admin.email,
                "chair": setup.chair.id,
                "references": [a.reference for a in setup.applications],
            }
            db.session.remove()
        yield app, ids
        with app.app_context():
            db.engine.dispose()


def signed_in(app, email: str):
    client = app.test_client()
    page = client.get("/sign-in")
    response = client.post(
        "/sign-in",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_token_from(page.get_data(as_text=True))},
    )
    assert response.status_code == 302
    return client


def wait_until_ready(client, campaign_id: int) -> dict:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        state = client.get(f"/reports/{campaign_id}/sift/status").get_json()
        if state["status"] in ("ready", "failed"):
            return state
        time.sleep(0.5)
    raise AssertionError("the report was not ready in time")


def prepare(client, campaign_id: int):
    page = client.get(f"/reports/{campaign_id}/sift")
    assert page.status_code == 200
    return client.post(
        f"/reports/{campaign_id}/sift", data={"csrf_token": csrf_token_from(page.get_data(as_text=True))}
    )


@pytest.mark.slow
def test_a_large_report_is_prepared_by_the_local_worker_and_kept(committed, monkeypatch):
    app, ids = committed
    campaign_id = ids["campaign"]
    client = signed_in(app, ids["admin"])
    started = []
    real_enqueue = report_queue.enqueue
    monkeypatch.setattr(report_queue, "enqueue", lambda report_id: (started.append(report_id), real_enqueue(report_id)))

    # Asking for the PDF of a report over the threshold leads to its progress page, not a wait.
    response = client.get(f"/reports/{campaign_id}/sift.pdf")
    assert response.status_code == 302 and response.location.endswith(f"/reports/{campaign_id}/sift")
    page = client.get(f"/reports/{campaign_id}/sift").get_data(as_text=True)
    assert "Prepare the sift report" in page and "report-download" not in page

    response = prepare(client, campaign_id)
    assert response.status_code == 302
    assert len(started) == 1
    page = client.get(f"/reports/{campaign_id}/sift").get_data(as_text=True)
    assert "Being prepared" in page or "Prepared" in page
    # Asking again while it renders does not start a second render.
    prepare(client, campaign_id)
    with app.app_context():
        status = db.session.scalar(select(RenderedReport.status).where(RenderedReport.campaign_id == campaign_id))
    assert len(started) == 1 or status == "ready"

    state = wait_until_ready(client, campaign_id)
    assert state["status"] == "ready" and state["progress"] == 100
    page = client.get(f"/reports/{campaign_id}/sift").get_data(as_text=True)
    assert 'id="report-download"' in page and "Prepared" in page

    download = client.get(state["download"])
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(download.data)).pages)
    for reference in ids["references"]:
        assert reference in text
    assert "Candidate 1" not in text  # the sift report is name-blind

    # Kept: the same PDF again, without another render.
    with app.app_context():
        kept = db.session.scalar(select(RenderedReport).where(RenderedReport.campaign_id == campaign_id))
        finished, count = kept.finished_at, len(started)
    again = client.get(f"/reports/{campaign_id}/sift.pdf")
    assert again.status_code == 200 and again.data == download.data
    with app.app_context():
        assert (
            db.session.scalar(select(RenderedReport.finished_at).where(RenderedReport.campaign_id == campaign_id))
            == finished
        )
    assert len(started) == count

    # The data changes (an agreed score reopened and agreed differently): the kept PDF is stale.
    with app.app_context():
        chair = db.session.get(User, ids["chair"])
        agreed = db.session.scalars(
            select(AgreedScore).where(AgreedScore.stage == "sift").order_by(AgreedScore.id)
        ).first()
        campaign = agreed.criterion.campaign
        application = db.session.get(Application, agreed.application_id)
        agreement.reopen(chair, campaign, agreed, "Second look at the evidence.")
        agreement.agree(
            chair, campaign, application, agreed.criterion, "sift", 7, "Raised after a second look at the evidence."
        )
        db.session.commit()
    stale = client.get(f"/reports/{campaign_id}/sift.pdf")
    assert stale.status_code == 302 and stale.location.endswith(f"/reports/{campaign_id}/sift")
    prepare(client, campaign_id)
    assert len(started) == count + 1
    state = wait_until_ready(client, campaign_id)
    assert state["status"] == "ready"
    fresh = client.get(state["download"])
    assert fresh.status_code == 200 and fresh.data != download.data
    assert "Raised after a second look at the evidence." in " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(fresh.data)).pages
    )


def test_the_progress_page_reports_a_render_under_way_and_a_failed_one(committed):
    app, ids = committed
    campaign_id = ids["campaign"]
    client = signed_in(app, ids["admin"])
    with app.app_context():
        db.session.execute(RenderedReport.__table__.delete())
        db.session.add(
            RenderedReport(
                campaign_id=campaign_id, kind="sift", subject="", fingerprint="0" * 64, status="rendering", progress=40
            )
        )
        db.session.commit()
    page = client.get(f"/reports/{campaign_id}/sift").get_data(as_text=True)
    assert "Being prepared: 40% done." in page and "Check progress" in page
    assert client.get(f"/reports/{campaign_id}/sift/status").get_json() == {
        "status": "rendering",
        "progress": 40,
        "download": None,
    }
    with app.app_context():
        report = db.session.scalar(select(RenderedReport).where(RenderedReport.campaign_id == campaign_id))
        report.status, report.error = "failed", "RuntimeError: worker stopped"
        db.session.commit()
    page = client.get(f"/reports/{campaign_id}/sift").get_data(as_text=True)
    assert "The report could not be prepared" in page and "Prepare the sift report" in page
    assert "worker stopped" not in page  # details are for the log, not the page


def test_the_same_job_runs_through_rq_on_redis(committed):
    from redis import Redis
    from rq import SimpleWorker

    app, ids = committed
    campaign_id = ids["campaign"]
    client = signed_in(app, ids["admin"])
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/14"
    try:
        with app.app_context():
            report_queue.rq_queue().empty()
            db.session.execute(RenderedReport.__table__.delete())
            db.session.commit()
        prepare(client, campaign_id)
        with app.app_context():
            queue = report_queue.rq_queue()
            assert queue.count == 1
            assert db.session.scalar(select(RenderedReport.status)) == "queued"
            SimpleWorker([queue], connection=Redis.from_url(app.config["REDIS_URL"])).work(burst=True)
            assert db.session.scalar(select(RenderedReport.status)) == "ready"
        download = client.get(f"/reports/{campaign_id}/sift.pdf")
        assert download.status_code == 200 and download.data.startswith(b"%PDF")
    finally:
        app.config["REDIS_URL"] = None


def test_only_admins_and_the_stages_chair_reach_a_report(committed):
    app, ids = committed
    campaign_id = ids["campaign"]
    with app.app_context():
        UserFactory(role="assessor", name="Other Assessor", email="other.assessor@example.org")
        UserFactory(role="candidate", name="Some Candidate", email="some.candidate@example.org")
        db.session.commit()
    for email, status in (("other.assessor@example.org", 403), ("some.candidate@example.org", 403)):
        client = signed_in(app, email)
        for url in (
            f"/reports/{campaign_id}",
            f"/reports/{campaign_id}/sift.pdf",
            f"/reports/{campaign_id}/sift",
            f"/reports/{campaign_id}/sift/status",
        ):
            assert client.get(url).status_code in (403, 404), url
    admin = signed_in(app, ids["admin"])
    for url in (
        f"/reports/{campaign_id}/nonsense.pdf",
        f"/reports/{campaign_id}/nonsense",
        f"/reports/{campaign_id + 999}/sift.pdf",
        f"/reports/{campaign_id}/feedback/NOPE.pdf",
    ):
        assert admin.get(url).status_code == 404, url


@pytest.mark.slow
def test_a_large_report_kept_at_sign_off_is_typeset_by_the_worker_and_never_changes(committed, monkeypatch):
    from hashlib import sha256

    from recruit.services.applications import submission as applications
    from recruit.services.assessment import results

    app, ids = committed
    started = []
    real_enqueue = report_queue.enqueue
    monkeypatch.setattr(report_queue, "enqueue", lambda report_id: (started.append(report_id), real_enqueue(report_id)))
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == ids["admin"]))
        # A second campaign in this database: its candidates need addresses of their own.
        for user in db.session.scalars(select(User).where(User.email.like("candidate%@example.org"))):
            user.email = f"earlier.{user.email}"
        setup = sift_campaign(admin, applications=3, keep_criteria=2)
        for application in setup.applications:
            for criterion in setup.campaign.criteria_at("sift"):
                for assessor in setup.assessors:
                    score(assessor, setup, application, criterion.code, 5)
        agreement.confirm_all_proposals(setup.chair, setup.campaign, "sift", setup.applications)
        results.decide(admin, setup.campaign, "sift", "all_passing", None)
        campaign_id, chair_email = setup.campaign.id, setup.chair.email
        leaving = setup.applications[0].id
        db.session.remove()

    chair = signed_in(app, chair_email)
    page = chair.get(f"/moderate/{campaign_id}/sift/results")
    response = chair.post(
        f"/moderate/{campaign_id}/sift/sign-off", data={"csrf_token": csrf_token_from(page.get_data(as_text=True))}
    )
    assert response.status_code == 302
    assert len(started) == 1  # over the threshold: the worker typesets the version kept at sign-off
    admin = signed_in(app, ids["admin"])
    assert wait_until_ready(admin, campaign_id)["status"] == "ready"
    with app.app_context():
        kept = db.session.scalar(select(RenderedReport).where(RenderedReport.campaign_id == campaign_id))
        assert kept.signed_off and kept.id == started[0]
        kept_id, digest = kept.id, kept.digest
        application = db.session.get(Application, leaving)
        applications.withdraw(application.candidate, application)
        db.session.remove()

    kept_pdf = admin.get(f"/reports/{campaign_id}/sift/versions/{kept_id}.pdf")
    assert kept_pdf.status_code == 200 and sha256(kept_pdf.data).hexdigest() == digest
    assert "withdrew" not in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(kept_pdf.data)).pages)
    # The withdrawal makes the campaign's report stale: preparing it again makes a new version beside the kept one.
    assert admin.get(f"/reports/{campaign_id}/sift.pdf").status_code == 302
    prepare(admin, campaign_id)
    assert wait_until_ready(admin, campaign_id)["status"] == "ready"
    later = admin.get(f"/reports/{campaign_id}/sift.pdf")
    assert later.status_code == 200 and later.data != kept_pdf.data
    assert "after sign-off" in " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(later.data)).pages
    )
    assert admin.get(f"/reports/{campaign_id}/sift/versions/{kept_id}.pdf").data == kept_pdf.data
    listing = admin.get(f"/reports/{campaign_id}").get_data(as_text=True)
    assert digest in listing and sha256(later.data).hexdigest() in listing
