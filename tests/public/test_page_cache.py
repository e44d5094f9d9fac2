"""The public pages are kept once rendered and answer conditional requests, and every change to what they show,
or the passing of a closing time, is seen on the next request."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from bs4 import BeautifulSoup
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Competency, Framework
from recruit.public import routes
from recruit.services.campaigns import criteria
from recruit.services.campaigns import setup as campaigns
from recruit.services.campaigns import status as campaign_status
from tests.factories import UserFactory, details, draft_campaign, open_campaign, ready_to_open
from tests.helpers import banners, recording, sign_out, signed_in

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
COMPETENCY = "/frameworks/civil-service-2012/competencies/making-effective-decisions"
PAGES = [
    "/",
    "/frameworks",
    "/frameworks/civil-service-2012",
    COMPETENCY,
    COMPETENCY + "?level=2",
    "/frameworks/civil-service-2012/grades/band-c",
    "/frameworks/civil-service-2012/roles/dwp-cmg-ao-applications",
    "/vacancies",
    "/privacy",
    "/accessibility",
    "/cookies",
]


def parse(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def revalidate(client, url: str, etag: str):
    return client.get(url, headers={"If-None-Match": f'"{etag}"'})


def etag_of(response) -> str:
    etag, weak = response.get_etag()
    assert etag and not weak, "a public page has a strong ETag"
    return etag


@pytest.mark.parametrize("url", PAGES)
def test_an_unchanged_page_is_answered_not_modified_and_any_other_etag_gets_the_page(client, url):
    first = client.get(url)
    assert first.status_code == 200
    assert first.cache_control.private and first.cache_control.no_cache
    etag = etag_of(first)

    unchanged = revalidate(client, url, etag)
    assert unchanged.status_code == 304
    assert unchanged.get_data() == b""
    assert etag_of(unchanged) == etag

    for stale in ("not-this-page", etag[:-1]):
        again = revalidate(client, url, stale)
        assert again.status_code == 200
        assert again.get_data() == first.get_data()


def test_a_vacancy_page_answers_conditional_requests(client, admin):
    url = f"/vacancies/{open_campaign(admin).reference}"
    etag = etag_of(client.get(url))
    assert revalidate(client, url, etag).status_code == 304
    assert revalidate(client, url, "stale").status_code == 200


@pytest.mark.parametrize("url", [*PAGES, "vacancy"])
def test_a_kept_page_costs_one_query(client, admin, url):
    if url == "vacancy":
        url = f"/vacancies/{open_campaign(admin).reference}"
    rendered = client.get(url)
    with recording() as seen:
        kept = client.get(url)
    assert kept.get_data() == rendered.get_data()
    assert len(seen) == 1, seen


def test_a_query_the_page_does_not_read_is_not_kept(client):
    client.get("/frameworks?utm_source=feed")
    with recording() as seen:
        response = client.get("/frameworks?utm_source=feed")
    assert response.status_code == 200
    assert len(seen) > 1


# ---------------------------------------------------------------- frameworks: import and seed


def test_importing_a_framework_shows_its_new_text_at_once(client, runner, tmp_path):
    before = client.get(COMPETENCY)
    old = db.session.scalar(select(Competency).where(Competency.slug == "making-effective-decisions")).description
    assert old in parse(before).get_text()

    exported = runner.invoke(args=["frameworks", "export", "civil-service-2012"])
    assert exported.exit_code == 0
    path = tmp_path / "civil-service-2012.yaml"
    path.write_text(exported.output.replace("name: Making Effective Decisions", "name: Deciding Well", 1))
    imported = runner.invoke(args=["frameworks", "import", str(path)])
    assert imported.exit_code == 0, imported.output

    after = revalidate(client, COMPETENCY, etag_of(before))
    assert after.status_code == 200
    assert parse(after).h1.get_text(strip=True) == "Deciding Well"
    assert etag_of(after) != etag_of(before)
    framework_page = parse(client.get("/frameworks/civil-service-2012"))
    assert "Deciding Well" in framework_page.get_text()


def test_running_the_seed_shows_the_edited_seed_at_once(client, runner, tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    before = client.get("/frameworks")
    assert "Civil Service Competency Framework 2012" in parse(before).get_text()
    path = seeds / "frameworks" / "civil-service-2012.yaml"
    path.write_text(path.read_text().replace("name: Civil Service Competency Framework 2012", "name: CS 2012", 1))

    result = runner.invoke(args=["seed", "--dir", str(seeds)])
    assert result.exit_code == 0, result.output

    after = revalidate(client, "/frameworks", etag_of(before))
    assert after.status_code == 200
    names = [link.get_text(strip=True) for link in parse(after).select("main a")]
    assert "CS 2012" in names and "Civil Service Competency Framework 2012" not in names


def test_a_seed_that_changes_nothing_leaves_the_pages_as_they_were(client, runner):
    etag = etag_of(client.get("/frameworks"))
    assert runner.invoke(args=["seed"]).exit_code == 0
    assert revalidate(client, "/frameworks", etag).status_code == 304


# ---------------------------------------------------------------- vacancies


def listed(client) -> list[str]:
    return [link.get_text(strip=True) for link in parse(client.get("/vacancies")).select("#vacancies a")]


def test_publishing_a_vacancy_lists_it_at_once(client, admin):
    # One open already, closing sooner: the next closing time stays the same, only the publishing changes.
    open_campaign(admin, title="Administrative officer", closes_in=timedelta(days=3))
    before = client.get("/vacancies")
    campaign = ready_to_open(admin, draft_campaign(admin, title="Benefits assessor"))
    assert revalidate(client, "/vacancies", etag_of(before)).status_code == 304  # a draft is not public
    assert client.get(f"/vacancies/{campaign.reference}").status_code == 404

    campaign_status.move(admin, campaign, "open")

    after = revalidate(client, "/vacancies", etag_of(before))
    assert after.status_code == 200
    assert listed(client) == ["Administrative officer", "Benefits assessor"]
    assert client.get(f"/vacancies/{campaign.reference}").status_code == 200


def test_editing_a_vacancy_shows_the_new_details_at_once(client, admin):
    campaign = open_campaign(admin, title="Caseworker")
    url = f"/vacancies/{campaign.reference}"
    before, list_before = client.get(url), client.get("/vacancies")
    assert parse(before).h1.get_text(strip=True) == "Caseworker"

    campaigns.update_details(admin, campaign, details(title="Senior caseworker", salary_min=30_000, salary_max=32_000))

    after = revalidate(client, url, etag_of(before))
    assert after.status_code == 200 and etag_of(after) != etag_of(before)
    soup = parse(after)
    assert soup.h1.get_text(strip=True) == "Senior caseworker"
    assert "£30,000" in soup.select_one("#vacancy-facts").get_text()
    assert revalidate(client, "/vacancies", etag_of(list_before)).status_code == 200
    assert listed(client) == ["Senior caseworker"]


def test_changing_a_vacancys_criteria_shows_them_at_once(client, admin):
    campaign = open_campaign(admin)
    url = f"/vacancies/{campaign.reference}"
    before = client.get(url)
    assessed = {section["data-criterion"] for section in parse(before).select("section[data-criterion]")}
    competency = db.session.scalar(
        select(Competency)
        .where(Competency.framework_id == campaign.framework_id, Competency.slug.not_in(assessed))
        .order_by(Competency.id)
    )
    level = campaign.framework.level(2)

    criteria.add_competency(admin, campaign, competency, level, at_sift=False, at_interview=True)

    after = revalidate(client, url, etag_of(before))
    assert after.status_code == 200
    section = parse(after).select_one(f"section[data-criterion={competency.slug}]")
    assert section is not None and "Assessed at: Interview." in section.get_text(" ", strip=True)


def test_a_vacancy_closed_after_its_closing_time_stays_closed_on_every_page(client, admin):
    campaign = open_campaign(admin, title="Caseworker", closes_in=timedelta(days=1))
    url = f"/vacancies/{campaign.reference}"
    before = client.get(url)
    assert listed(client) == ["Caseworker"]

    with time_machine.travel(utcnow() + timedelta(days=1, minutes=1)):
        campaign_status.move(admin, campaign, "closed")
        after = revalidate(client, url, etag_of(before))
        assert after.status_code == 200
        assert parse(after).select_one("#closed-notice") is not None
        assert parse(after).select_one("#apply") is None
        assert listed(client) == []


def test_withdrawing_a_vacancy_takes_it_down_at_once(client, admin):
    open_campaign(admin, title="Administrative officer", closes_in=timedelta(days=3))
    campaign = open_campaign(admin, title="Caseworker")
    url = f"/vacancies/{campaign.reference}"
    etag = etag_of(client.get(url))
    assert listed(client) == ["Administrative officer", "Caseworker"]

    campaign_status.move(admin, campaign, "withdrawn", "The post is no longer funded")

    assert revalidate(client, url, etag).status_code == 404
    assert listed(client) == ["Administrative officer"]


def test_a_closing_time_passing_closes_the_vacancy_with_no_change_made(client, admin):
    early = open_campaign(admin, title="Early", closes_in=timedelta(days=3))
    open_campaign(admin, title="Late", closes_in=timedelta(days=10))
    url = f"/vacancies/{early.reference}"
    page_before, list_before = client.get(url), client.get("/vacancies")
    assert listed(client) == ["Early", "Late"]
    assert parse(page_before).select_one("#apply") is not None

    with time_machine.travel(utcnow() + timedelta(days=3, minutes=1)):
        page_after = revalidate(client, url, etag_of(page_before))
        assert page_after.status_code == 200
        assert parse(page_after).select_one("#apply") is None
        assert parse(page_after).select_one("#closed-notice") is not None
        assert revalidate(client, "/vacancies", etag_of(list_before)).status_code == 200
        assert listed(client) == ["Late"]

    with time_machine.travel(utcnow() + timedelta(days=10, minutes=1)):
        assert listed(client) == []


def test_a_change_nothing_public_shows_leaves_the_pages_as_they_were(client, admin):
    open_campaign(admin)
    etags = {url: etag_of(client.get(url)) for url in ("/", "/vacancies", "/frameworks")}
    UserFactory(role="assessor")
    db.session.commit()
    for url, etag in etags.items():
        assert revalidate(client, url, etag).status_code == 304, url


# ---------------------------------------------------------------- pages of one visitor


def test_a_signed_in_page_is_never_kept_nor_served_from_what_was_kept(app, client, make_user):
    anonymous = client.get("/")
    candidate = make_user(role="candidate", name="Priya Shah")
    forms = signed_in(app, candidate)

    theirs = forms.client.get("/", headers={"If-None-Match": f'"{etag_of(anonymous)}"'})
    assert theirs.status_code == 200
    assert theirs.headers["Cache-Control"] == "no-store"
    assert theirs.get_etag() == (None, None)
    soup = parse(theirs)
    assert soup.select_one("form[action='/sign-out'] input[name=csrf_token]") is not None
    assert "Your applications" in soup.select_one(".govuk-service-navigation").get_text()

    # And the other way round: what they were shown was not kept for anyone else.
    for other in (client, app.test_client()):
        page = parse(other.get("/"))
        assert page.select_one("form[action='/sign-out']") is None
        assert "Your applications" not in page.get_text()
        assert page.select_one("input[name=csrf_token]") is None


def test_a_flashed_message_is_shown_once_to_its_visitor_only(app, client, make_user):
    etag = etag_of(client.get("/vacancies"))
    forms = signed_in(app, make_user(role="candidate"))
    assert forms.client.get("/account").status_code == 200
    sign_out(forms)  # "You have signed out." waits for the next page
    shown = forms.client.get("/vacancies", headers={"If-None-Match": f'"{etag}"'})
    assert shown.status_code == 200
    assert banners(parse(shown)) == ["You have signed out."]
    assert shown.headers["Cache-Control"] == "no-store" and shown.get_etag() == (None, None)

    assert banners(parse(forms.client.get("/vacancies"))) == []
    assert banners(parse(client.get("/vacancies"))) == []
    assert revalidate(forms.client, "/vacancies", etag).status_code == 304


def test_a_refused_change_leaves_the_pages_as_they_were(client, admin):
    campaign = open_campaign(admin)
    etag = etag_of(client.get("/vacancies"))
    framework = db.session.scalar(select(Framework).where(Framework.slug == "maldon-core-competencies"))
    other = db.session.scalar(select(Competency).where(Competency.framework_id == framework.id))
    with pytest.raises(Exception, match="Select a competency from this campaign's framework"):
        criteria.add_competency(admin, campaign, other, campaign.framework.level(2), False, True)
    assert revalidate(client, "/vacancies", etag).status_code == 304


def test_a_page_that_writes_to_the_visitors_session_is_not_kept(app, client, monkeypatch):
    """A form on a public page would put a CSRF token in the page and the visitor's session: that page is theirs."""
    render = routes.render_template

    def with_a_form(template, **context):
        return render(template, **context).replace("</main>", f'<p id="token">{generate_csrf()}</p></main>')

    monkeypatch.setattr(routes, "render_template", with_a_form)
    first, other = client.get("/frameworks"), app.test_client().get("/frameworks")
    for response in (first, other):
        assert response.headers["Cache-Control"] == "no-store" and response.get_etag() == (None, None)
    assert parse(first).select_one("#token").text != parse(other).select_one("#token").text


def test_with_a_redis_the_pages_and_the_shared_values_are_kept_there_for_every_process():
    """PAGE_CACHE_REDIS_URL puts the rendered pages and the values the processes share (the board's figures on a
    large stage) in Redis: what one process keeps, another finds."""
    import redis

    from recruit import create_app
    from recruit.config import TestConfig
    from recruit.extensions import page_cache, shared_cache

    client = redis.Redis.from_url("redis://127.0.0.1:6379/12")
    client.flushdb()
    settings = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "PAGE_CACHE_REDIS_URL": "redis://127.0.0.1:6379/12"}
    one, other = create_app(TestConfig, **settings), create_app(TestConfig, **settings)
    kept = (utcnow(), {"overall": (0.55, 0.32, 0.67)}, 70)
    try:
        with one.app_context():
            shared_cache.set("board-figures:1:sift:1,2:1,2,3,4,5,6,7", kept, timeout=120)
            page_cache.set("version:/frameworks?", ("<html></html>", "etag"))
        with other.app_context():
            assert shared_cache.get("board-figures:1:sift:1,2:1,2,3,4,5,6,7") == kept
            assert page_cache.get("version:/frameworks?") == ("<html></html>", "etag")
        assert {key.decode() for key in client.keys()} == {
            "recruit.shared:board-figures:1:sift:1,2:1,2,3,4,5,6,7",
            "recruit.page:version:/frameworks?",
        }
        assert 0 < client.ttl("recruit.shared:board-figures:1:sift:1,2:1,2,3,4,5,6,7") <= 120
    finally:
        client.flushdb()
        client.close()
