"""Load benchmark: the app under gunicorn, with concurrent simulated assessors, chairs and visitors.

    .venv/bin/python bench/load.py [--campaigns 50] [--applications-per-campaign 2000] [--users 30 60] [--duration 60]

Creates a throwaway PostgreSQL database on the server named by --server (or DATABASE_URL, or the local one),
migrates and seeds it, and fills it with campaigns part-way through the sift (bench/load_seed.py). Runs the
app under gunicorn with production settings (two-factor sign-in for staff, secure cookies, rate-limit counters
in Redis), as behind a TLS-terminating proxy on the same host: requests say X-Forwarded-Proto: https, as the
proxy's would. For each number of people given with --users, a second process then signs every simulated user
in and, after a warm-up, drives them for the timed window: assessors score candidate by candidate on the panel
page (every open criterion submitted at once, then on to the next application, now and then the work list),
chairs go through the moderation board agreeing items, and visitors read the public pages as a browser does
(revalidating pages they have seen), alternating with /healthz, a bare route that runs one query: the floor the
other pages are compared with. Each simulated person waits a random think time between requests. It prints, for
each run, the app's CPU time per request, p50/p95/p99 per page, each page's p95 as a multiple of the floor's,
request counts and errors, and judges the targets: CPU per request at most 10 ms; the panel page's and the
moderation pages' p95 at most 100 ms and at most 3 × the floor's; the public pages' p95 at most 2 × the floor's;
no errors. Then the SQL statements each panel page runs, and the runs side by side (with --compare, beside an
earlier --save's figures: before and after a change). It exits with status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import http.cookiejar
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
TARGET_P95_MS = 100.0
TARGET_RATIO = 3.0
TARGET_CPU_MS = 10.0
TARGET_PUBLIC_RATIO = 2.0
SCORING_PAGE = "panel page"
PUBLIC_PAGES = "public pages"
BOARD = "moderation board"
ITEM = "moderation item"
FLOOR = "floor: /healthz"
# The order pages are reported in.
PAGES = [
    FLOOR,
    PUBLIC_PAGES,
    "work list",
    SCORING_PAGE,
    "scores submitted (POST)",
    BOARD,
    ITEM,
    "item agreed (POST)",
]
# The pages a panel works on, judged against the floor: at most TARGET_RATIO times its p95, and TARGET_P95_MS.
PANEL_PAGES = [SCORING_PAGE, BOARD, ITEM]
# Every signed-in person signs in once (a password and a security code, both POSTs) before the timed window;
# they all come from the one loopback address, so the limit must let that many through.
SIGN_IN_RATE_LIMIT = "300 per minute; 3000 per hour"

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ERROR_SUMMARY = re.compile(r'class="govuk-error-summary__list">(.*?)</ul>', re.S)
TAGS = re.compile(r"<[^>]+>")


class FormInputs(HTMLParser):
    """The inputs of a page's forms, as (name, type, value) in page order: enough to fill in the panel page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.inputs: list[tuple[str, str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input":
            found = dict(attrs)
            if found.get("name"):
                self.inputs.append((found["name"] or "", found.get("type") or "text", found.get("value") or ""))

    def values(self, name: str) -> list[str]:
        return [value for field, _, value in self.inputs if field == name]


def panel_answers(html: str, rng: random.Random) -> dict | None:
    """What an assessor sends from the panel page: for each criterion still open to them (the page carries its
    score's version), a score with the ticks that agree with it, so that no consistency prompt is expected, and a
    rationale. None when the page has no form to send."""
    form = FormInputs(html)
    token = form.values("csrf_token")
    codes = [name.removesuffix("-version") for name, kind, _ in form.inputs if name.endswith("-version")]
    if not token or not codes:
        return None
    data: dict[str, str | list[str]] = {"csrf_token": token[0], "submit_next": "Submit and go to the next application"}
    for code in codes:
        value = rng.randint(2, 6)
        field = f"{code}-effective" if value >= 4 else f"{code}-ineffective"
        data[f"{code}-version"] = form.values(f"{code}-version")[0]
        data[f"{code}-value"] = str(value)
        data[field] = form.values(field)[: 2 if value >= 4 else 1]
        data[f"{code}-rationale"] = (
            "Clear example at the required level: the candidate describes their own actions and a measurable "
            "result, with some reflection on what they would do differently."
        )
    return data


# -- CPU spent by the app and its database connections ---------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time a process has used so far, from /proc (None once it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def app_processes(master: int, database_url: str) -> tuple[list[int], list[int]]:
    """The gunicorn workers, and the PostgreSQL backends connected to the benchmark's database."""
    import psycopg

    try:
        workers = [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except FileNotFoundError:
        workers = []
    url = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as connection:
        backends = [
            row[0]
            for row in connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]
    return workers, backends


def machine_busy_seconds() -> float:
    """CPU time the whole machine has spent busy since boot, all cores together (from /proc/stat)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def cpu_snapshot(master: int, database_url: str) -> dict[str, dict[int, float]]:
    workers, backends = app_processes(master, database_url)
    return {
        kind: {pid: seconds for pid in pids if (seconds := cpu_seconds(pid)) is not None}
        for kind, pids in (("workers", workers), ("database", backends))
    }


# -- the simulated users (run in their own process) -------------------------------------------------------------


class BehindTLSProxy(http.cookiejar.DefaultCookiePolicy):
    """The app marks its cookies Secure; the client stands behind the TLS-terminating proxy, so it keeps them
    and sends them back over plain HTTP on loopback."""

    def return_ok_secure(self, cookie, request):
        return True


class Recorder:
    def __init__(self, window_start: float, window_end: float):
        self.window_start, self.window_end = window_start, window_end
        self.samples: list[tuple[str, float, float]] = []  # page, seconds, when it started in the window
        self.errors: list[tuple[str, str]] = []
        self.outside = 0

    def timed(self, started: float) -> bool:
        return self.window_start <= started < self.window_end

    def record(self, page: str, started: float, seconds: float, problem: str | None) -> None:
        if not self.timed(started):
            self.outside += 1
            return
        self.samples.append((page, seconds, started - self.window_start))
        if problem:
            self.errors.append((page, problem))

    def error(self, page: str, started: float, problem: str) -> None:
        """A problem found in a response already timed (such as a form missing from it)."""
        if self.timed(started):
            self.errors.append((page, problem))


class Person:
    def __init__(self, spec: dict, base_url: str, recorder: Recorder, think: tuple[float, float], seed: int):
        import httpx

        self.spec, self.recorder, self.think_range = spec, recorder, think
        self.rng = random.Random(seed)
        # As a browser would, a form is posted with the page it came from as the Referer (over HTTPS, Flask-WTF
        # refuses a POST whose Referer is not the same site).
        self.origin = "https://" + base_url.split("://", 1)[1]
        self.jar = http.cookiejar.CookieJar(policy=BehindTLSProxy())
        self.client = httpx.AsyncClient(
            base_url=base_url,
            cookies=self.jar,
            event_hooks={"request": [self.send_cookies]},
            headers={"X-Forwarded-Proto": "https", "User-Agent": "recruit-load-benchmark"},
            timeout=30.0,
            follow_redirects=False,
        )

    async def send_cookies(self, request) -> None:
        # httpx copies the jar into one with the default policy when it builds a request, which keeps Secure
        # cookies back over plain HTTP; the cookies (all for this one host and path) are added here instead.
        cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)
        if cookies:
            request.headers["Cookie"] = cookies

    async def think(self) -> None:
        await asyncio.sleep(self.rng.uniform(*self.think_range))

    def over(self) -> bool:
        return time.perf_counter() >= self.recorder.window_end

    async def request(
        self, page: str, method: str, url: str, *, expect: tuple[int, ...] = (200,), data=None, headers=None
    ):
        """One request, timed from sending to the last byte of the body; returns the response, or None after
        an exception. A response other than one of those expected is an error."""
        started = time.perf_counter()
        try:
            response = await self.client.request(
                method, url, data=data, headers={**self.referer(method, url), **(headers or {})}
            )
        except Exception as error:  # any failure to get a response is an error, counted and shown
            self.recorder.record(page, started, time.perf_counter() - started, f"{type(error).__name__}: {error}")
            return None
        seconds = time.perf_counter() - started
        problem = None
        if response.status_code not in expect:
            problem = f"{method} {url} answered {response.status_code}"
            if response.status_code == 200 and method == "POST":
                summary = ERROR_SUMMARY.search(response.text)
                reason = TAGS.sub(" ", summary.group(1)).split() if summary else ["no", "error", "summary"]
                problem += f" (the form was refused: {' '.join(reason)})"
            elif response.status_code in (301, 302, 303):
                problem += f" to {response.headers.get('location')}"
        self.recorder.record(page, started, seconds, problem)
        return response

    def referer(self, method: str, url: str) -> dict:
        return {"Referer": self.origin + url} if method == "POST" else {}

    async def sign_in(self, password: str) -> None:
        import pyotp

        page = await self.client.get("/sign-in")
        response = await self.client.post(
            "/sign-in",
            data={"csrf_token": CSRF.search(page.text).group(1), "email": self.spec["email"], "password": password},
            headers=self.referer("POST", "/sign-in"),
        )
        if response.status_code != 302 or "two-factor" not in response.headers.get("location", ""):
            raise RuntimeError(f"signing in {self.spec['email']} answered {response.status_code}")
        totp = pyotp.TOTP(self.spec["totp_secret"])
        # A code is accepted once: if this step's was used (a run moments ago), the next step's is accepted too.
        for code in (totp.now(), totp.at(time.time() + 30)):
            page = await self.client.get("/sign-in/two-factor")
            response = await self.client.post(
                "/sign-in/two-factor",
                data={"csrf_token": CSRF.search(page.text).group(1), "code": code},
                headers=self.referer("POST", "/sign-in/two-factor"),
            )
            if response.status_code == 302:
                return
        raise RuntimeError(f"the security code for {self.spec['email']} was refused")

    def form_fields(self, page_name: str, response, started: float, *patterns: re.Pattern) -> list[str] | None:
        """Values read from a form on a page; a page without them is an error, and the step goes no further."""
        found = [pattern.search(response.text) for pattern in patterns]
        if all(found):
            return [match.group(1) for match in found]
        self.recorder.error(page_name, started, f"{response.url.path}: the form was not on the page")
        return None

    async def run(self) -> None:
        try:
            await getattr(self, self.spec["kind"])()
        finally:
            await self.client.aclose()

    async def visitor(self) -> None:
        """A member of the public reading the framework and vacancy pages, as a browser does: a page seen before is
        asked for again with its validator (If-None-Match), and a 304 answer means the copy held is still right."""
        held: dict[str, str] = {}
        while not self.over():
            url = self.rng.choice(self.spec["urls"])
            headers = {"If-None-Match": held[url]} if url in held else {}
            response = await self.request(PUBLIC_PAGES, "GET", url, expect=(200, 304), headers=headers)
            if response is not None and response.status_code == 200 and response.headers.get("etag"):
                held[url] = response.headers["etag"]
            await self.think()
            if self.over():
                break
            await self.request(FLOOR, "GET", "/healthz")
            await self.think()

    async def assessor(self) -> None:
        """Scoring candidate by candidate on the panel page: every open criterion of an application scored and
        submitted at once with "Submit and go to the next application", which opens the next one; now and then a
        look at the work list."""
        base = f"/assess/{self.spec['campaign_id']}/sift"
        if not self.spec["work"]:
            return await self.idle(base)
        first = self.spec["work"][0]
        await self.request("work list", "GET", f"{base}?page={first['page']}")
        await self.think()
        url: str | None = f"{base}/{first['reference']}"
        done = 0
        while url is not None and not self.over():
            started = time.perf_counter()
            page = await self.request(SCORING_PAGE, "GET", url)
            if page is None or page.status_code != 200:
                break
            data = panel_answers(page.text, self.rng)
            if data is None:
                self.recorder.error(SCORING_PAGE, started, f"{url}: no criterion open to score on the page")
                break
            await self.think()  # reading the evidence
            response = await self.request("scores submitted (POST)", "POST", url, expect=(302,), data=data)
            if response is None or response.status_code != 302:
                break
            location = response.headers.get("location", "")
            path = location.split("://", 1)[-1].split("/", 1)[-1] if "://" in location else location.lstrip("/")
            url = "/" + path if path.startswith(base.lstrip("/") + "/") else None
            done += 1
            if done % 10 == 0 and not self.over():
                await self.request("work list", "GET", base)
                await self.think()
        await self.idle(base)

    async def idle(self, base: str) -> None:
        while not self.over():  # nothing left to score: the work list, as someone checking their progress
            await self.request("work list", "GET", base)
            await self.think()

    async def chair(self) -> None:
        base = f"/moderate/{self.spec['campaign_id']}/sift"
        for item in self.spec["work"]:
            if self.over():
                return
            await self.request(BOARD, "GET", f"{base}?page={item['page']}")
            await self.think()
            url = f"{base}/items/{item['reference']}/{item['code']}"
            started = time.perf_counter()
            page = await self.request(ITEM, "GET", url)
            if page is None or page.status_code != 200:
                continue
            fields = self.form_fields(ITEM, page, started, CSRF)
            if fields is None:
                continue
            await self.think()  # reading the scores and rationales
            data = {
                "csrf_token": fields[0],
                "value": str(item["proposal"]),
                "rationale": "Discussed at the panel meeting: the evidence supports the proposed score.",
            }
            response = await self.request("item agreed (POST)", "POST", url, expect=(302,), data=data)
            if response is not None and response.status_code == 302:
                await self.request(BOARD, "GET", base)
            await self.think()
        while not self.over():
            await self.request(BOARD, "GET", base)
            await self.think()


async def drive(
    plan: dict,
    base_url: str,
    duration: float,
    warmup: float,
    think: tuple[float, float],
    master: int,
    database_url: str,
) -> dict:
    recorder = Recorder(float("inf"), float("inf"))
    people = [Person(spec, base_url, recorder, think, seed) for seed, spec in enumerate(plan["users"])]
    gate = asyncio.Semaphore(4)  # signing in checks a memory-hard password hash: a few at a time

    async def sign_in(person: Person) -> None:
        async with gate:
            await person.sign_in(plan["password"])

    started = time.perf_counter()
    await asyncio.gather(*(sign_in(p) for p in people if p.spec["kind"] != "visitor"))
    signed_in = time.perf_counter() - started
    recorder.window_start = time.perf_counter() + warmup
    recorder.window_end = recorder.window_start + duration
    window: dict = {}

    async def watch() -> None:
        """The load average and the app's CPU time at both ends of the timed window (read off the event loop's
        thread, so that the simulated people are not held up)."""
        await asyncio.sleep(max(recorder.window_start - time.perf_counter(), 0))
        await marker.get("/healthz?window=start")  # marks the window in the app's access log
        window["load_before"] = os.getloadavg()
        window["cpu_before"] = await asyncio.to_thread(cpu_snapshot, master, database_url)
        window["machine_before"], window["client_before"] = machine_busy_seconds(), time.process_time()
        # Second by second, the share of the machine that other work took (the app's processes as they were at the
        # start of the window): slow requests can then be told apart by whether the machine was busy elsewhere.
        pids = [pid for kind in window["cpu_before"].values() for pid in kind]
        cores = len(os.sched_getaffinity(0))
        previous = (
            time.perf_counter(),
            window["machine_before"],
            sum(cpu_seconds(pid) or 0.0 for pid in pids),
            window["client_before"],
        )
        window["other_share"] = []
        while time.perf_counter() < recorder.window_end:
            await asyncio.sleep(min(1.0, max(recorder.window_end - time.perf_counter(), 0)))
            now = (
                time.perf_counter(),
                machine_busy_seconds(),
                sum(cpu_seconds(pid) or 0.0 for pid in pids),
                time.process_time(),
            )
            elapsed, machine, app, client = (b - a for a, b in zip(previous, now))
            window["other_share"].append(
                (
                    now[0] - recorder.window_start,
                    max(machine - app - client, 0.0) / (cores * elapsed) if elapsed else 0.0,
                )
            )
            previous = now
        window["machine_after"], window["client_after"] = machine_busy_seconds(), time.process_time()
        await marker.get("/healthz?window=end")
        window["load_after"] = os.getloadavg()
        window["cpu_after"] = await asyncio.to_thread(cpu_snapshot, master, database_url)

    import httpx

    marker = httpx.AsyncClient(base_url=base_url, headers={"X-Forwarded-Proto": "https"}, timeout=30.0)
    watcher = asyncio.create_task(watch())
    await asyncio.gather(*(person.run() for person in people))
    await watcher
    await marker.aclose()
    before, after = window["cpu_before"], window["cpu_after"]
    # A process that started during the window counts in full; one that ended during it is not seen at the end.
    app_cpu = {
        kind: sum(seconds - before[kind].get(pid, 0.0) for pid, seconds in after[kind].items()) for kind in after
    }
    return {
        "samples": recorder.samples,
        "errors": recorder.errors,
        "outside": recorder.outside,
        "sign_in_seconds": signed_in,
        "load_before": window["load_before"],
        "load_after": window["load_after"],
        "duration": duration,
        "app_cpu_seconds": app_cpu,
        "client_cpu_seconds": window["client_after"] - window["client_before"],
        "machine_cpu_seconds": window["machine_after"] - window["machine_before"],
        "other_share": window["other_share"],
    }


# -- the app under gunicorn ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clear_limits(redis_url: str) -> None:
    """Drop the rate-limit counters in the benchmark's Redis database, so that one run does not limit the next."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match="LIMITS*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


def start_app(url: str, redis_url: str, workers: int, log: Path, access: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("MAIL_")}
    # Production needs the https address it is reached at; the requests come with X-Forwarded-Proto: https.
    env.update(
        RECRUIT_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        DATABASE_URL=url,
        REDIS_URL=redis_url,
        SIGN_IN_RATE_LIMIT=SIGN_IN_RATE_LIMIT,
        BASE_URL=f"https://127.0.0.1:{port}",
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--forwarded-allow-ips",
            "127.0.0.1",
            "--timeout",
            "60",
            "--error-logfile",
            str(log),
            # Each request's method, path, status, time in the worker (microseconds) and query string.
            "--access-logfile",
            str(access),
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(D)s %(q)s",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped (status {server.returncode}); its log:\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/healthz", headers={"X-Forwarded-Proto": "https"}, timeout=2).status_code == 200:
                return server, base_url
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    stop_app(server)
    raise SystemExit(f"gunicorn did not answer /healthz within a minute; its log:\n{log.read_text()}")


def stop_app(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# -- the report ------------------------------------------------------------------------------------------------

ROUTES = [  # (method or None for any, path pattern, page)
    (None, re.compile(r"/healthz"), FLOOR),
    (None, re.compile(r"/(frameworks|vacancies)(/.*)?"), PUBLIC_PAGES),
    ("GET", re.compile(r"/assess/\d+/sift"), "work list"),
    ("GET", re.compile(r"/assess/\d+/sift/[^/]+"), SCORING_PAGE),
    ("POST", re.compile(r"/assess/\d+/sift/[^/]+"), "scores submitted (POST)"),
    ("GET", re.compile(r"/moderate/\d+/sift"), BOARD),
    ("GET", re.compile(r"/moderate/\d+/sift/items/[^/]+/[^/]+"), ITEM),
    ("POST", re.compile(r"/moderate/\d+/sift/items/[^/]+/[^/]+"), "item agreed (POST)"),
]


def in_the_workers(access: Path) -> dict[str, list[float]]:
    """Each page's times inside gunicorn's workers (from reading the request to sending the response; the time a
    request waited for a free worker is not in them), in milliseconds, between the window's markers."""
    times: dict[str, list[float]] = {}
    inside = False
    for line in access.read_text().splitlines():
        method, path, _status, micros, query = [*line.split(" ", 4), ""][:5]
        if path == "/healthz" and query.startswith("window="):
            inside = query == "window=start"
            continue
        if not inside:
            continue
        page = next(
            (
                name
                for wanted, pattern, name in ROUTES
                if (wanted is None or wanted == method) and pattern.fullmatch(path)
            ),
            None,
        )
        if page is not None:
            times.setdefault(page, []).append(int(micros) / 1000)
    return times


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) == 1:
        return values[0], values[0], values[0]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def report(results: dict, plan: dict, args, seeded: str, workers_times: dict[str, list[float]]) -> tuple[bool, dict]:
    by_page: dict[str, list[float]] = {}
    for page, seconds, _ in results["samples"]:
        by_page.setdefault(page, []).append(seconds * 1000)
    errors: dict[str, list[str]] = {}
    for page, problem in results["errors"]:
        errors.setdefault(page, []).append(problem)
    floor = percentiles(by_page[FLOOR])[1] if by_page.get(FLOOR) else None
    kinds = [spec["kind"] for spec in plan["users"]]
    total = sum(len(values) for values in by_page.values())
    print()
    print(
        f"Machine:          {len(os.sched_getaffinity(0))} cores (nproc); load average "
        f"{' '.join(f'{v:.2f}' for v in results['load_before'])} at the start of the timed window, "
        f"{' '.join(f'{v:.2f}' for v in results['load_after'])} at its end"
    )
    print(f"Data:             {seeded}")
    print(
        f"App:              gunicorn, {args.workers} sync workers, RECRUIT_ENV=production, PostgreSQL, "
        f"rate-limit counters in Redis ({args.redis_url})"
    )
    print(
        f"Users:            {len(kinds)} at once ({kinds.count('assessor')} assessors, {kinds.count('chair')} "
        f"chairs, {kinds.count('visitor')} visitors), think time {args.think[0]:g}–{args.think[1]:g} s; "
        f"signed in beforehand in {results['sign_in_seconds']:.1f} s; {args.warmup:g} s warm-up"
    )
    print(
        f"Timed window:     {results['duration']:g} s, {total} requests ({total / results['duration']:.1f} per "
        f"second), {len(results['errors'])} errors"
    )
    capacity = results["duration"] * len(os.sched_getaffinity(0))
    workers, database = results["app_cpu_seconds"]["workers"], results["app_cpu_seconds"]["database"]
    app, client, machine = workers + database, results["client_cpu_seconds"], results["machine_cpu_seconds"]
    print(
        f"CPU in the window: the machine was {100 * machine / capacity:.0f}% busy: the app "
        f"{100 * app / capacity:.0f}% ({1000 * app / max(total, 1):.1f} ms of CPU a request: "
        f"{1000 * workers / max(total, 1):.1f} in gunicorn's workers, {1000 * database / max(total, 1):.1f} in "
        f"PostgreSQL), the simulated people {100 * client / capacity:.0f}%, other work on the machine "
        f"{100 * max(machine - app - client, 0) / capacity:.0f}%"
    )
    print()
    print(
        "Times are from the simulated people's side; the last two columns are the same requests' times inside "
        "gunicorn's workers,\nwithout the wait for a free worker.\n"
    )
    print(
        f"{'page':<24}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'p95 / floor':>13}"
        f"{'in worker p50':>15}{'p95':>8}"
    )
    for page in PAGES + sorted(set(by_page) - set(PAGES)):
        values = by_page.get(page)
        if not values:
            print(f"{page:<24}{0:>9}{len(errors.get(page, [])):>8}")
            continue
        p50, p95, p99 = percentiles(values)
        ratio = f"{p95 / floor:.1f}×" if floor else "–"
        inside = workers_times.get(page)
        worker = f"{percentiles(inside)[0]:>15.1f}{percentiles(inside)[1]:>8.1f}" if inside else ""
        print(
            f"{page:<24}{len(values):>9}{len(errors.get(page, [])):>8}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}"
            f"{ratio:>13}{worker}"
        )
    if results["errors"]:
        print("\nErrors (first of each kind):")
        seen = set()
        for page, problem in results["errors"]:
            key = (page, problem.split(" answered")[-1][:80])
            if key not in seen:
                seen.add(key)
                print(f"  {page}: {problem}")
    ends = [end for end, _ in results["other_share"]]
    shares = [share for _, share in results["other_share"]]
    if shares:
        busy = sum(1 for share in shares if share > 0.5)
        print(
            f"\nOther work, second by second: median {100 * statistics.median(shares):.0f}% of the machine, "
            f"more than half of it in {busy} of {len(shares)} seconds."
        )
        # Requests that started in a second when other work, then and in the second before, took at most a quarter
        # of the machine: what the app does when it has the machine more or less to itself.
        quiet = {
            index for index, share in enumerate(shares) if share <= 0.25 and (index == 0 or shares[index - 1] <= 0.25)
        }
        for page in (SCORING_PAGE, FLOOR):
            values = [
                seconds * 1000
                for name, seconds, at in results["samples"]
                if name == page and bisect.bisect_left(ends, at) in quiet
            ]
            if len(values) >= 2:
                p50, p95, _ = percentiles(values)
                print(
                    f"{page} in the {len(quiet)} quieter seconds (other work at most 25%): {len(values)} requests, "
                    f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"
                )
    print()
    cpu_ms = 1000 * app / max(total, 1)
    summary = {
        "users": len(kinds),
        "requests_per_second": total / results["duration"],
        "errors": len(results["errors"]),
        "cpu_ms": cpu_ms,
        "floor_p95": floor,
        "p95": {page: percentiles(values)[1] for page, values in by_page.items() if values},
    }
    if not floor:
        print("Targets:          NOT JUDGED: no floor requests in the timed window")
        return False, summary
    checks = [(f"CPU per request {cpu_ms:.1f} ms ≤ {TARGET_CPU_MS:.0f} ms", cpu_ms <= TARGET_CPU_MS)]
    for page in PANEL_PAGES:
        if not by_page.get(page):
            checks.append((f"{page}: no requests in the timed window", False))
            continue
        p95 = percentiles(by_page[page])[1]
        checks.append(
            (
                f"{page} p95 {p95:.1f} ms ≤ {TARGET_P95_MS:.0f} ms and {p95 / floor:.1f}× the floor's "
                f"({floor:.1f} ms) ≤ {TARGET_RATIO:.0f}×",
                p95 <= TARGET_P95_MS and p95 <= TARGET_RATIO * floor,
            )
        )
    public = by_page.get(PUBLIC_PAGES)
    if public:
        p95 = percentiles(public)[1]
        checks.append(
            (
                f"{PUBLIC_PAGES} p95 {p95:.1f} ms {p95 / floor:.1f}× the floor's ≤ {TARGET_PUBLIC_RATIO:.0f}×",
                p95 <= TARGET_PUBLIC_RATIO * floor,
            )
        )
    checks.append((f"{len(results['errors'])} errors = 0", not results["errors"]))
    met = True
    for text, ok in checks:
        print(f"Target:           {text}: {'met' if ok else 'MISSED'}")
        met = met and ok
    return met, summary


def compare(runs: list[dict], before: list[dict] | None) -> None:
    """The runs side by side (with --compare, each beside the same number of people in an earlier run's figures)."""
    earlier = {run["users"]: run for run in before or []}
    print("\nSummary" + (" (before → after)" if before else "") + ":\n")
    rows = [("requests a second", "requests_per_second", ""), ("CPU per request", "cpu_ms", " ms")]
    rows += [(f"{page} p95", page, " ms") for page in PAGES]
    print(f"{'':<30}" + "".join(f"{str(run['users']) + ' people':>26}" for run in runs))

    def cell(run: dict | None, key: str) -> float | None:
        if run is None:
            return None
        return run["p95"].get(key) if key in PAGES else run.get(key)

    for label, key, unit in rows:
        line = f"{label:<30}"
        for run in runs:
            now, then = cell(run, key), cell(earlier.get(run["users"]), key)
            text = "–" if now is None else f"{now:.1f}{unit}"
            if key in PAGES and now is not None and run["floor_p95"]:
                text += f" ({now / run['floor_p95']:.1f}×)"
            if then is not None:
                text = f"{then:.1f} → " + text
            line += f"{text:>26}"
        print(line)


def panel_query_counts(url: str, plan: dict) -> dict[str, int]:
    """How many SQL statements each panel page runs, counted in this process through Flask's test client for the
    first simulated assessor and chair (signed in by setting up their session as signing in does)."""
    from sqlalchemy import event

    from recruit import create_app
    from recruit.config import Config
    from recruit.extensions import db
    from recruit.models import User

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, MAIL_SERVER=None)
    counts: dict[str, int] = {}
    assessor = next((u for u in plan["users"] if u["kind"] == "assessor" and u["work"]), None)
    chair = next((u for u in plan["users"] if u["kind"] == "chair"), None)
    pages = []
    if assessor:
        base = f"/assess/{assessor['campaign_id']}/sift"
        pages += [
            (assessor, "work list", base),
            (assessor, SCORING_PAGE, f"{base}/{assessor['work'][-1]['reference']}"),
        ]
    if chair:
        base = f"/moderate/{chair['campaign_id']}/sift"
        pages.append((chair, BOARD, base))
        if chair["work"]:
            item = chair["work"][-1]
            pages.append((chair, ITEM, f"{base}/items/{item['reference']}/{item['code']}"))
    with app.app_context():
        ids = {
            person["email"]: db.session.scalar(db.select(User).where(User.email == person["email"])).get_id()
            for person, _, _ in pages
        }
        engine = db.engine
        db.session.remove()
    # Each request outside that context pushes its own, as in a worker: the signed-in user is not carried over.
    for person, page, path in pages:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = ids[person["email"]]
            session["_fresh"] = True
            session["signed_in_at"] = session["seen_at"] = time.time()
        headers = {"X-Forwarded-Proto": "https"}
        warm = client.get(path, headers=headers)  # templates compiled, as in a worker that has served a few
        if warm.status_code != 200:
            counts[page] = -warm.status_code
            continue
        statements: list[str] = []

        def record(conn, cursor, statement, *args, statements=statements):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            status = client.get(path, headers=headers).status_code
        finally:
            event.remove(engine, "before_cursor_execute", record)
        counts[page] = len(statements) if status == 200 else -status
    engine.dispose()
    return counts


# -- putting it together ---------------------------------------------------------------------------------------


def split_users(users: int) -> tuple[int, int, int]:
    """Three in five are assessors scoring, one in five chairs moderating, one in five visitors."""
    chairs = max(1, round(users / 5))
    visitors = max(1, round(users / 5))
    return users - chairs - visitors, chairs, visitors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--server",
        default=os.environ.get("DATABASE_URL") or DEFAULT_SERVER,
        help="PostgreSQL server to create the throwaway database on; its database part, if any, is "
        "only used to connect (default: DATABASE_URL, else " + DEFAULT_SERVER + ")",
    )
    parser.add_argument(
        "--database", help="drive an already seeded database (one kept with --keep) instead of creating and seeding one"
    )
    parser.add_argument("--keep", action="store_true", help="keep the seeded database afterwards, for --database")
    parser.add_argument("--campaigns", type=int, default=50, help="campaigns at the sift (default 50)")
    parser.add_argument(
        "--applications",
        "--applications-per-campaign",
        type=int,
        default=2000,
        help="applications per campaign (default 2000)",
    )
    parser.add_argument(
        "--panel", type=int, default=3, help="sift panel size, the chair and the assessors (default 3; at least 2)"
    )
    parser.add_argument("--criteria", type=int, default=6, help="sift criteria per campaign, 1 to 6 (default 6)")
    parser.add_argument(
        "--users",
        type=int,
        nargs="+",
        default=[30, 60],
        help="simulated people at once, one timed run for each number given: 3 in 5 assessors, 1 in 5 chairs, "
        "1 in 5 visitors (default 30 60)",
    )
    parser.add_argument("--duration", type=float, default=60, help="seconds in the timed window (default 60)")
    parser.add_argument(
        "--warmup", type=float, default=10, help="seconds of load before the timed window, not counted (default 10)"
    )
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(0.5, 1.5),
        metavar=("MIN", "MAX"),
        help="each person's pause between requests, uniform between MIN and MAX seconds (default 0.5 1.5)",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/13",
        help="Redis database for the app's rate-limit counters (default redis://127.0.0.1:6379/13)",
    )
    parser.add_argument("--save", type=Path, help="write the runs' figures to this JSON file, for --compare later")
    parser.add_argument(
        "--compare", type=Path, help="a JSON file written by --save: print each run's figures beside that run's"
    )
    parser.add_argument("--drive", nargs=4, metavar=("PLAN", "RESULTS", "BASE_URL", "SETTINGS"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.drive:  # the second process: the simulated users
        plan_path, results_path, base_url, settings = args.drive
        settings = json.loads(settings)
        plan = json.loads(Path(plan_path).read_text())
        results = asyncio.run(
            drive(
                plan,
                base_url,
                settings["duration"],
                settings["warmup"],
                tuple(settings["think"]),
                settings["master"],
                settings["database"],
            )
        )
        Path(results_path).write_text(json.dumps(results))
        return 0

    if (
        args.campaigns < 1
        or args.applications < 1
        or not 1 <= args.criteria <= 6
        or min(args.users) < 3
        or args.panel < 2
    ):
        parser.error(
            "--campaigns and --applications must be at least 1, --criteria 1 to 6, --users at least 3 and --panel at "
            "least 2"
        )
    if args.duration <= 0 or args.warmup < 0 or not 0 <= args.think[0] <= args.think[1] or args.workers < 1:
        parser.error("--duration must be positive, --warmup and --think not negative (MIN ≤ MAX), --workers ≥ 1")
    if not args.server.startswith("postgresql"):
        parser.error("--server must be a PostgreSQL URL, such as " + DEFAULT_SERVER)
    try:
        before = json.loads(args.compare.read_text()) if args.compare else None
    except (OSError, ValueError) as error:
        parser.error(f"--compare: {error}")

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from contextlib import nullcontext

    from load_seed import migrate, seed_load, throwaway_database
    from load_seed import plan as make_plan

    database = nullcontext(args.database) if args.database else throwaway_database(args.server, keep=args.keep)
    with database as url, tempfile.TemporaryDirectory() as folder:
        if args.database:
            migrate(url)  # a database kept from an older version of Recruit
        else:
            seed_load(url, args.campaigns, args.applications, args.criteria, args.panel)
        runs, met = [], True
        for users in args.users:
            passed, summary = run_once(url, args, users, folder, None if args.database else seeded_text(args))
            runs.append(summary)
            met = met and passed
        plan = make_plan(url, *split_users(max(args.users)))
        counts = panel_query_counts(url, plan)
        print("\nQueries a panel page runs (one request, counted in-process):")
        for page, count in counts.items():
            print(f"  {page:<22}{count:>4}" if count >= 0 else f"  {page:<22} answered {-count}, not 200")
    if args.save:
        args.save.write_text(json.dumps(runs, indent=2))
    compare(runs, before)
    return 0 if met else 1


def seeded_text(args) -> str:
    return f"{args.campaigns} campaigns at the sift × {args.applications} applications, {args.criteria} criteria"


def run_once(url: str, args, users: int, folder: str, seeded: str | None) -> tuple[bool, dict]:
    """One timed run with this many people on a fresh gunicorn, planned from the database as it stands."""
    from load_seed import plan as make_plan

    assessors, chairs, visitors = split_users(users)
    plan = make_plan(url, assessors, chairs, visitors)
    seeded = (
        f"{plan['campaigns']} campaigns at the sift, {plan['applications']} applications, {args.criteria} criteria, "
        f"panels of {args.panel}"
        if seeded
        else f"the existing database {url.rsplit('/', 1)[-1]}"
    )
    run_folder = Path(folder, f"{users}-people")
    run_folder.mkdir()
    plan_path, results_path = run_folder / "plan.json", run_folder / "results.json"
    log, access = run_folder / "app.log", run_folder / "access.log"
    plan_path.write_text(json.dumps(plan))
    clear_limits(args.redis_url)
    server, base_url = start_app(url, args.redis_url, args.workers, log, access)
    try:
        print(
            f"\nApp on {base_url}; driving {users} simulated people for {args.warmup:g} + {args.duration:g} s…",
            flush=True,
        )
        settings = json.dumps(
            {
                "duration": args.duration,
                "warmup": args.warmup,
                "think": args.think,
                "master": server.pid,
                "database": url,
            }
        )
        subprocess.run(
            [sys.executable, __file__, "--drive", str(plan_path), str(results_path), base_url, settings],
            check=True,
            cwd=ROOT,
        )
    finally:
        stop_app(server)
        clear_limits(args.redis_url)
    results = json.loads(results_path.read_text())
    met, summary = report(results, plan, args, seeded, in_the_workers(access))
    if results["errors"] and "Traceback" in log.read_text():
        print("\nThe app's log:\n" + log.read_text()[-4000:])
    return met, summary


if __name__ == "__main__":
    sys.exit(main())
