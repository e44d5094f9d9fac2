"""What tests do again and again: read pages, fill in forms as a browser would, read the outbox and the audit
log, upload CSV files, walk through two-factor sign-in, count the SQL a block or a page runs, and read a PDF report
back.

Fixtures live in conftest.py; records are made in factories.py.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pyotp
import pypdf
from bs4 import BeautifulSoup
from flask import render_template
from sqlalchemy import event
from werkzeug.datastructures import MultiDict

from recruit.extensions import db
from recruit.models import User
from recruit.services.reports.pdf.rendering import render_pdf
from tests.factories import PASSWORD

# The checkout, whichever folder of tests/ a module is in: tests read seeds, templates and lock files from it.
ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"

# ---------------------------------------------------------------- pages and forms


def parse(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def error_messages(soup: BeautifulSoup) -> list[str]:
    """The messages in the GOV.UK error summary, in order."""
    return [a.get_text(strip=True) for a in soup.select(".govuk-error-summary__list a")]


def csrf_token_from(html: str) -> str:
    field = BeautifulSoup(html, "html.parser").select_one("input[name=csrf_token]")
    assert field is not None, "the page has no CSRF token"
    return field["value"]


class Forms:
    """Fill in and send forms as a browser would: the CSRF token comes from the page itself."""

    def __init__(self, client):
        self.client = client

    def submit(self, url: str, data: dict | None = None, page: str | None = None, **kwargs):
        token = csrf_token_from(self.client.get(page or url).get_data(as_text=True))
        return self.client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)

    def submit_as_shown(self, url: str, changes: dict | None = None, button: str | None = None, **kwargs):
        """Send the page's main form as a browser would: every box, hidden field and ticked choice as the page
        shows it, with `changes` (by field name) typed over it, and the named button pressed (its name is sent)."""
        soup = BeautifulSoup(self.client.get(url).get_data(as_text=True), "html.parser")
        form = soup.select_one("main form[method=post]")
        assert form is not None, f"{url} shows no form"
        data: dict[str, object] = {}
        for field in form.select("input[name], textarea[name], select[name]"):
            name, kind = field["name"], field.get("type", "")
            if field.name == "textarea":
                data[name] = field.get_text()
            elif field.name == "select":
                chosen = field.select_one("option[selected]") or field.select_one("option")
                data[name] = chosen.get("value", "") if chosen else ""
            elif kind in ("checkbox", "radio"):
                if field.has_attr("checked"):
                    data.setdefault(name, []).append(field.get("value", "on"))
            elif kind != "submit":
                data[name] = field.get("value", "")
        if button is not None:
            pressed = form.find(
                lambda tag: (
                    tag.name in ("button", "input")
                    and tag.get("type") == "submit"
                    and (tag.get("value") == button or tag.get_text(strip=True) == button)
                )
            )
            assert pressed is not None, f"{url} has no button {button!r}"
            if pressed.get("name"):
                data[pressed["name"]] = pressed.get("value", "")
        data.update(changes or {})
        action = form.get("action") or url
        return self.client.post(action, data=data, **kwargs)

    def sign_in(self, user, password: str = PASSWORD):
        response = self.submit("/sign-in", {"email": user.email, "password": password})
        if user.has_two_factor and response.status_code == 302 and "/two-factor" in response.location:
            response = self.submit("/sign-in/two-factor", {"code": pyotp.TOTP(user.totp_secret).now()})
        assert response.status_code == 302, f"sign-in failed for {user.email}"
        return response


class PageForm:
    """A form as a browser holds it once its page has loaded: every field's value as the page set it (checked boxes
    and radios, text in text areas, hidden fields), to change and then send with the button pressed. The page is
    loaded from `url`, unless it is the answer to the last form sent (`shown`), which the browser holds already."""

    def __init__(self, client, url: str, shown=None, selector: str = "main form[method=post]"):
        self.client, self.url = client, url
        form = parse(shown if shown is not None else client.get(url)).select_one(selector)
        assert form is not None, f"{url} has no {selector}"
        self.fields: list[tuple[str, str]] = []
        for field in form.select("input[name], textarea[name], select[name]"):
            kind = field.get("type", "text")
            if field.name == "textarea":
                self.fields.append((field["name"], field.get_text()))
            elif kind in ("checkbox", "radio"):
                if field.has_attr("checked"):
                    self.fields.append((field["name"], field.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset", "file"):
                self.fields.append((field["name"], field.get("value", "")))

    def value(self, name: str) -> list[str]:
        return [value for key, value in self.fields if key == name]

    def set(self, name: str, value: str | list[str] | None) -> PageForm:
        """Type into a field, choose a radio, or tick exactly these boxes (None or [] clears it)."""
        values = [] if value is None else [value] if isinstance(value, str) else value
        self.fields = [(key, old) for key, old in self.fields if key != name] + [(name, v) for v in values]
        return self

    def press(self, name: str, value: str = "", **kwargs):
        """Send the form with the button of this name (and value) pressed."""
        return self.client.post(self.url, data=MultiDict([*self.fields, (name, value)]), **kwargs)


def signed_in(app, user) -> Forms:
    """A browser of its own (a new test client), signed in as `user`: for tests with more than one person."""
    browser = Forms(app.test_client())
    browser.sign_in(user)
    return browser


def found_in(response, needles: list[str]) -> list[str]:
    """The needles that appear anywhere in the page: its markup, its text or any attribute."""
    html = response.get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    attributes = [
        " ".join(value) if isinstance(value, list) else str(value)
        for tag in soup.find_all(True)
        for value in tag.attrs.values()
    ]
    haystack = "\n".join([html, soup.get_text(" "), *attributes]).casefold()
    return [needle for needle in needles if needle.casefold() in haystack]


# ---------------------------------------------------------------- the outbox and the audit log


class Outbox:
    """The development outbox, turned on for one test: the emails Recruit sent, oldest first."""

    def messages(self, to: str | None = None) -> list:
        from recruit.models import DevelopmentEmail
        from recruit.services.notifications.views import development_mail_query

        query = development_mail_query()
        if to is not None:
            query = query.where(DevelopmentEmail.recipient == to)
        return list(reversed(db.session.scalars(query).all()))

    def last(self, to: str):
        messages = self.messages(to)
        assert messages, f"no email to {to}"
        return messages[-1]

    def link(self, to: str, path: str) -> str:
        """The one link in the last email to `to` whose address contains `path`."""
        [link] = [word for word in self.last(to).body.split() if path in word]
        return link


AUDIT_COLUMNS = ["when", "who", "action", "record", "change", "address"]


def audit_page(forms, query: dict | list | None = None, status: int = 200):
    url = "/admin/audit" + (f"?{urlencode(query, doseq=True)}" if query else "")
    response = forms.client.get(url)
    assert response.status_code == status, f"{url} answered {response.status_code}"
    return parse(response)


def entries(soup) -> list[dict[str, str]]:
    """The audit page's rows, each a dict by column name, with the row's cells under "_cells"."""
    table = soup.select_one("table#audit")
    assert table is not None, "the page shows no audit table"
    rows = []
    for row in table.select("tbody tr"):
        cells = row.select("td")
        if len(cells) == len(AUDIT_COLUMNS):
            rows.append(dict(zip(AUDIT_COLUMNS, (cell.get_text(" ", strip=True) for cell in cells), strict=True)))
            rows[-1]["_cells"] = cells
    return rows


# ---------------------------------------------------------------- applications CSV files


def words(count: int, stem: str = "evidence") -> str:
    return " ".join(f"{stem}{n}" for n in range(count))


def make_csv(header, rows, *, encoding="utf-8", newline="\r\n", bom=False) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator=newline).writerows([header, *rows])
    data = out.getvalue().encode(encoding)
    return codecs.BOM_UTF8 + data if bom else data


def import_url(campaign) -> str:
    return f"/admin/campaigns/{campaign.id}/applications/import"


def upload(forms, campaign, data: bytes, filename: str = "applications.csv"):
    return forms.submit(
        import_url(campaign), {"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data"
    )


def listed_problems(response) -> list[str]:
    """The problems an import was refused for, as the upload page lists them."""
    return [item.get_text(" ", strip=True) for item in parse(response).select("#import-problems li")]


# ---------------------------------------------------------------- two-factor sign-in

SET_UP = "/account/two-factor/set-up"
CODE_PAGE = "/sign-in/two-factor"
NEW_RECOVERY_CODES = "/account/two-factor/recovery-codes"
TURN_OFF = "/account/two-factor/turn-off"
STEP = timedelta(seconds=30)
# Where the `clock` fixture pins time: on a 30-second boundary, so a code stays the same until a test moves on.
TOTP_START = datetime(2026, 11, 23, 9, 0, 0, tzinfo=UTC)
WRONG_SECURITY_CODE = "Enter a correct security code"
# Where each role lands after signing in.
HOME = {"candidate": "/applications", "assessor": "/assess", "admin": "/admin/campaigns"}


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def path_of(response) -> str:
    assert response.status_code == 302, f"expected a redirect, got {response.status_code}"
    return urlsplit(response.location).path


def banners(soup) -> list[str]:
    return [b.get_text(" ", strip=True) for b in soup.select(".govuk-notification-banner__content")]


def enter_password(forms, user: User, **kwargs):
    return forms.submit("/sign-in", {"email": user.email, "password": PASSWORD}, **kwargs)


def enter_code(forms, code: str):
    return forms.submit(CODE_PAGE, {"code": code})


def sign_out(forms) -> None:
    assert path_of(forms.submit("/sign-out", page="/account")) == "/sign-in"


def wrong_code(key: str) -> str:
    """Six digits that no authenticator app with this key shows now or a step either side."""
    totp = pyotp.TOTP(key)
    now = datetime.now(UTC)
    accepted = {totp.at(now + drift * STEP) for drift in (-1, 0, 1)}
    guess = int(totp.now())
    while f"{guess:06d}" in accepted:
        guess = (guess + 123457) % 1_000_000
    return f"{guess:06d}"


def key_on(soup) -> str:
    return soup.select_one("#totp-key").get_text(strip=True)


def recovery_codes_on(soup) -> list[str]:
    return [item.get_text(strip=True) for item in soup.select("#recovery-codes li")]


# ---------------------------------------------------------------- counting SQL


class WriteCounter:
    """The INSERT, UPDATE and DELETE statements run inside a block (the `count_writes` fixture)."""

    def __init__(self):
        self.statements: list[str] = []
        self._written: list[tuple[str, object]] = []

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            self.statements.append(statement)
            self._written.append((statement, parameters))

    @property
    def besides_refusal_log(self) -> list[str]:
        """What was written other than the audit log's record of a refused request (403): an access.denied
        entry and the window that bounds them, which a refusal writes on purpose."""
        return [statement for statement, parameters in self._written if not _refusal_log(statement, parameters)]


def _refusal_log(statement: str, parameters) -> bool:
    words = " ".join(statement.split()).lower()
    if words.startswith(("insert into access_denial_windows", "update access_denial_windows")):
        return True
    return words.startswith("insert into audit_events") and "access.denied" in str(parameters)


class Statements:
    """Count every SQL statement run inside a block."""

    def __enter__(self):
        self.count = 0
        event.listen(db.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self._record)

    def _record(self, *args):
        self.count += 1


@contextmanager
def recording():
    """The SQL statements run inside the block (each on one line), from an empty session as a real request starts."""
    db.session.remove()
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        # The test's own transaction wraps each request in a savepoint; a real request has none.
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
        db.session.remove()


def statements_for(client, url: str) -> int:
    """Statements for one GET, from an empty session as a real request starts (the test's app context,
    which test-client requests share, would otherwise keep yesterday's objects in the identity map)."""
    db.session.remove()
    client.get(url)  # warm: templates compiled, nothing else kept
    db.session.remove()
    with Statements() as counter:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    db.session.remove()
    return counter.count


# ---------------------------------------------------------------- reading PDF reports


def rendered(spec) -> tuple[str, pypdf.PdfReader]:
    """A report's HTML and its PDF as typeset in one piece, from its ReportSpec (services/reports/content)."""
    html = render_template(spec.template, **spec.context)
    return html, pypdf.PdfReader(io.BytesIO(render_pdf(html, title=spec.title)))


def parse_html(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def pages_text(reader: pypdf.PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def shows(fragment: str, text: str) -> bool:
    """Whether the text read back from a PDF shows the fragment, whitespace aside (pypdf puts a space inside some
    kerned pairs, such as "T obias")."""
    return squeezed(fragment) in squeezed(text)


def squeezed(text: str) -> str:
    """Text without whitespace: a long word wrapped across lines in a table cell reads back with a break in it."""
    return re.sub(r"\s+", "", text)


def check_furniture(reader: pypdf.PdfReader, reference: str, title: str, marked: bool = True) -> None:
    """Every page has its number out of the total, the marking (none on a candidate's own letter) and the campaign
    reference; the PDF is tagged."""
    texts = pages_text(reader)
    total = len(texts)
    for number, text in enumerate(texts, start=1):
        assert re.search(rf"\bPage\s*{number}\s*of\s*{total}\b", text), f"page {number} of {total}"
        assert shows("OFFICIAL-SENSITIVE", text) == marked
        assert shows(reference, text)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == title
