"""Importing paper or external applications from CSV, all or nothing.

The file format (also on the import page): UTF-8 text with a header row. Columns `name` and
`email`, optionally `phone`, and one column per sift criterion named by the criterion's
code; column names are matched ignoring case and surrounding spaces, in any order. Each row
is one candidate's complete, submitted application; no cell may start with =, +, - or @, which a
spreadsheet would run as a formula. The whole file is checked first; any
problem refuses the whole file, with every problem listed by row and column (rows numbered
as a spreadsheet shows them, the header being row 1). Candidates new to Recruit get an
account without a password, which they claim with the set-password link (emailed when mail
is set up, or through "forgotten password").
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import insert, select

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import Application, Campaign, Criterion, PersonalDetails, Statement, User
from recruit.models.application import ApplicationStatus
from recruit.models.campaign import CampaignStatus
from recruit.services import notifications
from recruit.services.accounts import emails, tokens
from recruit.services.applications.submission import unique_references
from recruit.services.applications.words import count_words
from recruit.services.errors import Refused
from recruit.services.frameworks.yaml_files import FileProblems, Problem
from recruit.services.records import audit
from recruit.services.unit_of_work import unit_of_work

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 20_000
IMPORT_STATUSES = (CampaignStatus.OPEN, CampaignStatus.CLOSED)
IMPORTED_ELSEWHERE = (
    "Another change was made to these candidates while the file was being imported, so nothing was "
    "imported. Upload the file again"
)
FIXED_COLUMNS = ("name", "email", "phone")
# The same rules as the online application form (recruit.apply.forms).
MAX_NAME = 200
MAX_EMAIL = 254
MAX_PHONE = 40
PHONE = re.compile(r"^\+?[0-9 ()-]{7,}$")
MAX_STATEMENT_CHARACTERS = 30_000
SAVE_AS_UTF8 = "In a spreadsheet, save it as 'CSV UTF-8 (Comma delimited)'"
# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection"), so none is
# imported: whoever later opens the data in a spreadsheet would run it. A phone number may start with +.
FORMULA_STARTS = ("=", "+", "-", "@")
# Evidence often starts with a bullet ("- I led…" or "+ …"): only = and @, which no statement starts with.
EVIDENCE_FORMULA_STARTS = ("=", "@")
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # undecodable bytes, kept by the surrogateescape handler


@dataclass
class ImportResult:
    imported: int
    new_accounts: list[tuple[User, str | None]]


@dataclass
class Row:
    number: int  # as a spreadsheet numbers it: the header is row 1, blank rows count
    cells: list[str]
    not_utf8: set[int] = field(default_factory=set)  # indexes of cells with bytes that are not UTF-8
    values: dict[str, str] = field(default_factory=dict)  # by column name, stripped; filled in by check()
    word_counts: dict[str, int] = field(default_factory=dict)


def _problem(row: int, column: str | int, message: str) -> Problem:
    return Problem(f"Row {row}, column {column}", message)


def _blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _decode(raw: bytes) -> tuple[str, bool]:
    """The text of the file, and whether all of it was UTF-8. Bytes that are not are kept as
    surrogates so that each cell holding one can be named."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileProblems([Problem("", f"The file is UTF-16 text, not UTF-8. {SAVE_AS_UTF8}")])
    if b"\x00" in raw:
        raise FileProblems(
            [
                Problem(
                    "",
                    f"The file is not a CSV file: it contains binary data, as a workbook or a PDF does. {SAVE_AS_UTF8}",
                )
            ]
        )
    try:
        return raw.decode("utf-8-sig"), True
    except UnicodeDecodeError:
        return raw.decode("utf-8-sig", "surrogateescape"), False


def _readable(cell: str) -> str:
    return cell.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def read_rows(raw: bytes) -> tuple[list[str], list[Row], list[Problem]]:
    """The header (names stripped and lower-cased), the non-blank rows under it, and problems of encoding."""
    if len(raw) > MAX_BYTES:
        raise FileProblems([Problem("", f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB")])
    text, all_utf8 = _decode(raw)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error as error:
        raise FileProblems(
            [Problem(f"Row {len(records) + 1}", f"is not valid CSV ({error}); check its quotation marks")]
        ) from None
    start = next((index for index, record in enumerate(records) if not _blank(record)), None)
    if start is None:
        raise FileProblems([Problem("", "The file is empty: it needs a header row and one row per application")])
    rows = [
        Row(number, cells) for number, cells in enumerate(records[start + 1 :], start=start + 2) if not _blank(cells)
    ]
    if not rows:
        raise FileProblems(
            [Problem("", "The file has a header row but no applications: add one row for each application under it")]
        )
    if len(rows) > MAX_ROWS:
        raise FileProblems([Problem("", f"The file has more than {MAX_ROWS} rows; split it into smaller files")])
    problems: list[Problem] = []
    header_cells = records[start]
    while not header_cells[-1].strip():  # spreadsheets often save empty columns after the last one
        header_cells.pop()
    if not all_utf8:
        problems.append(
            Problem("", f"The file is not all UTF-8 text, so some characters cannot be read. {SAVE_AS_UTF8}")
        )
        for index, cell in enumerate(header_cells):
            if _NOT_UTF8.search(cell):
                problems.append(Problem(f"Header, column {index + 1}", "has characters that are not UTF-8"))
                header_cells[index] = ""  # named in the problem above, not as an unknown or empty column
        for row in rows:
            for index, cell in enumerate(row.cells):
                if _NOT_UTF8.search(cell):
                    row.not_utf8.add(index)
                    row.cells[index] = _readable(cell)
    header = [cell.strip().lower() for cell in header_cells]
    return header, rows, problems


def _check_header(header: list[str], criteria: dict[str, Criterion], problems: list[Problem]) -> dict[str, int]:
    """Where each usable column is; every problem with the header is added to `problems`."""
    positions: dict[str, int] = {}
    duplicated: set[str] = set()
    for index, column in enumerate(header):
        if not column:
            if not any(p.path == f"Header, column {index + 1}" for p in problems):
                problems.append(Problem(f"Header, column {index + 1}", "is empty; name every column"))
        elif column in positions or column in duplicated:
            if column not in duplicated:
                problems.append(Problem(f"Header, column {column}", "appears more than once"))
                duplicated.add(column)
                del positions[column]
        elif column not in FIXED_COLUMNS and column not in criteria:
            problems.append(
                Problem(
                    f"Header, column {column}",
                    "is not a criterion of this campaign; use the codes listed on the import page",
                )
            )
        else:
            positions[column] = index
    for column in ("name", "email", *criteria):
        if column not in header:
            problems.append(Problem(f"Header, column {column}", "is missing"))
    return positions


def _formula_problem(
    number: int, column: str, value: str | None, starts: tuple[str, ...] = FORMULA_STARTS
) -> Problem | None:
    if value and value.startswith(starts):
        return _problem(
            number,
            column,
            f"starts with {value[0]}, which a spreadsheet runs as a formula; "
            "remove it or start the cell with a letter or number",
        )
    return None


def check(campaign: Campaign, raw: bytes) -> tuple[list[Row], list[Problem]]:
    """Read and check the whole file; the rows, and every problem found (none when it can be imported)."""
    header, rows, problems = read_rows(raw)
    criteria = {c.code: c for c in campaign.criteria_at("sift")}
    positions = _check_header(header, criteria, problems)

    def cell(row: Row, column: str) -> str | None:
        """The cell's text, or None when the column is unusable or the cell is not UTF-8 (both reported)."""
        index = positions.get(column)
        if index is None or index in row.not_utf8:
            return None
        value = row.values[column] = row.cells[index].strip() if index < len(row.cells) else ""
        return value

    emails_in_file = {(cell(row, "email") or "").lower() for row in rows} - {""}
    existing_users = (
        {user.email: user for user in db.session.scalars(select(User).where(User.email.in_(emails_in_file)))}
        if emails_in_file
        else {}
    )
    already_applied = set(
        db.session.scalars(select(Application.candidate_id).where(Application.campaign_id == campaign.id))
    )
    first_row_of: dict[str, int] = {}
    for row in rows:
        number = row.number
        for index in sorted(row.not_utf8):
            column = header[index] if index < len(header) and header[index] else index + 1
            problems.append(_problem(number, column, "has characters that are not UTF-8"))
        extra = next((i for i in range(len(header), len(row.cells)) if row.cells[i].strip()), None)
        if extra is not None:
            problems.append(
                _problem(number, extra + 1, f"has a value, but the header row has only {len(header)} columns")
            )
        name = cell(row, "name")
        if formula := _formula_problem(number, "name", name):
            problems.append(formula)
        elif name == "":
            problems.append(_problem(number, "name", "is empty; enter the candidate's full name"))
        elif name is not None and len(name) > MAX_NAME:
            problems.append(_problem(number, "name", f"must be {MAX_NAME} characters or fewer"))
        email = cell(row, "email")
        if formula := _formula_problem(number, "email", email):
            problems.append(formula)
        elif email == "":
            problems.append(_problem(number, "email", "is empty; enter the candidate's email address"))
        elif email is not None:
            email = email.lower()
            try:
                if len(email) > MAX_EMAIL:
                    raise EmailNotValidError("too long")
                validate_email(email, check_deliverability=False)
            except EmailNotValidError:
                problems.append(
                    _problem(number, "email", "is not an email address in the correct format, like name@example.com")
                )
            else:
                user = existing_users.get(email)
                if email in first_row_of:
                    problems.append(_problem(number, "email", f"is the same as row {first_row_of[email]}"))
                elif user is not None and user.role != "candidate":
                    problems.append(_problem(number, "email", "belongs to a staff account"))
                elif user is not None and not user.active:
                    problems.append(
                        _problem(
                            number,
                            "email",
                            "belongs to a deactivated account; reactivate it or leave this application out",
                        )
                    )
                elif user is not None and user.id in already_applied:
                    problems.append(_problem(number, "email", "already has an application for this campaign"))
                first_row_of.setdefault(email, number)
        phone = cell(row, "phone")
        if phone and not phone.startswith("+") and (formula := _formula_problem(number, "phone", phone)):
            problems.append(formula)
        elif phone and len(phone) > MAX_PHONE:
            problems.append(_problem(number, "phone", f"must be {MAX_PHONE} characters or fewer"))
        elif phone and not PHONE.match(phone):
            problems.append(_problem(number, "phone", "is not a telephone number, like 01632 960 001"))
        for code, criterion in criteria.items():
            text = cell(row, code)
            if text is None:
                continue
            words = row.word_counts[code] = count_words(text)
            if formula := _formula_problem(number, code, text, EVIDENCE_FORMULA_STARTS):
                problems.append(formula)
            elif not words:
                problems.append(_problem(number, code, "is empty; every criterion needs the candidate's evidence"))
            elif words > criterion.word_limit:
                problems.append(_problem(number, code, f"has {words} words; the limit is {criterion.word_limit}"))
            elif len(text) > MAX_STATEMENT_CHARACTERS:
                problems.append(_problem(number, code, f"is longer than {MAX_STATEMENT_CHARACTERS:,} characters"))
    return rows, problems


def import_applications(actor: User, campaign: Campaign, raw: bytes, *, send_claim_links: bool) -> ImportResult:
    """Check the file and, when it has no problems, import every row in one transaction.

    Raises Refused when the campaign cannot take imports, FileProblems listing everything wrong with the file.
    Rows are written with bulk INSERTs (a 2,000-row file is some 20,000 records).
    """
    if campaign.status not in IMPORT_STATUSES:
        raise Refused("Applications can be imported only while the campaign is open or closed, before the sift")
    rows, problems = check(campaign, raw)
    if problems:
        raise FileProblems(problems)
    criteria = campaign.criteria_at("sift")
    now = utcnow()
    # Someone else registering or applying with an email in the file since it was checked breaks a unique row.
    with unit_of_work(IMPORTED_ELSEWHERE):
        ids = {
            email: user_id
            for user_id, email in db.session.execute(
                select(User.id, User.email).where(User.email.in_([row.values["email"].lower() for row in rows]))
            )
        }
        new_rows = [row for row in rows if row.values["email"].lower() not in ids]
        new_ids: list[int] = []
        if new_rows:
            new_ids = list(
                db.session.scalars(
                    insert(User).returning(User.id, sort_by_parameter_order=True),
                    [
                        {
                            "email": row.values["email"].lower(),
                            "name": row.values["name"],
                            "role": "candidate",
                            "password_hash": None,
                            "created_at": now,
                        }
                        for row in new_rows
                    ],
                )
            )
            ids |= {row.values["email"].lower(): user_id for row, user_id in zip(new_rows, new_ids)}
        references = unique_references(len(rows))
        application_ids = list(
            db.session.scalars(
                insert(Application).returning(Application.id, sort_by_parameter_order=True),
                [
                    {
                        "campaign_id": campaign.id,
                        "candidate_id": ids[row.values["email"].lower()],
                        "reference": reference,
                        "status": ApplicationStatus.SUBMITTED,
                        "source": "import",
                        "created_at": now,
                        "updated_at": now,
                        "submitted_at": now,
                        "version": 1,
                    }
                    for row, reference in zip(rows, references)
                ],
            )
        )
        db.session.execute(
            insert(PersonalDetails),
            [
                {
                    "application_id": application_id,
                    "full_name": row.values["name"],
                    "email": row.values["email"].lower(),
                    "phone": row.values.get("phone", ""),
                }
                for row, application_id in zip(rows, application_ids)
            ],
        )
        db.session.execute(
            insert(Statement),
            [
                {
                    "application_id": application_id,
                    "criterion_id": criterion.id,
                    "text": row.values[criterion.code],
                    "word_count": row.word_counts[criterion.code],
                    "updated_at": now,
                }
                for row, application_id in zip(rows, application_ids)
                for criterion in criteria
            ],
        )
        users = (
            {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(new_ids)))} if new_ids else {}
        )
        new_accounts: list[tuple[User, str | None]] = []
        with db.session.no_autoflush:  # the tokens are written together at the commit
            for user_id in new_ids:
                user = users[user_id]
                new_accounts.append(
                    (user, tokens.issue(user, "set_password", created_by=actor) if send_claim_links else None)
                )
        if send_claim_links:
            notifications.queue_many(
                (emails.claim(campaign, user, raw) for user, raw in new_accounts if raw), needed_now=True
            )
        audit.record(
            "applications.imported",
            "campaign",
            campaign.id,
            after={"count": len(rows), "new_accounts": len(new_ids), "references": references},
            actor=actor,
        )
    return ImportResult(imported=len(rows), new_accounts=new_accounts)
