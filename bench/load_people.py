"""The load benchmark's simulated people (bench/load.py runs them in a process of their own): assessors scoring
on the panel page, chairs moderating, visitors reading the public pages; and the CPU time the app spends meanwhile."""

from __future__ import annotations

import asyncio
import http.cookiejar
import os
import random
import re
import time
from html import unescape
from pathlib import Path

SCORING_PAGE = "panel page"
PUBLIC_PAGES = "public pages"
BOARD = "moderation board"
ITEM = "moderation item"
FLOOR = "floor: /healthz"

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ERROR_SUMMARY = re.compile(r'class="govuk-error-summary__list">(.*?)</ul>', re.S)
TAGS = re.compile(r"<[^>]+>")


INPUT = re.compile(r"<input\b([^>]*)>")
ATTRIBUTE = re.compile(r'([a-zA-Z_:][-a-zA-Z0-9_:.]*)="([^"]*)"')


class FormInputs:
    """The inputs of a page's forms, as (name, type, value) in page order: enough to fill in the panel page. Read
    with two regular expressions rather than an HTML parser: the app writes every attribute in double quotes, and
    a pure-Python parser over a panel page costs the simulated people's process more than the page costs the app,
    on the same cores."""

    def __init__(self, html: str):
        self.inputs: list[tuple[str, str, str]] = []
        for tag in INPUT.finditer(html):
            found = {name: unescape(value) for name, value in ATTRIBUTE.findall(tag.group(1))}
            if found.get("name"):
                self.inputs.append((found["name"], found.get("type") or "text", found.get("value") or ""))

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


async def read_public_pages_once(plan: dict, base_url: str) -> None:
    """Each public page the visitors read, asked for once before the warm-up, as on a site that has been up a while:
    every page has been rendered once since its content last changed (the shared page cache is emptied before each
    run), so the timed window sees the pages the cache serves. With each worker's own cache (--page-cache-url ''),
    the other workers still render each page once, in the warm-up or the window."""
    import httpx

    urls = sorted({url for spec in plan["users"] if spec["kind"] == "visitor" for url in spec["urls"]})
    async with httpx.AsyncClient(base_url=base_url, headers={"X-Forwarded-Proto": "https"}, timeout=30.0) as client:
        for url in urls:
            response = await client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code} before the run")


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
    await read_public_pages_once(plan, base_url)
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
