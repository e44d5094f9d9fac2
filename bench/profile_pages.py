"""CPU profile of the panel's busiest pages: what each request costs the app's own process, and where it goes.

    .venv/bin/python bench/profile_pages.py [--applications 2000] [--iterations 40] [--rounds 3] [--top 25]

Creates a throwaway PostgreSQL database on the server named by --server (or DATABASE_URL, or the local one) and
fills it as bench/load.py does (bench/load_seed.py: one Band D campaign at the sift, 6 criteria, a panel of 3
part-way through their lists, three in four of the ready items agreed). The app runs with production settings
(two-factor sign-in, secure cookies) through Flask's test client, signed in as a panel member and as the chair
through the real sign-in pages. Each page is requested as bench/load.py's people request it: the work list, the
application page (GET, and POST submitting every criterion), the scoring page for one criterion (GET, and POST
submitting the score), the moderation board (as it stands, and just after a panel member submitted an application,
as chairs load it while the panel scores), and a moderation item (GET, and POST agreeing it). Every page is
warmed up first (templates compiled, caches filled), then requested --iterations times per round for --rounds
rounds; the figure is the CPU time of this process (time.process_time, so other work on the machine does not
count, and neither does PostgreSQL's own) per request, the mean of each round and the best round. As in gunicorn's
workers (gunicorn.conf.py, recruit/processes.py), what the app loaded at start is frozen out of the garbage
collector's sight and young objects are collected less often. A last pass
under cProfile prints each page's top functions by own time and by cumulative time (cProfile's times are wall
times: waiting for PostgreSQL shows in psycopg's `wait`).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pyotp
from load_seed import PASSWORD, plan, seed_load, throwaway_database

DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
BASE_URL = "https://127.0.0.1"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
VERSION = re.compile(r'name="version" type="hidden" value="(\d*)"')
# The application page names each criterion's fields "<code>-<field>".
CODE_VERSION = re.compile(r'name="([A-Za-z0-9-]+)-version" type="hidden" value="(\d*)"')
RATIONALE = "Clear example at the required level: the candidate describes their own actions and a measurable result."


@dataclass
class Step:
    """One page as people use it. `prepare` runs untimed before each request (a GET for the form's token, say) and
    returns the request to time: (method, url, form data or None, the status expected)."""

    name: str
    prepare: Callable[[int], tuple[str, str, dict | None, int]]


def sign_in(client, email: str, totp_secret: str) -> None:
    answer = client.get("/sign-in")
    if answer.status_code != 200:
        raise SystemExit(f"/sign-in answered {answer.status_code}: {answer.headers}")
    page = answer.get_data(as_text=True)
    response = client.post(
        "/sign-in", data={"csrf_token": CSRF.search(page).group(1), "email": email, "password": PASSWORD}
    )
    if response.status_code == 302 and "two-factor" in response.location:
        page = client.get("/sign-in/two-factor").get_data(as_text=True)
        code = pyotp.TOTP(totp_secret).now()
        response = client.post("/sign-in/two-factor", data={"csrf_token": CSRF.search(page).group(1), "code": code})
    if response.status_code != 302:
        raise SystemExit(f"Could not sign in as {email}: {response.status_code}")


def steps(assessor: dict, chair: dict, assessor_client, chair_client) -> list[tuple[Step, object]]:
    work, items = assessor["work"], chair["work"]
    base, board = f"/assess/{assessor['campaign_id']}/sift", f"/moderate/{chair['campaign_id']}/sift"
    # The POSTs change what they post to: the application submitted each time is a fresh one from the end of the
    # assessor's list (the GETs read the start of it), and the items ready to agree are agreed in turn (each
    # reopened first when it was agreed before: a campaign of 2,000 applications has few items ready).
    fresh_applications = list(reversed(work))
    # The item page read is left out of them, so that it stays ready to agree, as the chairs' items are.
    fresh_items = list(reversed(items[1:])) or items
    one = work[0]

    def page(url: str) -> Callable[[int], tuple[str, str, None, int]]:
        return lambda _: ("GET", url, None, 200)

    def application_post(n: int) -> tuple[str, str, dict, int]:
        url = f"{base}/{fresh_applications[n % len(fresh_applications)]['reference']}"
        value = str(4 + n // len(fresh_applications) % 3)  # once round the list, a changed score
        html = assessor_client.get(url).get_data(as_text=True)
        data: dict = {"csrf_token": CSRF.search(html).group(1), "submit_scores": "Submit scores"}
        for code, version in CODE_VERSION.findall(html):
            data |= {f"{code}-version": version, f"{code}-value": value, f"{code}-rationale": RATIONALE}
        return "POST", url, data, 302

    def score_post(n: int) -> tuple[str, str, dict, int]:
        url = f"{base}/{one['reference']}/{one['codes'][0]}"
        html = assessor_client.get(url).get_data(as_text=True)
        data = {
            "csrf_token": CSRF.search(html).group(1),
            "version": VERSION.search(html).group(1),
            "value": str(3 + n % 3),
            "rationale": f"{RATIONALE} ({n})",
            "submit_score": "Submit score",
        }
        return "POST", url, data, 302

    def agree_post(n: int) -> tuple[str, str, dict, int]:
        item = fresh_items[n % len(fresh_items)]
        url = f"{board}/items/{item['reference']}/{item['code']}"
        html = chair_client.get(url).get_data(as_text=True)
        if f"{url}/reopen" in html:  # agreed earlier: reopened, to be agreed again
            data = {"csrf_token": CSRF.search(html).group(1), "reason": "The panel looks at it again."}
            chair_client.post(f"{url}/reopen", data=data)
            html = chair_client.get(url).get_data(as_text=True)
        data = {"csrf_token": CSRF.search(html).group(1), "value": str(item["proposal"]), "rationale": RATIONALE}
        return "POST", url, data, 302

    def board_after_a_score(n: int) -> tuple[str, str, None, int]:
        # As chairs load it under load: someone on the panel has just submitted, so the board's kept standings,
        # counted scores and quality figures are brought up to date with the application they scored.
        method, url, data, expected = application_post(10_000 + n)
        if assessor_client.open(url, method=method, data=data).status_code != expected:
            raise SystemExit(f"Could not submit {url} before loading the board")
        return "GET", f"{board}?page={item['page']}", None, 200

    item = items[0]
    return [
        (Step("work list", page(f"{base}?page={one['page']}")), assessor_client),
        (Step("application page", page(f"{base}/{one['reference']}")), assessor_client),
        (Step("application submitted (POST)", application_post), assessor_client),
        (Step("scoring page", page(f"{base}/{one['reference']}/{one['codes'][0]}")), assessor_client),
        (Step("score submitted (POST)", score_post), assessor_client),
        (Step("moderation board", page(f"{board}?page={item['page']}")), chair_client),
        (Step("moderation board, after a score", board_after_a_score), chair_client),
        (Step("moderation item", page(f"{board}/items/{item['reference']}/{item['code']}")), chair_client),
        (Step("item agreed (POST)", agree_post), chair_client),
        (Step("floor: /healthz", page("/healthz")), assessor_client),
    ]


class Browser:
    """A test client whose requests come to BASE_URL, the address the app answers to, over https."""

    def __init__(self, app) -> None:
        self.client = app.test_client()

    def open(self, url: str, **kwargs):
        # As a browser sends it: over https, Flask-WTF refuses a form sent without a Referer from the same site.
        return self.client.open(url, base_url=BASE_URL, headers={"Referer": BASE_URL + url}, **kwargs)

    def get(self, url: str, **kwargs):
        return self.open(url, method="GET", **kwargs)

    def post(self, url: str, **kwargs):
        return self.open(url, method="POST", **kwargs)


class Counter:
    """Numbers each step's requests across rounds, so that a POST never repeats an earlier one's target."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def take(self, name: str) -> int:
        self.next[name] = self.next.get(name, -1) + 1
        return self.next[name]


def request(client, step: Step, counter: Counter, timed: Callable | None = None) -> float:
    method, url, data, expected = step.prepare(counter.take(step.name))
    started = time.process_time()
    if timed is None:
        response = client.open(url, method=method, data=data)
    else:
        response = timed(lambda: client.open(url, method=method, data=data))
    spent = time.process_time() - started
    if response.status_code != expected:
        body = response.get_data(as_text=True)
        errors = re.findall(r'govuk-error-summary__list">(.*?)</ul>', body, re.S)
        raise SystemExit(f"{step.name}: {method} {url} answered {response.status_code}, not {expected}: {errors}")
    return spent


def profile(pairs, counter: Counter, iterations: int, rounds: int, top: int) -> None:
    results: dict[str, list[float]] = {}
    for step, client in pairs:  # warm up: templates compiled, the first query of each kind planned
        for _ in range(3):
            request(client, step, counter)
    for _ in range(rounds):
        for step, client in pairs:
            spent = [request(client, step, counter) for _ in range(iterations)]
            results.setdefault(step.name, []).append(statistics.fmean(spent) * 1000)
    print(f"\nCPU ms per request (this process; {rounds} rounds of {iterations} requests each)")
    print(f"{'page':<32}{'mean':>8}{'best':>8}   rounds")
    for name, means in results.items():
        print(f"{name:<32}{statistics.fmean(means):>8.2f}{min(means):>8.2f}   " + " ".join(f"{m:.2f}" for m in means))
    served = [name for name in results if not name.startswith("floor")]
    print(f"{'mean of the pages above':<32}{statistics.fmean(statistics.fmean(results[n]) for n in served):>8.2f}")

    if top <= 0:
        return
    for step, client in pairs:
        profiler = cProfile.Profile()
        for _ in range(iterations):
            request(client, step, counter, timed=lambda call, p=profiler: p.runcall(call))
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.strip_dirs()
        print(f"\n=== {step.name}: top {top} functions by own time, then by cumulative time ({iterations} requests)")
        stats.sort_stats("tottime").print_stats(top)
        stats.sort_stats("cumulative").print_stats(top)
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip() and "function calls" not in line))


def seeded_app(url: str, applications: int):
    """One campaign of `applications` seeded into the database at `url` as load.py seeds each of its own, the chair
    and a panel member planned for it, and the app with production settings on that database."""
    from recruit import create_app
    from recruit.config import Config

    seed_load(url, 1, applications, 6, 3)
    people = plan(url, assessors=1, chairs=1, visitors=0)["users"]
    app = create_app(
        Config,
        RECRUIT_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        BASE_URL=BASE_URL,
        SQLALCHEMY_DATABASE_URI=url,
        MAIL_SERVER=None,
        NOTIFY_API_KEY=None,
        NOTIFICATIONS_SEND_AFTER_COMMIT=False,
        DEVELOPMENT_OUTBOX=False,
        RATELIMIT_ENABLED=False,
    )
    return people[0], people[1], app


def list_statements(app, pairs, counter: Counter) -> None:
    """Each page's SQL statements, in the order one request runs them, each cut to one line, with the wall time from
    sending it to its rows fetched (PostgreSQL's own time, and the driver's), in ms."""
    from sqlalchemy import event

    from recruit.extensions import db

    with app.app_context():
        engine = db.engine
    for step, client in pairs:
        statements: list[list] = []

        def before(conn, cursor, statement, *args, statements=statements):
            statements.append([" ".join(statement.split())[:150], time.perf_counter()])

        def after(conn, cursor, statement, *args, statements=statements):
            statements[-1][1] = time.perf_counter() - statements[-1][1]

        def listened(call, before=before, after=after):
            # Only the request timed: a step's preparation (the GET for a form's token) runs statements of its own.
            event.listen(engine, "before_cursor_execute", before)
            event.listen(engine, "after_cursor_execute", after)
            try:
                return call()
            finally:
                event.remove(engine, "before_cursor_execute", before)
                event.remove(engine, "after_cursor_execute", after)

        request(client, step, counter, timed=listened)
        total = sum(seconds for _, seconds in statements)
        print(f"\n=== {step.name}: {len(statements)} statements, {1000 * total:.1f} ms in all")
        for number, (statement, seconds) in enumerate(statements, 1):
            print(f"{number:>3} {1000 * seconds:6.2f}  {statement}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=os.environ.get("DATABASE_URL") or DEFAULT_SERVER)
    parser.add_argument("--applications", type=int, default=2000, help="applications in the campaign (default 2000)")
    parser.add_argument("--iterations", type=int, default=40, help="requests per page per round (default 40)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (default 3)")
    parser.add_argument("--top", type=int, default=25, help="functions listed per page under cProfile (0: none)")
    parser.add_argument(
        "--statements", action="store_true", help="also list the SQL statements one request of each page runs"
    )
    args = parser.parse_args()
    if args.applications < 100 or args.iterations < 1 or args.rounds < 1:
        parser.error("--applications must be at least 100, --iterations and --rounds at least 1")

    with throwaway_database(args.server) as url:
        chair, assessor, app = seeded_app(url, args.applications)
        from recruit.processes import settle_worker

        settle_worker()  # as gunicorn.conf.py does in each worker once the app is loaded
        clients = []
        for person in (assessor, chair):
            client = Browser(app)
            sign_in(client, person["email"], person["totp_secret"])
            clients.append(client)
        try:
            pairs = steps(assessor, chair, *clients)
            counter = Counter()
            profile(pairs, counter, args.iterations, args.rounds, args.top)
            if args.statements:
                list_statements(app, pairs, counter)
        finally:
            from recruit.extensions import db

            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
