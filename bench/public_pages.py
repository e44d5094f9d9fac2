"""Time the public pages rendered afresh, served from the rendered-page cache and answered 304 Not Modified,
against /healthz (one query: the floor any page that reads the database pays).

A throwaway database (bench/harness.py) is migrated and seeded with the app's seed (scales, the four frameworks,
the role profiles), and N vacancies (default 10) are opened on Civil Service grades. Each public page is then
requested `--repeat` times (default 200) through the Flask test client, as an anonymous visitor, in four ways:

- cold: the page cache emptied before each request, so every request renders the page (what every request cost
  before the cache);
- cached: the page kept from the first request, as visitors after the first are served;
- 304: the same, with the page's ETag in If-None-Match, as a browser revalidating its copy;
- /healthz.

It prints each page's median and 95th percentile (ms), then every way's over all pages and the ratio of the
cached pages' 95th percentile to /healthz's, and exits with status 1 unless that ratio is at most 2 and every
cached and 304 answer was right.

    .venv/bin/python bench/public_pages.py
    .venv/bin/python bench/public_pages.py --vacancies 50 --repeat 500
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/recruit_bench .venv/bin/python bench/public_pages.py
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import seeded_app, throwaway_database
from sqlalchemy import select

from recruit.clock import utcnow
from recruit.extensions import db, page_cache
from recruit.models import Framework, Grade, User
from recruit.services.campaigns import setup as campaigns
from recruit.services.campaigns import status as campaign_status

GRADES = ("band-b", "band-c", "band-d")


def open_vacancies(admin: User, count: int) -> list[str]:
    """Open `count` vacancies, each with a sift panel of two; their references."""
    grades = list(
        db.session.scalars(
            select(Grade).join(Framework).where(Framework.slug == "civil-service-2012", Grade.slug.in_(GRADES))
        )
    )
    run = secrets.token_hex(3)
    chair = User(email=f"chair.{run}@example.org", name="Bench Chair", role="assessor")
    member = User(email=f"member.{run}@example.org", name="Bench Member", role="assessor")
    db.session.add_all([chair, member])
    db.session.commit()
    references = []
    for number in range(count):
        campaign = campaigns.create_campaign(
            admin,
            campaigns.Details(
                f"Caseworker {number + 1}",
                "Child Maintenance Group",
                "Glasgow",
                2,
                "Help separated parents make arrangements for their children.\n\nA second paragraph of the advert.",
                salary_min=26_000,
                salary_max=28_500,
                contract_type="permanent",
                working_patterns=["full_time", "part_time"],
                security_clearance="bpss",
                contact_name="Bench Contact",
                contact_email="bench-recruitment@example.org",
            ),
            grade=grades[number % len(grades)],
        )
        campaigns.set_closing(admin, campaign, utcnow() + timedelta(days=14 + number))
        campaigns.set_panel(admin, campaign, "sift", chair, [member])
        campaign_status.move(admin, campaign, "open")
        references.append(campaign.reference)
    return references


def public_urls(vacancies: list[str]) -> list[str]:
    competency = "/frameworks/civil-service-2012/competencies/making-effective-decisions"
    return [
        "/",
        "/frameworks",
        "/frameworks/civil-service-2012",
        competency,
        competency + "?level=3",
        "/frameworks/civil-service-2012/grades/band-c",
        "/frameworks/civil-service-2012/roles/dwp-cmg-ao-applications",
        "/vacancies",
        f"/vacancies/{vacancies[0]}",
        "/privacy",
    ]


def timed(client, url: str, repeat: int, *, cold: bool = False, etag: str | None = None) -> tuple[list[float], bool]:
    """Each request's time in ms, and whether every answer was the one expected."""
    headers = {"If-None-Match": f'"{etag}"'} if etag else {}
    expected = 304 if etag else 200
    times, right = [], True
    for _ in range(repeat):
        if cold:
            page_cache.clear()
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        right = right and response.status_code == expected
        db.session.remove()  # as at the end of a real request: the next one starts from an empty session
    return times, right


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vacancies", type=int, default=10, help="open vacancies to make (default 10)")
    parser.add_argument("--repeat", type=int, default=200, help="requests per page and way (default 200)")
    args = parser.parse_args()

    with throwaway_database(parser) as (url, options), seeded_app(url, options) as (app, admin):
        vacancies = open_vacancies(admin, args.vacancies)
        db.session.remove()
        client = app.test_client()
        urls = public_urls(vacancies)
        for page in [*urls, "/healthz"]:  # warm: templates compiled, connections open
            assert client.get(page).status_code == 200, page

        ways: dict[str, list[float]] = {"cold": [], "cached": [], "304": []}
        all_right = True
        print(f"\n{len(vacancies)} open vacancies; {args.repeat} requests per page and way; times in ms.")
        print(f"{'page':<66} {'cold':>15} {'cached':>15} {'304':>15}")
        print(f"{'':<66} {'median':>7} {'p95':>7} {'median':>7} {'p95':>7} {'median':>7} {'p95':>7}")
        for page in urls:
            cold, right_cold = timed(client, page, args.repeat, cold=True)
            cached, right_cached = timed(client, page, args.repeat)
            etag = client.get(page).get_etag()[0]
            not_modified, right_304 = timed(client, page, args.repeat, etag=etag)
            all_right = all_right and right_cold and right_cached and right_304
            ways["cold"] += cold
            ways["cached"] += cached
            ways["304"] += not_modified
            figures = " ".join(f"{statistics.median(t):7.2f} {p95(t):7.2f}" for t in (cold, cached, not_modified))
            print(f"{page:<66} {figures}")

        floor, right_floor = timed(client, "/healthz", args.repeat * 3)
        all_right = all_right and right_floor
        print(f"\n{'all pages':<12} {'median':>8} {'p95':>8} {'p95 ÷ /healthz p95':>20}")
        for way, times in [*ways.items(), ("/healthz", floor)]:
            print(f"{way:<12} {statistics.median(times):8.2f} {p95(times):8.2f} {p95(times) / p95(floor):20.1f}")
        ratio = p95(ways["cached"]) / p95(floor)
        met = ratio <= 2 and all_right
        print(
            f"\nTarget: cached pages' p95 at most 2 × /healthz's: {ratio:.1f} × — {'met' if met else 'NOT MET'}"
            + ("" if all_right else " (some answers were not the status expected)")
        )
        return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
