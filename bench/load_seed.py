"""The load benchmark's data: a throwaway PostgreSQL database holding many campaigns part-way through the sift,
and the plan of who the simulated users are and what each of them will do next.

Campaigns, criteria and panels are made through the services, as an admin would make them; the bulk
(candidates, applications, personal details, statements, scores with their versions, conflicts, agreed scores
with theirs, and the audit entries for every score and agreement) is written with COPY, which PostgreSQL loads
far faster than INSERT statements.
"""

from __future__ import annotations

import json
import random
import secrets
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pyotp
from harness import seeded_app
from import_csv import FIRST_NAMES, LAST_NAMES, statement
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import (
    Application,
    Campaign,
    Competency,
    Conflict,
    Framework,
    Grade,
    Score,
    User,
)
from recruit.services.accounts.passwords import hash_password
from recruit.services.applications.submission import new_reference
from recruit.services.assessment import board
from recruit.services.assessment.moderation_rules import is_discrepant, proposal
from recruit.services.assessment.scoring import indicator_choices
from recruit.services.campaigns import criteria as criteria_service
from recruit.services.campaigns import setup as campaigns
from recruit.services.campaigns import status as campaign_status
from recruit.services.campaigns.kept_setup import load_campaign
from recruit.services.campaigns.stages import assessor_order, eligible_query

PASSWORD = "load-benchmark-passphrase-7391"
STATEMENT_POOL = 2_000  # distinct statements, drawn at random for the applications' evidence
CONFLICT_SHARE = 0.0025  # of applications, per assessor, declared at the sift on recognising the candidate
AGREED_SHARE = 0.75  # of the items every assessor has submitted, the chair has agreed so far
PAGE_SIZE = 50  # the work list's and the board's page size
PLAN_APPLICATIONS = 80  # applications planned per simulated assessor (far more than a minute's work)
PLAN_ITEMS = 300  # items planned per simulated chair

TOWNS = [
    "Glasgow",
    "Leeds",
    "Newcastle",
    "Cardiff",
    "Belfast",
    "Sheffield",
    "Birmingham",
    "Bristol",
    "Wolverhampton",
    "Preston",
]
TEAMS = [
    "Child Maintenance Group",
    "Universal Credit",
    "Pensions Service",
    "Debt Management",
    "Fraud and Error",
    "Counter Fraud",
    "Work and Health",
    "Disability Services",
]
RATIONALES = [
    "The example shows the required level in most respects: the candidate set out the situation clearly, took "
    "sensible action and described a measurable result, though the reflection is brief.",
    "Limited positive evidence. The candidate describes what the team did rather than their own actions, and the "
    "outcome is not linked to what they did.",
    "Substantial positive evidence across the indicators: clear ownership, sound judgement on priorities and a "
    "result that others adopted. Some evidence of exceeding the level.",
    "Adequate evidence. Actions are relevant and the result is stated, but the example is routine for the grade "
    "and there is little on how others were involved.",
]


# -- the throwaway database ------------------------------------------------------------------------------------


@contextmanager
def throwaway_database(server_url: str, keep: bool = False):
    """Create a database of its own on the server and yield its URL; drop it afterwards unless told to keep it."""
    url = make_url(server_url)
    name = f"recruit_load_{secrets.token_hex(4)}"
    admin_engine = create_engine(url.set(database=url.database or "postgres"), isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    failed = True
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
        failed = False
    finally:
        if keep and not failed:
            print(
                f"Kept the database {name}: re-run with --database "
                f"{url.set(database=name).render_as_string(hide_password=True)}",
                flush=True,
            )
        else:
            with admin_engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


# -- bulk writing ----------------------------------------------------------------------------------------------


class Ids:
    """Ids handed out in Python, so that rows written with COPY can refer to each other."""

    def __init__(self, tables: list[str]):
        self.next = {
            table: db.session.scalar(text(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")) for table in tables
        }

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value

    def sync_sequences(self) -> None:
        for table in self.next:
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
            )


# COPY's text format: tab-separated columns, one row a line, \N for NULL, backslash escapes in text.
COPY_CHUNK = 2_000


def copy_value(value) -> str:
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def copy_rows(table: str, columns: tuple[str, ...], rows: list[tuple]) -> int:
    """COPY rows into a table through the session's own connection (and so its transaction). The rows are
    written in COPY's text format here, in chunks: several times quicker than handing psycopg one row at a time."""
    driver = db.session.connection().connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for start in range(0, len(rows), COPY_CHUNK):
            copy.write("".join("\t".join(map(copy_value, row)) + "\n" for row in rows[start : start + COPY_CHUNK]))
    return len(rows)


USER_COLUMNS = (
    "id",
    "email",
    "name",
    "role",
    "password_hash",
    "active",
    "failed_sign_ins",
    "session_version",
    "created_at",
)
APPLICATION_COLUMNS = (
    "id",
    "campaign_id",
    "candidate_id",
    "reference",
    "status",
    "source",
    "created_at",
    "updated_at",
    "submitted_at",
    "version",
)
DETAILS_COLUMNS = ("id", "application_id", "full_name", "email", "phone", "organisations")
STATEMENT_COLUMNS = ("id", "application_id", "criterion_id", "text", "word_count", "updated_at")
SCORE_COLUMNS = (
    "id",
    "application_id",
    "criterion_id",
    "assessor_id",
    "stage",
    "value",
    "rationale",
    "notes",
    "status",
    "ticked",
    "created_at",
    "updated_at",
    "submitted_at",
    "version",
)
SCORE_VERSION_COLUMNS = ("id", "score_id", "version", "status", "value", "rationale", "notes", "ticked", "at", "by_id")
CONFLICT_COLUMNS = ("id", "application_id", "assessor_id", "stage", "has_conflict", "reason", "declared_at")
AGREED_COLUMNS = (
    "id",
    "application_id",
    "criterion_id",
    "stage",
    "value",
    "proposal",
    "discrepant",
    "rationale",
    "status",
    "agreed_by_id",
    "agreed_at",
    "feedback",
    "version",
)
AGREED_VERSION_COLUMNS = ("id", "agreed_score_id", "action", "value", "rationale", "reason", "at", "by_id")
AUDIT_COLUMNS = ("id", "at", "actor_id", "action", "record_type", "record_id", "before", "after", "client_address")
TABLES = [
    "users",
    "applications",
    "personal_details",
    "statements",
    "scores",
    "score_versions",
    "conflicts",
    "agreed_scores",
    "agreed_score_versions",
    "audit_events",
]


# -- the campaigns ---------------------------------------------------------------------------------------------


def make_staff(count: int, password_hash: str, run: str) -> list[User]:
    """Assessors with a password and two-factor authentication set up, as production requires of staff."""
    now = utcnow()
    people = []
    for n in range(count):
        first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)]
        people.append(
            User(
                email=f"assessor{n}.{run}@example.org",
                name=f"{first} {last}",
                role="assessor",
                password_hash=password_hash,
                totp_secret=pyotp.random_base32(),
                totp_enabled_at=now,
            )
        )
    db.session.add_all(people)
    db.session.commit()
    return people


def make_campaign(admin: User, number: int, grade: Grade, criteria_count: int, panel: list[User]) -> Campaign:
    rng = random.Random(number)
    campaign = campaigns.create_campaign(
        admin,
        campaigns.Details(
            f"Caseworker ({TEAMS[number % len(TEAMS)]})",
            TEAMS[number % len(TEAMS)],
            TOWNS[number % len(TOWNS)],
            rng.randint(2, 30),
            "Caseworkers deciding claims and answering customers' questions.",
            salary_min=26_000 + 500 * (number % 8),
            salary_max=28_500 + 500 * (number % 8),
            contract_type="permanent",
            working_patterns=["full_time", "part_time"],
            security_clearance="bpss",
            nationality_requirements="Open to UK nationals and others with the right to work in the UK.",
            contact_name="Recruitment team",
            contact_email="recruitment@example.org",
        ),
        grade=grade,
    )
    for extra in campaign.criteria_at("sift")[criteria_count:]:
        criteria_service.remove_criterion(admin, extra)
    campaigns.set_closing(admin, campaign, utcnow() + timedelta(days=14))
    campaigns.set_panel(admin, campaign, "sift", panel[0], panel[1:])
    campaign_status.move(admin, campaign, "open")
    return campaign


@dataclass
class Counts:
    applications: int = 0
    statements: int = 0
    scores: int = 0
    drafts: int = 0
    conflicts: int = 0
    ready: int = 0
    agreed: int = 0


def fill(
    campaign: Campaign,
    number: int,
    count: int,
    panel: list[User],
    chair: User,
    ids: Ids,
    pool: list[str],
    counts: Counts,
    campaign_total: int,
    taken: set[str],
) -> None:
    """Applications with their evidence, and the sift as far as this campaign has got: each assessor has worked
    through a share of their own shuffled list (the next application part-done), declared the odd conflict, and
    the chair has agreed most of the items everyone has submitted."""
    rng = random.Random(1000 + number)
    now = utcnow()
    submitted_at = now - timedelta(days=10)
    agreed_at = now - timedelta(days=1)
    campaign_id, threshold = campaign.id, campaign.discrepancy_threshold
    # Plain values: a million rows are built here, and model attributes cost far more to read than tuples.
    sift_criteria = [(c.id, c.code, c.pass_mark) for c in campaign.criteria_at("sift")]
    pass_marks = {criterion_id: pass_mark for criterion_id, _, pass_mark in sift_criteria}
    ticks = {}
    for criterion in campaign.criteria_at("sift"):
        lists = indicator_choices(criterion)
        ticks[criterion.id] = (
            json.dumps(sorted(i.id for i in lists["effective"][:2])),
            json.dumps(sorted(i.id for i in lists["ineffective"][:1])),
        )
    panel_people = [(person.id, person.email) for person in panel]
    chair_id = chair.id

    users, applications, details, statements = [], [], [], []
    references = set()
    while len(references) < count:
        reference = new_reference()
        if reference not in taken:
            references.add(reference)
    taken |= references
    for reference in sorted(references):
        user_id, application_id = ids.take("users"), ids.take("applications")
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"candidate{user_id}@example.org"
        users.append((user_id, email, f"{first} {last}", "candidate", None, True, 0, 1, submitted_at))
        applications.append(
            (
                application_id,
                campaign_id,
                user_id,
                reference,
                "submitted",
                rng.choice(("online", "online", "online", "import")),
                submitted_at,
                submitted_at,
                submitted_at,
                1,
            )
        )
        details.append(
            (
                ids.take("personal_details"),
                application_id,
                f"{first} {last}",
                email,
                f"07700 900{rng.randint(0, 999):03d}",
                "",  # no organisations named for redaction
            )
        )
        for criterion_id, _, _ in sift_criteria:
            body, words = rng.choice(pool)
            statements.append((ids.take("statements"), application_id, criterion_id, body, words, submitted_at))
    copy_rows("users", USER_COLUMNS, users)
    counts.applications += copy_rows("applications", APPLICATION_COLUMNS, applications)
    copy_rows("personal_details", DETAILS_COLUMNS, details)
    counts.statements += copy_rows("statements", STATEMENT_COLUMNS, statements)
    application_ids = [row[0] for row in applications]
    reference_of = {row[0]: row[3] for row in applications}

    # How far the sift has got: from just started to most of the way across the campaigns.
    progress = 0.15 + 0.7 * number / max(campaign_total - 1, 1)
    base = {(a, c): rng.randint(2, 6) for a in application_ids for c, _, _ in sift_criteria}
    submitted: dict[tuple[int, int], list[int]] = {}
    conflicted: dict[int, set[int]] = {}
    scores, versions, audits, conflicts = [], [], [], []
    for person_id, person_email in panel_people:
        own = assessor_order(campaign_id, "sift", person_id, application_ids)
        done = round(min(max(progress + rng.uniform(-0.08, 0.08), 0.0), 1.0) * len(own))
        for application_id in rng.sample(application_ids, max(1, round(CONFLICT_SHARE * count))):
            conflicted.setdefault(application_id, set()).add(person_id)
            conflicts.append(
                (
                    ids.take("conflicts"),
                    application_id,
                    person_id,
                    "sift",
                    True,
                    "I recognise this candidate: I was their line manager.",
                    submitted_at,
                )
            )
            audits.append(
                (
                    ids.take("audit_events"),
                    submitted_at,
                    person_id,
                    "conflict.declared",
                    "application",
                    str(application_id),
                    None,
                    json.dumps({"stage": "sift", "assessor": person_email}),
                    "127.0.0.1",
                )
            )
        for position, application_id in enumerate(own[: done + 1]):
            if person_id in conflicted.get(application_id, ()):
                continue
            # The application after the last one finished is part-done: some criteria submitted, one a draft.
            part = position == done
            todo = sift_criteria[: rng.randint(0, len(sift_criteria) - 1)] if part else sift_criteria
            for index, (criterion_id, code, _) in enumerate(todo + ([sift_criteria[len(todo)]] if part else [])):
                draft = part and index == len(todo)
                drift = rng.choice((-2, -1, -1, 0, 0, 0, 0, 1, 1, 2)) if rng.random() < 0.5 else 0
                value = min(max(base[(application_id, criterion_id)] + drift, 1), 7)
                ticked = ticks[criterion_id][0 if value >= 4 else 1]
                status = "draft" if draft else "submitted"
                score_id = ids.take("scores")
                rationale = rng.choice(RATIONALES)
                scores.append(
                    (
                        score_id,
                        application_id,
                        criterion_id,
                        person_id,
                        "sift",
                        value,
                        rationale,
                        "",
                        status,
                        ticked,
                        submitted_at,
                        submitted_at,
                        None if draft else submitted_at,
                        1,
                    )
                )
                versions.append(
                    (
                        ids.take("score_versions"),
                        score_id,
                        1,
                        status,
                        value,
                        rationale,
                        "",
                        ticked,
                        submitted_at,
                        person_id,
                    )
                )
                audits.append(
                    (
                        ids.take("audit_events"),
                        submitted_at,
                        person_id,
                        "score.draft_saved" if draft else "score.submitted",
                        "score",
                        str(score_id),
                        None,
                        json.dumps(
                            {
                                "application": reference_of[application_id],
                                "criterion": code,
                                "stage": "sift",
                                "value": value,
                                "status": status,
                            }
                        ),
                        "127.0.0.1",
                    )
                )
                if draft:
                    counts.drafts += 1
                else:
                    submitted.setdefault((application_id, criterion_id), []).append(value)
    counts.scores += copy_rows("scores", SCORE_COLUMNS, scores)
    copy_rows("score_versions", SCORE_VERSION_COLUMNS, versions)
    counts.conflicts += copy_rows("conflicts", CONFLICT_COLUMNS, conflicts)

    agreed, agreed_versions = [], []
    for (application_id, criterion_id), values in submitted.items():
        if len(values) < len(panel_people) - len(conflicted.get(application_id, ())):
            continue
        counts.ready += 1
        if rng.random() >= AGREED_SHARE:
            continue
        discrepant = is_discrepant(values, threshold, pass_marks[criterion_id])
        proposed = proposal(values)
        rationale = "Agreed at the panel meeting after discussing the evidence." if discrepant else ""
        agreed_id = ids.take("agreed_scores")
        agreed.append(
            (
                agreed_id,
                application_id,
                criterion_id,
                "sift",
                proposed,
                proposed,
                discrepant,
                rationale,
                "agreed",
                chair_id,
                agreed_at,
                "",
                1,
            )
        )
        agreed_versions.append(
            (ids.take("agreed_score_versions"), agreed_id, "agreed", proposed, rationale, "", agreed_at, chair_id)
        )
        audits.append(
            (
                ids.take("audit_events"),
                agreed_at,
                chair_id,
                "moderation.agreed" if discrepant else "moderation.bulk_confirmed",
                "agreed_score",
                str(agreed_id),
                None,
                json.dumps(
                    {
                        "application": reference_of[application_id],
                        "stage": "sift",
                        "value": proposed,
                        "proposal": proposed,
                        "discrepant": discrepant,
                        "scores": values,
                    }
                ),
                "127.0.0.1",
            )
        )
    counts.agreed += copy_rows("agreed_scores", AGREED_COLUMNS, agreed)
    copy_rows("agreed_score_versions", AGREED_VERSION_COLUMNS, agreed_versions)
    copy_rows("audit_events", AUDIT_COLUMNS, audits)


@contextmanager
def constraints_set_aside(tables: list[str]):
    """Drop the foreign keys, unique constraints and secondary indexes of the tables being loaded, and put every
    one back afterwards, in the same transaction: PostgreSQL builds an index over loaded rows far faster than it
    maintains one row by row, and checks a foreign key over the whole table in one query rather than per row."""
    constraints = db.session.execute(
        text(
            "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype IN ('f', 'u') AND conrelid = ANY(CAST(:tables AS regclass[])) ORDER BY contype, conname"
        ),
        {"tables": tables},
    ).all()
    indexes = db.session.execute(
        text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = ANY(:tables) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u')) ORDER BY indexname"
        ),
        {"tables": tables},
    ).all()
    for table, name, _, _ in constraints:  # foreign keys ('f') first, then unique constraints ('u')
        db.session.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    for name, _ in indexes:
        db.session.execute(text(f'DROP INDEX "{name}"'))
    yield
    for _, definition in indexes:
        db.session.execute(text(definition))
    for table, name, _, definition in reversed(constraints):  # unique constraints, then the keys that need them
        db.session.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))


def migrate(url: str) -> None:
    """Bring a kept database up to this version of Recruit's schema (its data stays as it is)."""
    from flask_migrate import upgrade

    from recruit import create_app
    from recruit.config import Config

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, MAIL_SERVER=None)
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()


def seed_load(url: str, campaign_count: int, applications: int, criteria_count: int, panel_size: int) -> None:
    """Migrate and seed a fresh database, then fill it with campaign_count campaigns at the sift."""
    started = time.perf_counter()
    with seeded_app(url, {"pool_pre_ping": True}) as (_, admin):
        grade = db.session.scalar(
            select(Grade).join(Framework).where(Framework.slug == "civil-service-2012", Grade.slug == "band-d")
        )
        run = secrets.token_hex(3)
        staff = make_staff(campaign_count * panel_size, hash_password(PASSWORD), run)
        pool_rng = random.Random(2026)
        pool = [(body, len(body.split())) for body in (statement(pool_rng) for _ in range(STATEMENT_POOL))]
        print(
            f"Creating {campaign_count} campaigns and filling each with {applications} applications × "
            f"{criteria_count} criteria × {panel_size} assessors…",
            flush=True,
        )
        made = []
        for number in range(campaign_count):
            panel = staff[number * panel_size : (number + 1) * panel_size]
            made.append((make_campaign(admin, number, grade, criteria_count, panel), panel))
        loading = time.perf_counter()
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
        ids = Ids(TABLES)
        counts, taken = Counts(), set()  # references are unique across campaigns
        with constraints_set_aside(TABLES):
            for number, (campaign, panel) in enumerate(made):
                fill(campaign, number, applications, panel, panel[0], ids, pool, counts, campaign_count, taken)
            print(f"Loaded in {time.perf_counter() - loading:.0f} s; building indexes and checking keys…", flush=True)
        ids.sync_sequences()
        db.session.commit()
        for campaign, _ in made:
            campaign.closes_at = utcnow() - timedelta(seconds=1)  # the closing time has passed
        db.session.commit()
        for campaign, _ in made:
            campaign_status.move(admin, campaign, "closed")
            campaign_status.move(admin, campaign, "sift")
        vacuum = time.perf_counter()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            # As autovacuum would have done by now: statistics for the planner, and the visibility map.
            connection.execute(text("VACUUM ANALYZE"))
        print(f"Vacuumed and analysed in {time.perf_counter() - vacuum:.0f} s", flush=True)
        size = db.session.scalar(text("SELECT pg_size_pretty(pg_database_size(current_database()))"))
        print(
            f"Seeded in {time.perf_counter() - started:.0f} s: {counts.applications} applications, "
            f"{counts.statements} statements, {counts.scores} scores ({counts.drafts} drafts), "
            f"{counts.conflicts} conflicts, {counts.agreed} of {counts.ready} ready items agreed; "
            f"database {size}",
            flush=True,
        )
        db.session.remove()
        db.engine.dispose()


# -- the plan for the simulated users --------------------------------------------------------------------------


def _assessor_plan(campaign: Campaign, person: User) -> dict:
    """The applications this assessor has still to score, in their own order, with the work-list page each is on
    and the criteria still to submit."""
    rows = db.session.execute(
        eligible_query(campaign, "sift").with_only_columns(Application.id, Application.reference)
    ).all()
    done = set(
        db.session.execute(
            select(Score.application_id, Score.criterion_id).where(
                Score.assessor_id == person.id, Score.stage == "sift", Score.status == "submitted"
            )
        ).all()
    )
    conflicts = set(
        db.session.scalars(
            select(Conflict.application_id).where(
                Conflict.assessor_id == person.id, Conflict.stage == "sift", Conflict.has_conflict.is_(True)
            )
        )
    )
    codes = [(c.id, c.code) for c in campaign.criteria_at("sift")]
    work = []
    reference_of = dict(rows)
    own = assessor_order(campaign.id, "sift", person.id, reference_of)
    for position, (application_id, reference) in enumerate((a, reference_of[a]) for a in own):
        missing = [code for criterion_id, code in codes if (application_id, criterion_id) not in done]
        if missing and application_id not in conflicts:
            work.append({"reference": reference, "page": position // PAGE_SIZE + 1, "codes": missing})
            if len(work) == PLAN_APPLICATIONS:
                break
    return {
        "kind": "assessor",
        "email": person.email,
        "totp_secret": person.totp_secret,
        "campaign_id": campaign.id,
        "work": work,
    }


def _chair_plan(campaign: Campaign, person: User, rng: random.Random) -> dict:
    """Items every assessor has submitted and the chair has yet to agree and may agree, with the board page each is
    on."""
    applications = list(db.session.scalars(eligible_query(campaign, "sift").order_by(Application.reference)))
    # The board pages its items (every criterion of every application, by reference), not its applications.
    items = board.load_items(campaign, "sift", applications)
    page_of = {(i.application.id, i.criterion.id): index // PAGE_SIZE + 1 for index, i in enumerate(items)}
    ready = [
        {
            "reference": item.application.reference,
            "code": item.criterion.code,
            "page": page_of[(item.application.id, item.criterion.id)],
            "proposal": item.state.proposal,
            "discrepant": item.state.discrepant,
        }
        for item in items
        # Not those the chair stands aside from (a conflict declared with the candidate): a deputy or an admin
        # agrees them, and the chair's item page says so instead of showing the form.
        if item.state.ready and person.id not in item.conflicted
    ]
    work = sorted(rng.sample(ready, min(PLAN_ITEMS, len(ready))), key=lambda i: (i["page"], i["reference"]))
    return {
        "kind": "chair",
        "email": person.email,
        "totp_secret": person.totp_secret,
        "campaign_id": campaign.id,
        "work": work,
    }


def public_urls() -> list[str]:
    framework = db.session.scalar(select(Framework).where(Framework.slug == "civil-service-2012"))
    competencies = db.session.scalars(select(Competency.slug).where(Competency.framework_id == framework.id)).all()
    grades = db.session.scalars(select(Grade.slug).where(Grade.framework_id == framework.id)).all()
    base = f"/frameworks/{framework.slug}"
    return [
        "/frameworks",
        base,
        "/vacancies",
        *(f"{base}/competencies/{slug}?level={level}" for slug in competencies for level in (1, 3, 5)),
        *(f"{base}/grades/{slug}" for slug in grades),
    ]


def plan(url: str, assessors: int, chairs: int, visitors: int) -> dict:
    """Who each simulated user is and what they will do, read from the database as it stands now (so a kept
    database can be driven again: what was scored and agreed last time is not planned again)."""
    from recruit import create_app
    from recruit.config import Config

    app = create_app(Config, SQLALCHEMY_DATABASE_URI=url, MAIL_SERVER=None)
    rng = random.Random(7)
    with app.app_context():
        campaign_ids = db.session.scalars(
            select(Campaign.id).where(Campaign.status == "sift").order_by(Campaign.id)
        ).all()
        if len(campaign_ids) < chairs or not campaign_ids:
            raise SystemExit(
                f"The database has {len(campaign_ids)} campaigns at the sift; at least {chairs} "
                "are needed, one for each simulated chair"
            )
        # Spread the simulated people over the campaigns: chairs first, each on a campaign of their own, then
        # assessors (panel members other than the chair) on the campaigns that follow, wrapping round when
        # there are fewer campaigns than people. No account is used by two simulated people.
        users, taken = [], set()
        step = max(1, len(campaign_ids) // (assessors + chairs))
        slots = [campaign_ids[(i * step) % len(campaign_ids)] for i in range(assessors + chairs)]
        for index, campaign_id in enumerate(slots):
            campaign = load_campaign(campaign_id)
            members = campaign.panel("sift").members
            if index < chairs:
                person = next(m.user for m in members if m.is_chair)
                users.append(_chair_plan(campaign, person, rng))
            else:
                person = next((m.user for m in members if not m.is_chair and m.user_id not in taken), None)
                if person is None:
                    raise SystemExit("Not enough panel members for the simulated assessors: seed more campaigns")
                users.append(_assessor_plan(campaign, person))
            taken.add(person.id)
        urls = public_urls()
        users += [{"kind": "visitor", "urls": urls} for _ in range(visitors)]
        applications = db.session.scalar(select(func.count(Application.id)))
        db.session.remove()
        db.engine.dispose()
    return {"password": PASSWORD, "users": users, "applications": applications, "campaigns": len(campaign_ids)}
