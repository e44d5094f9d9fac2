"""Concurrent writers against one database, as gunicorn workers would be, and two chairs agreeing the same item
at once: the machinery behind tests/test_concurrency.py (at a small size) and bench/concurrency.py (at full size).

Databases: a temporary SQLite file (WAL, busy timeout and BEGIN IMMEDIATE, as recruit/database.py sets them up),
or a throwaway PostgreSQL database created next to a given one and dropped at the end. `prepare` migrates one,
seeds the scales and the Civil Service framework, and builds a Band B campaign at the sift with a panel of one
assessor per writer and enough applications for each writer to score `scores` items.

Writers: separate processes, each with its own app and connection pool, released together by a barrier. Each
saves every one of its scores through recruit.services.assessment.scoring.save as two requests would, a draft and then
the submitted score (so every score has two versions). Every exception is counted, "database is locked" apart.
Afterwards every acknowledged score must be in the table, submitted, with its value and rationale, version 2,
its two versions in the history and its two audit entries; and the table holds exactly writers × scores scores.

Chairs: two processes, each a browser session of the stage's chair (there is one chair per panel, signed in
on two devices), load the same item's page, are released together by a barrier and post different agreed
scores through the real route. Half the races are left to timing; in the other half each request, once past
its checks, waits (up to a limit) for the other to get that far before it writes, the worst interleaving the
database allows. Every item is then reopened (by one of the two, through its page) and raced again, so the
update path is raced as well as the insert. Each race must give one agreed score (the winner's), and the
other chair a GOV.UK error summary saying it has just been agreed, with the winner's score shown.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import queue as queue_module
import secrets
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bs4 import BeautifulSoup
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from recruit import create_app
from recruit.clock import utcnow
from recruit.config import Config
from recruit.extensions import db
from recruit.models import (
    AgreedScore,
    AgreedScoreVersion,
    Application,
    AuditEvent,
    Framework,
    Grade,
    PersonalDetails,
    Score,
    ScoreVersion,
    Statement,
    User,
)
from recruit.services.accounts.passwords import hash_password
from recruit.services.applications.submission import unique_references
from recruit.services.assessment import agreement, scoring
from recruit.services.assessment.agreement import ALREADY
from recruit.services.campaigns import setup as campaigns
from recruit.services.campaigns import status as campaign_status
from recruit.services.campaigns.kept_setup import load_campaign
from recruit.services.frameworks.framework_files import apply_framework, parse_framework
from recruit.services.frameworks.scales import apply_scales, parse_scales
from recruit.services.frameworks.yaml_files import load_yaml
from tests.factories import details

LOCKED = "database is locked"
# How long a worker waits for the others before it is counted as failed.
WORKER_TIMEOUT = 900
# In a paused race, how long a request past its checks waits for the other chair's. On SQLite the other chair's
# request cannot start until this one commits (every transaction takes the write lock when it begins), so the
# wait always runs out there; it must stay well under the 10-second busy timeout.
PAUSE = {"sqlite": 1.0, "postgresql": 30.0}


# ---------------------------------------------------------------------------------------------- databases


@contextmanager
def sqlite_database():
    """A temporary SQLite file, gone when the block ends."""
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/concurrency.db"


@contextmanager
def postgres_database(server_url: str):
    """A new PostgreSQL database on the same server as `server_url`, dropped when the block ends."""
    url = make_url(server_url)
    if url.get_backend_name() != "postgresql":
        raise ValueError("the PostgreSQL URL must start with postgresql")
    name = f"recruit_concurrency_{secrets.token_hex(6)}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def throwaway_database():
    """A database of its own, for tests whose separate processes cannot share the suite's rolled-back
    transaction: on the PostgreSQL server DATABASE_URL names when it is set, otherwise a temporary SQLite file."""
    url = os.environ.get("DATABASE_URL")
    if url and make_url(url).get_backend_name() == "postgresql":
        return postgres_database(url)
    return sqlite_database()


def make_app(url: str):
    """The app as a worker process runs it (development settings, no mail, counters in memory)."""
    return create_app(Config, SQLALCHEMY_DATABASE_URI=url, RECRUIT_ENV="development", MAIL_SERVER=None, REDIS_URL=None)


# ---------------------------------------------------------------------------------------------- the campaign


@dataclass(frozen=True)
class Item:
    application_id: int
    criterion_id: int
    reference: str
    code: str


@dataclass(frozen=True)
class Plan:
    """What the worker processes need to know about the prepared database."""

    url: str
    dialect: str
    campaign_id: int
    assessor_ids: list[int]
    chair_email: str
    chair_password: str
    items: list[Item]
    modules: list[str]  # the app's modules, imported once by the process that starts the workers

    def context(self):
        """Worker processes start from a clean process that has imported the app's code but opened nothing
        (a fork server), so each builds its own app and connections as a gunicorn worker does, without
        paying for the imports again."""
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([__name__, *self.modules])
        return ctx

    def item_path(self, item: Item) -> str:
        return f"/moderate/{self.campaign_id}/sift/items/{item.reference}/{item.code}"


def _seed_minimal(seeds_dir: str) -> None:
    root = Path(seeds_dir)
    apply_scales(parse_scales(load_yaml((root / "scales.yaml").read_bytes())))
    apply_framework(parse_framework(load_yaml((root / "frameworks" / "civil-service-2012.yaml").read_bytes())))
    db.session.commit()


def prepare(url: str, writers: int, scores: int) -> Plan:
    """Migrate and seed the database; a Band B campaign at the sift with a panel of `writers` assessors (the
    first is the chair) and enough submitted applications for `scores` items."""
    app = make_app(url)
    with app.app_context():
        upgrade()
        _seed_minimal(app.config["SEEDS_DIR"])
        run = secrets.token_hex(3)
        password = f"concurrency {secrets.token_urlsafe(12)} check"
        admin = User(email=f"admin.{run}@example.org", name="Concurrency Admin", role="admin")
        panel = [
            User(
                email=f"assessor{n}.{run}@example.org",
                name=f"Assessor {n}",
                role="assessor",
                password_hash=hash_password(password) if n == 1 else None,
            )
            for n in range(1, writers + 1)
        ]
        db.session.add_all([admin, *panel])
        db.session.commit()
        grade = db.session.scalar(
            select(Grade).join(Framework).where(Framework.slug == "civil-service-2012", Grade.slug == "band-b")
        )
        campaign = campaigns.create_campaign(
            admin,
            details("Concurrency caseworker", description="Campaign for the concurrency check."),
            grade=grade,
        )
        campaigns.set_closing(admin, campaign, utcnow() + timedelta(days=14))
        campaigns.set_panel(admin, campaign, "sift", panel[0], panel[1:])
        campaign_status.move(admin, campaign, "open")
        criteria = campaign.criteria_at("sift")
        count = math.ceil(scores / len(criteria))
        for number, reference in enumerate(unique_references(count), start=1):
            email = f"candidate{number}.{run}@example.org"
            candidate = User(email=email, name=f"Candidate {number}", role="candidate")
            db.session.add(
                Application(
                    campaign=campaign,
                    candidate=candidate,
                    reference=reference,
                    status="submitted",
                    submitted_at=utcnow(),
                    personal_details=PersonalDetails(
                        full_name=f"Candidate {number}", email=email, phone="07700 900000"
                    ),
                    statements=[
                        Statement(criterion=c, text="I led a project to clear a backlog.", word_count=8)
                        for c in criteria
                    ],
                )
            )
        campaign.closes_at = utcnow() - timedelta(seconds=1)  # the closing time has passed
        db.session.commit()
        campaign_status.move(admin, campaign, "closed")
        campaign_status.move(admin, campaign, "sift")
        applications = db.session.scalars(
            select(Application).where(Application.campaign_id == campaign.id).order_by(Application.id)
        ).all()
        items = [Item(a.id, c.id, a.reference, c.code) for a in applications for c in criteria][:scores]
        plan = Plan(
            url=url,
            dialect=db.engine.dialect.name,
            campaign_id=campaign.id,
            assessor_ids=[person.id for person in panel],
            chair_email=panel[0].email,
            chair_password=password,
            items=items,
            modules=sorted({blueprint.import_name for blueprint in app.blueprints.values()}),
        )
        db.session.remove()
        db.engine.dispose()
    return plan


# ---------------------------------------------------------------------------------------------- writers


def expected_value(writer: int, index: int) -> int:
    return 1 + (writer * 5 + index) % 7


def expected_rationale(writer: int, index: int) -> str:
    return f"Assessor {writer + 1}, item {index + 1}: the evidence meets some of the indicators."


@dataclass
class WriterResult:
    writer: int
    started: float = 0.0
    finished: float = 0.0
    cpu: float = 0.0  # this process's own CPU time while timed
    acknowledged: list[int] = field(default_factory=list)  # indexes of items whose submit was committed
    saves: int = 0
    latencies: list[float] = field(default_factory=list)
    locked: int = 0
    other: list[str] = field(default_factory=list)


def _save(app, plan: Plan, writer: int, index: int, submit: bool) -> None:
    """One request's work: load what a scoring page post loads, then save through the service."""
    item = plan.items[index]
    with app.app_context():
        campaign = load_campaign(plan.campaign_id)
        user = db.session.get(User, plan.assessor_ids[writer])
        application = db.session.get(Application, item.application_id)
        criterion = next(c for c in campaign.criteria if c.id == item.criterion_id)
        entry = scoring.ScoreInput(
            value=expected_value(writer, index), ticked=[], rationale=expected_rationale(writer, index)
        )
        # The version the page showed: none yet for the draft, the draft's for the submit.
        scoring.save(
            user,
            campaign,
            application,
            criterion,
            "sift",
            entry,
            submit=submit,
            version=1 if submit else 0,
            confirmed=True,
        )


def _writer(plan: Plan, writer: int, scores: int, barrier, results) -> None:
    result = WriterResult(writer)
    try:
        app = make_app(plan.url)
        with app.app_context():  # connect and load the mappers before the clock starts
            load_campaign(plan.campaign_id)
    except BaseException:
        barrier.abort()  # the others stop waiting for this one
        raise
    barrier.wait(timeout=WORKER_TIMEOUT)
    result.started, cpu = time.monotonic(), time.process_time()
    for index in range(scores):
        ok = True
        for submit in (False, True):
            began = time.monotonic()
            try:
                _save(app, plan, writer, index, submit)
            except Exception as error:
                ok = False
                message = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
                if LOCKED in str(error):
                    result.locked += 1
                else:
                    result.other.append(message)
            else:
                result.saves += 1
            result.latencies.append(time.monotonic() - began)
            if not ok:
                break  # the submit would only be refused for want of the draft
        if ok:
            result.acknowledged.append(index)
    result.finished, result.cpu = time.monotonic(), time.process_time() - cpu
    results.put(result)


def _run_processes(ctx, target, args_for, count: int, barrier) -> tuple[list, list[str]]:
    """Start `count` processes on target(*args_for(n), results) and gather what each put on the queue."""
    results = ctx.Queue()
    processes = [ctx.Process(target=target, args=(*args_for(n), results)) for n in range(count)]
    for process in processes:
        process.start()
    gathered, problems = [], []
    deadline = time.monotonic() + WORKER_TIMEOUT
    while len(gathered) < count and time.monotonic() < deadline:
        try:
            gathered.append(results.get(timeout=1))
        except queue_module.Empty:
            if any(not p.is_alive() and p.exitcode != 0 for p in processes):
                barrier.abort()  # a process failed: the others stop waiting for it
            if all(not p.is_alive() for p in processes) and results.empty():
                break
    for process in processes:
        process.join(timeout=30)
        if process.is_alive():
            process.terminate()
            process.join()
        if process.exitcode != 0:
            problems.append(f"a worker process ended with exit code {process.exitcode}")
    if len(gathered) < count and not problems:
        problems.append(f"{count - len(gathered)} worker processes did not report")
    return gathered, problems


@dataclass
class WriterFigures:
    writers: int
    scores: int
    elapsed: float
    saves: int
    locked: int
    other: list[str]
    latencies: list[float]
    results: list[WriterResult]

    @property
    def errors(self) -> int:
        return self.locked + len(self.other)

    @property
    def submitted(self) -> int:
        return sum(len(r.acknowledged) for r in self.results)


def run_writers(plan: Plan, writers: int, scores: int) -> WriterFigures:
    ctx = plan.context()
    barrier = ctx.Barrier(writers)
    results, problems = _run_processes(ctx, _writer, lambda n: (plan, n, scores, barrier), writers, barrier)
    results.sort(key=lambda r: r.writer)
    elapsed = (max(r.finished for r in results) - min(r.started for r in results)) if results else 0.0
    return WriterFigures(
        writers=writers,
        scores=scores,
        elapsed=elapsed,
        saves=sum(r.saves for r in results),
        locked=sum(r.locked for r in results),
        other=[m for r in results for m in r.other] + problems,
        latencies=[t for r in results for t in r.latencies],
        results=results,
    )


@dataclass
class ScoreCheck:
    expected: int  # writers × scores
    acknowledged: int
    intact: int  # acknowledged scores found submitted, with their value, rationale, two versions, two entries
    rows: int
    versions: int
    audit_entries: int

    @property
    def lost(self) -> int:
        return self.acknowledged - self.intact

    @property
    def counts_match(self) -> bool:
        return (
            self.rows == self.expected
            and self.versions == 2 * self.expected
            and self.audit_entries == 2 * self.expected
        )


def check_scores(plan: Plan, figures: WriterFigures) -> ScoreCheck:
    """Read back, from a fresh connection, everything the writers were told was saved."""
    app = make_app(plan.url)
    with app.app_context():
        rows = {
            (s.assessor_id, s.application_id, s.criterion_id): s
            for s in db.session.scalars(
                select(Score).where(Score.stage == "sift", Score.assessor_id.in_(plan.assessor_ids))
            )
        }
        history: dict[int, list[tuple]] = {}
        for v in db.session.scalars(
            select(ScoreVersion)
            .where(ScoreVersion.score_id.in_([s.id for s in rows.values()] or [0]))
            .order_by(ScoreVersion.id)
        ):
            history.setdefault(v.score_id, []).append((v.version, v.status, v.value, v.rationale))
        entries = Counter(
            db.session.execute(
                select(AuditEvent.record_id, AuditEvent.action).where(
                    AuditEvent.record_type == "score", AuditEvent.action.in_(("score.draft_saved", "score.submitted"))
                )
            ).all()
        )
        intact = 0
        for result in figures.results:
            assessor_id = plan.assessor_ids[result.writer]
            for index in result.acknowledged:
                item = plan.items[index]
                score = rows.get((assessor_id, item.application_id, item.criterion_id))
                value, rationale = expected_value(result.writer, index), expected_rationale(result.writer, index)
                if (
                    score is not None
                    and score.status == "submitted"
                    and score.value == value
                    and score.rationale == rationale
                    and score.version == 2
                    and history.get(score.id) == [(1, "draft", value, rationale), (2, "submitted", value, rationale)]
                    and entries[(str(score.id), "score.draft_saved")] == 1
                    and entries[(str(score.id), "score.submitted")] == 1
                ):
                    intact += 1
        score_ids = {str(s.id) for s in rows.values()}
        check = ScoreCheck(
            expected=figures.writers * figures.scores,
            acknowledged=figures.submitted,
            intact=intact,
            rows=len(rows),
            versions=sum(len(h) for h in history.values()),
            audit_entries=sum(n for (record_id, _), n in entries.items() if record_id in score_ids),
        )
        db.engine.dispose()
    return check


# ---------------------------------------------------------------------------------------------- chairs


@dataclass(frozen=True)
class Race:
    item: int  # index into plan.items
    values: tuple[int, int]  # what each device posts
    paused: bool
    reopen: bool  # the first device reopens the agreed item (through its page) before the race


@dataclass
class Answer:
    """What one chair's browser got back from posting an agreed score."""

    status: int
    location: str
    title: str
    errors: list[str]
    agreed: str  # the page's "Agreed score" row, when shown
    reached_write: bool = False
    met_other: bool = False  # both requests were past their checks at once


def rationale_from(device: int) -> str:
    return f"Agreed at the panel meeting (device {'AB'[device]})."


def _csrf(html: str) -> str:
    field_ = BeautifulSoup(html, "html.parser").select_one("input[name=csrf_token]")
    return field_["value"] if field_ is not None else ""


def _chair(plan: Plan, device: int, races: list[Race], pause: float, barrier, arrivals, results) -> None:
    try:
        results.put((device, _chair_races(plan, device, races, pause, barrier, arrivals)))
    except BaseException:
        barrier.abort()  # the other chair stops waiting for this one
        raise


def _chair_races(plan: Plan, device: int, races: list[Race], pause: float, barrier, arrivals) -> list[Answer]:
    app = make_app(plan.url)
    client = app.test_client()
    token = _csrf(client.get("/sign-in").get_data(as_text=True))
    signed_in = client.post(
        "/sign-in", data={"csrf_token": token, "email": plan.chair_email, "password": plan.chair_password}
    )
    if signed_in.status_code != 302:
        raise RuntimeError(f"the chair could not sign in (status {signed_in.status_code})")

    # A pause point where the request has made all its checks and is about to write the agreed score.
    now = {"race": None, "reached": False, "met": False}
    write = agreement._write

    def paused_write(*args, **kwargs):
        now["reached"] = True
        race = now["race"]
        if race is not None and races[race].paused:
            arrivals[race][device].set()
            now["met"] = arrivals[race][1 - device].wait(pause)
        return write(*args, **kwargs)

    agreement._write = paused_write
    answers = []
    for number, race in enumerate(races):
        path = plan.item_path(plan.items[race.item])
        if race.reopen:
            if device == 0:
                token = _csrf(client.get(path).get_data(as_text=True))
                client.post(
                    f"{path}/reopen", data={"csrf_token": token, "reason": "Looked at again at the panel meeting"}
                )
            barrier.wait(timeout=WORKER_TIMEOUT)
        token = _csrf(client.get(path).get_data(as_text=True))
        now.update(race=number, reached=False, met=False)
        barrier.wait(timeout=WORKER_TIMEOUT)
        try:
            response = client.post(
                path, data={"csrf_token": token, "value": str(race.values[device]), "rationale": rationale_from(device)}
            )
        except Exception as error:
            answers.append(
                Answer(
                    status=500,
                    location="",
                    title="",
                    errors=[f"{type(error).__name__}: {error}"],
                    agreed="",
                    reached_write=now["reached"],
                    met_other=now["met"],
                )
            )
            continue
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        agreed = page.select_one("#agreed")
        answers.append(
            Answer(
                status=response.status_code,
                location=response.headers.get("Location", ""),
                title=page.title.get_text(strip=True) if page.title else "",
                errors=[a.get_text(strip=True) for a in page.select(".govuk-error-summary__list a")],
                agreed=agreed.get_text(" ", strip=True) if agreed is not None else "",
                reached_write=now["reached"],
                met_other=now["met"],
            )
        )
    return answers


@dataclass
class RaceCheck:
    races: int
    paused: int
    good: int  # one agreed score, the winner's; the other chair told, with the winner's score shown
    met: int  # paused races where both requests were past their checks at once
    problems: list[str]
    outcomes: list[tuple[Race, Answer, Answer]]  # every race, with what each device got back


def _judge(plan: Plan, race: Race, answers: tuple[Answer, Answer]) -> tuple[int | None, str | None]:
    """The winning device, or a description of what went wrong."""
    board = f"/moderate/{plan.campaign_id}/sift"
    won = [d for d, a in enumerate(answers) if a.status == 302 and a.location.endswith(board)]
    told = [d for d, a in enumerate(answers) if a.status == 200 and ALREADY in a.errors]
    where = plan.items[race.item]
    if len(won) != 1 or len(told) != 1:
        return None, (f"{where.reference} {where.code}: answers {[(a.status, a.location, a.errors) for a in answers]}")
    winner, loser = won[0], told[0]
    if not answers[loser].agreed.startswith(f"{race.values[winner]} (agreed)"):
        return None, f"{where.reference} {where.code}: the second chair was shown {answers[loser].agreed!r}"
    return winner, None


def ready_items(figures: WriterFigures) -> list[int]:
    """The items every writer's score was submitted for: the chair can agree them."""
    done = [set(result.acknowledged) for result in figures.results]
    return sorted(set.intersection(*done)) if len(done) == figures.writers else []


def race_chairs(plan: Plan, items: list[int]) -> RaceCheck:
    """Race these items (the second half paused at the write), reopen each, race it again."""
    ctx = plan.context()
    count = len(items)
    first = [Race(item, (3, 5), paused=n >= count // 2, reopen=False) for n, item in enumerate(items)]
    second = [Race(item, (6, 2), paused=n >= count // 2, reopen=True) for n, item in enumerate(items)]
    races = first + second
    barrier = ctx.Barrier(2)
    arrivals = [(ctx.Event(), ctx.Event()) for _ in races]
    gathered, problems = _run_processes(
        ctx, _chair, lambda d: (plan, d, races, PAUSE[plan.dialect], barrier, arrivals), 2, barrier
    )
    outcomes: list[tuple[Race, Answer, Answer]] = []
    winners: dict[int, list[int]] = {}
    met = 0
    by_device = dict(gathered)
    if len(by_device) == 2:
        for number, race in enumerate(races):
            answers = (by_device[0][number], by_device[1][number])
            outcomes.append((race, *answers))
            winner, problem = _judge(plan, race, answers)
            if problem:
                problems.append(problem)
                continue
            winners.setdefault(race.item, []).append(winner)
            met += race.paused and all(a.met_other for a in answers)
    good = _check_agreed(plan, first, second, winners, problems)
    return RaceCheck(
        races=len(races), paused=sum(r.paused for r in races), good=good, met=met, problems=problems, outcomes=outcomes
    )


def _check_agreed(
    plan: Plan, first: list[Race], second: list[Race], winners: dict[int, list[int]], problems: list[str]
) -> int:
    """Per item, in the database: one agreed score, holding the second round's winner's value and rationale, and
    a history of agreed, reopened, agreed with one audit entry for each."""
    app = make_app(plan.url)
    good = 0
    with app.app_context():
        for race_1, race_2 in zip(first, second, strict=True):
            item = plan.items[race_1.item]
            rows = db.session.scalars(
                select(AgreedScore).where(
                    AgreedScore.application_id == item.application_id,
                    AgreedScore.criterion_id == item.criterion_id,
                    AgreedScore.stage == "sift",
                )
            ).all()
            won = winners.get(race_1.item, [])
            if len(rows) != 1 or len(won) != 2:
                problems.append(f"{item.reference} {item.code}: {len(rows)} agreed scores")
                continue
            agreed = rows[0]
            history = [
                (v.action, v.value, v.rationale)
                for v in db.session.scalars(
                    select(AgreedScoreVersion)
                    .where(AgreedScoreVersion.agreed_score_id == agreed.id)
                    .order_by(AgreedScoreVersion.id)
                )
            ]
            entries = Counter(
                db.session.scalars(
                    select(AuditEvent.action).where(
                        AuditEvent.record_type == "agreed_score", AuditEvent.record_id == str(agreed.id)
                    )
                )
            )
            expected_history = [
                ("agreed", race_1.values[won[0]], rationale_from(won[0])),
                ("reopened", race_1.values[won[0]], rationale_from(won[0])),
                ("agreed", race_2.values[won[1]], rationale_from(won[1])),
            ]
            if (agreed.status, agreed.value, agreed.rationale) != (
                "agreed",
                race_2.values[won[1]],
                rationale_from(won[1]),
            ):
                problems.append(f"{item.reference} {item.code}: holds {agreed.value} ({agreed.status})")
            elif history != expected_history:
                problems.append(f"{item.reference} {item.code}: history {history}")
            elif entries != Counter({"moderation.agreed": 2, "moderation.reopened": 1}):
                problems.append(f"{item.reference} {item.code}: audit entries {dict(entries)}")
            else:
                good += 2
        db.engine.dispose()
    return good
