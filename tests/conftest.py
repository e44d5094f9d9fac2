"""Shared fixtures: one migrated and seeded database per run, each test inside a rolled-back transaction.

The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL is set.
"""
from __future__ import annotations

import os

import pytest
from bs4 import BeautifulSoup
from flask import g, request_started
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session
from sqlalchemy import event, text

import pyotp

from recruit import create_app
from recruit.config import TestConfig
from recruit.extensions import db, limiter
from recruit.services.frameworks.seed import seed
from tests.factories import PASSWORD, UserFactory


class _ConnectionBoundSession(Session):
    """Flask-SQLAlchemy picks its engine for every statement; in tests use the test's connection."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return self.bind


def database_url(tmp_path_factory) -> str:
    return os.environ.get("DATABASE_URL") or "sqlite:///" + str(tmp_path_factory.mktemp("db") / "recruit.db")


def reset_schema() -> None:
    """Empty the database the suite was given, so the run starts from nothing."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url(tmp_path_factory))
    with app.app_context():
        reset_schema()
        upgrade()
        seed(app.config["SEEDS_DIR"])
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """Every test runs in a transaction that is rolled back, whatever it commits."""
    limiter.reset()
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"class_": _ConnectionBoundSession, "bind": connection, "join_transaction_mode": "create_savepoint"}
        )
        # The test holds an app context, and test-client requests reuse it; give each request a
        # fresh `g` as a real request would have (Flask-Login and Flask-WTF cache in it).
        request_started.connect(_fresh_g, app)
        try:
            yield
        finally:
            request_started.disconnect(_fresh_g, app)
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


def _fresh_g(sender, **extra):
    g.__dict__.clear()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def page(client):
    """GET a page, check its status, and return it parsed."""

    def get(url: str, status: int = 200) -> BeautifulSoup:
        response = client.get(url)
        assert response.status_code == status, f"{url} answered {response.status_code}"
        return BeautifulSoup(response.get_data(as_text=True), "html.parser")

    return get


@pytest.fixture
def count_writes():
    """Count the INSERT, UPDATE and DELETE statements run inside a block."""

    class Counter:
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

    return Counter


def _refusal_log(statement: str, parameters) -> bool:
    words = " ".join(statement.split()).lower()
    if words.startswith(("insert into access_denial_windows", "update access_denial_windows")):
        return True
    return words.startswith("insert into audit_events") and "access.denied" in str(parameters)


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

    def sign_in(self, user, password: str = PASSWORD):
        response = self.submit("/sign-in", {"email": user.email, "password": password})
        if user.has_two_factor and response.status_code == 302 and "/two-factor" in response.location:
            response = self.submit("/sign-in/two-factor", {"code": pyotp.TOTP(user.totp_secret).now()})
        assert response.status_code == 302, f"sign-in failed for {user.email}"
        return response


@pytest.fixture
def forms(client):
    return Forms(client)


class Outbox:
    """The development outbox, turned on for one test: the emails Recruit sent, oldest first."""

    def messages(self, to: str | None = None) -> list:
        from recruit.mail import development_mail_query
        from recruit.models import DevelopmentEmail

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


@pytest.fixture
def outbox(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEVELOPMENT_OUTBOX", True)
    return Outbox()


@pytest.fixture
def make_user():
    return UserFactory


def parse(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def error_messages(soup: BeautifulSoup) -> list[str]:
    """The messages in the GOV.UK error summary, in order."""
    return [a.get_text(strip=True) for a in soup.select(".govuk-error-summary__list a")]
