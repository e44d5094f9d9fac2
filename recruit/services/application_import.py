"""Importing paper or external applications from CSV, all or nothing.

The file format (also in the README): UTF-8 text with a header row. Columns `name` and
`email`, optionally `phone`, and one column per sift criterion named by the criterion's
code. Each row is one candidate's complete, submitted application. The whole file is
checked first; any problem refuses the whole file, with every problem listed by row and
column. Candidates new to Recruit get an account without a password, which they claim
with the set-password link (emailed when mail is set up, or through "forgotten password").
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Application, Campaign, PersonalDetails, Statement, User
from recruit.services import audit, tokens
from recruit.services.applications import unique_references
from recruit.services.errors import Refused
from recruit.services.words import count_words
from recruit.services.yaml_files import FileProblems, Problem

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 20_000
IMPORT_STATUSES = ("open", "closed")
FIXED_COLUMNS = ("name", "email", "phone")


@dataclass
class ImportResult:
    imported: int
    new_accounts: list[tuple[User, str | None]]


def _problem(row: int, column: str, message: str) -> Problem:
    return Problem(f"Row {row}, column {column}", message)


def read_rows(raw: bytes) -> tuple[list[str], list[dict[str, str]]]:
    if len(raw) > MAX_BYTES:
        raise FileProblems([Problem("", f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileProblems([Problem("", f"The file must be UTF-8 text; byte {error.start} is not. "
                                        "In a spreadsheet, save it as 'CSV UTF-8'")]) from None
    if "\x00" in text:
        raise FileProblems([Problem("", "The file is not a CSV file: it contains binary data")])
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        rows = list(reader)
    except csv.Error as error:
        raise FileProblems([Problem("", f"The file is not valid CSV ({error})")]) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise FileProblems([Problem("", "The file is empty: it needs a header row and one row per application")])
    header = [cell.strip().lower() for cell in rows[0]]
    body = [row for row in rows[1:] if any(cell.strip() for cell in row)]
    if len(body) > MAX_ROWS:
        raise FileProblems([Problem("", f"The file has more than {MAX_ROWS} rows; split it into smaller files")])
    records = []
    for row in body:
        records.append({header[i]: (row[i] if i < len(row) else "") for i in range(len(header))}
                       | ({"__extra__": "yes"} if len(row) > len(header) else {}))
    return header, records


def check(campaign: Campaign, raw: bytes) -> tuple[list[dict[str, str]], list[Problem]]:
    header, records = read_rows(raw)
    criteria = {c.code: c for c in campaign.criteria_at("sift")}
    problems: list[Problem] = []
    seen_columns: set[str] = set()
    for index, column in enumerate(header, start=1):
        if not column:
            problems.append(Problem(f"Header, column {index}", "is empty; name every column"))
        elif column in seen_columns:
            problems.append(Problem(f"Header, column {column}", "appears more than once"))
        elif column not in FIXED_COLUMNS and column not in criteria:
            problems.append(Problem(f"Header, column {column}",
                                    "is not a criterion of this campaign; use the codes listed on the import page"))
        seen_columns.add(column)
    for column in ("name", "email", *criteria):
        if column not in header:
            problems.append(Problem(f"Header, column {column}", "is missing"))
    if problems:
        return records, problems

    existing_users = {
        user.email: user
        for user in db.session.scalars(select(User).where(User.email.in_(
            {r["email"].strip().lower() for r in records if r.get("email")})))
    }
    already_applied = set(db.session.scalars(
        select(Application.candidate_id).where(Application.campaign_id == campaign.id)))
    emails: dict[str, int] = {}
    for number, record in enumerate(records, start=2):
        if record.get("__extra__"):
            problems.append(_problem(number, "(end)", "has more cells than the header has columns"))
        name = record["name"].strip()
        if not name:
            problems.append(_problem(number, "name", "is empty; enter the candidate's full name"))
        elif len(name) > 200:
            problems.append(_problem(number, "name", "must be 200 characters or fewer"))
        email = record["email"].strip().lower()
        if not email:
            problems.append(_problem(number, "email", "is empty; enter the candidate's email address"))
        else:
            try:
                validate_email(email, check_deliverability=False)
                if len(email) > 254:
                    raise EmailNotValidError("too long")
            except EmailNotValidError:
                problems.append(_problem(number, "email", "is not an email address in the correct format"))
            else:
                if email in emails:
                    problems.append(_problem(number, "email", f"is the same as row {emails[email]}"))
                emails.setdefault(email, number)
                user = existing_users.get(email)
                if user is not None and user.role != "candidate":
                    problems.append(_problem(number, "email", "belongs to a staff account"))
                elif user is not None and user.id in already_applied:
                    problems.append(_problem(number, "email", "already has an application for this campaign"))
        phone = record.get("phone", "").strip()
        if len(phone) > 40:
            problems.append(_problem(number, "phone", "must be 40 characters or fewer"))
        for code, criterion in criteria.items():
            text = record[code].strip()
            words = count_words(text)
            if not text:
                problems.append(_problem(number, code, "is empty; every criterion needs the candidate's evidence"))
            elif words > criterion.word_limit:
                problems.append(_problem(number, code, f"has {words} words; the limit is {criterion.word_limit}"))
    return records, problems


def import_applications(actor: User, campaign: Campaign, raw: bytes, *, send_claim_links: bool) -> ImportResult:
    if campaign.status not in IMPORT_STATUSES:
        raise Refused("Applications can be imported only while the campaign is open or closed, before the sift")
    records, problems = check(campaign, raw)
    if problems:
        raise FileProblems(problems)
    criteria = campaign.criteria_at("sift")
    now = utcnow()
    emails = [record["email"].strip().lower() for record in records]
    users = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    new_accounts: list[tuple[User, str | None]] = []
    references = unique_references(len(records))
    try:
        for record, reference in zip(records, references):
            email = record["email"].strip().lower()
            user = users.get(email)
            if user is None:
                user = User(email=email, name=record["name"].strip(), role="candidate", password_hash=None)
                db.session.add(user)
                users[email] = user
                new_accounts.append((user, None))
            application = Application(
                campaign=campaign, candidate=user, reference=reference, status="submitted", source="import",
                submitted_at=now,
                personal_details=PersonalDetails(full_name=record["name"].strip(), email=email,
                                                 phone=record.get("phone", "").strip()),
                statements=[Statement(criterion=c, text=record[c.code].strip(),
                                      word_count=count_words(record[c.code])) for c in criteria],
            )
            db.session.add(application)
        db.session.flush()
        if send_claim_links:
            new_accounts = [(user, tokens.issue(user, "set_password", created_by=actor)) for user, _ in new_accounts]
        audit.record("applications.imported", "campaign", campaign.id,
                     after={"count": len(records), "new_accounts": len(new_accounts), "references": references},
                     actor=actor)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return ImportResult(imported=len(records), new_accounts=new_accounts)
