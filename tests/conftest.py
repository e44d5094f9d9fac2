"""Shared fixtures: one migrated and seeded database per run, each test inside a rolled-back transaction.

The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL is set. Helpers are in tests/helpers.py,
records are made by tests/factories.py; this file holds fixtures and hooks only.
"""

from __future__ import annotations

import os

import pytest
from bs4 import BeautifulSoup
from flask import g, request_started
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from recruit import create_app
from recruit.config import TestConfig
from recruit.extensions import db, limiter, page_cache, shared_cache
from recruit.services import change_tokens
from recruit.services.assessment import kept
from recruit.services.frameworks.seed import seed
from tests.factories import UserFactory, open_campaign
from tests.helpers import TOTP_START, Forms, Outbox, WriteCounter

# The notification transports' fixtures: smtp_server, smtp and notify.
pytest_plugins = ["tests.notification_support"]

_WORKER_DATABASE = pytest.StashKey()


def pytest_configure(config):
    """Under pytest-xdist, each worker process has a PostgreSQL database of its own, next to DATABASE_URL's: the
    suite empties the database it is given, so two workers cannot share one. DATABASE_URL then names the
    worker's database, for the suite and for the tests that make databases of their own beside it."""
    url = os.environ.get("DATABASE_URL")
    worker = getattr(config, "workerinput", {}).get("workerid")
    if worker and url and make_url(url).get_backend_name() == "postgresql":
        own = make_url(url).set(database=f"{make_url(url).database}_{worker}")
        _on_server(own, f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)', f'CREATE DATABASE "{own.database}"')
        os.environ["DATABASE_URL"] = own.render_as_string(hide_password=False)
        config.stash[_WORKER_DATABASE] = own


def pytest_unconfigure(config):
    own = config.stash.get(_WORKER_DATABASE, None)
    if own is not None:
        _on_server(own, f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)')


def _on_server(url, *statements: str) -> None:
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def pytest_collection_modifyitems(items):
    """Marks that follow from what a test uses: the `chromium` fixture makes it a browser test; the `fuzzing`
    fixture (hostile values on every page and form) or hypothesis's @given make it a fuzz test."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "chromium" in fixtures:
            item.add_marker(pytest.mark.browser)
        if "fuzzing" in fixtures or getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.fuzz)


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
    """Every test runs in a transaction that is rolled back, whatever it commits, with no pages cached."""
    limiter.reset()
    with app.app_context():
        # Pages kept by an earlier test were rendered from its own (rolled back) records and settings, and the
        # counted scores and standings kept were read from them under ids and data versions a later test reuses.
        page_cache.clear()
        shared_cache.clear()
        kept.forget_all()
        change_tokens.forget_all()
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
    """Count the INSERT, UPDATE and DELETE statements run inside a block: `with count_writes() as writes:`."""
    return WriteCounter


@pytest.fixture
def forms(client):
    return Forms(client)


@pytest.fixture
def outbox(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEVELOPMENT_OUTBOX", True)
    return Outbox()


@pytest.fixture
def make_user():
    return UserFactory


@pytest.fixture
def admin(request, make_user):
    """A recruitment admin, Alex Admin. A module or test that needs other details says so with a mark:
    `pytestmark = pytest.mark.admin(name="Ada Admin", email="ada@example.org")`."""
    mark = request.node.get_closest_marker("admin")
    return make_user(role="admin", **{"name": "Alex Admin", **(mark.kwargs if mark else {})})


@pytest.fixture
def as_admin(forms, admin):
    """The test's client, signed in as the admin."""
    forms.sign_in(admin)
    return forms


@pytest.fixture
def signed_in_admin(as_admin, admin):
    """The admin, with the test's client signed in as them."""
    return admin


@pytest.fixture
def campaign(admin):
    """An open Band C campaign, made by the admin."""
    return open_campaign(admin)


@pytest.fixture
def clock(time_machine):
    """Time stands still at the start of a 30-second TOTP step: a code stays the same until the test moves on."""
    time_machine.move_to(TOTP_START, tick=False)
    return time_machine
