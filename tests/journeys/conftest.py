"""Fixtures for the browser journeys: Recruit served by gunicorn on its own database, and Chromium."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.journeys.live_server import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    Gunicorn,
    JourneyDatabase,
    LiveServer,
    ServerClock,
    environment,
    migrate,
    seed_and_create_admin,
)
from tests.journeys.people import Journey

# A busy machine (CI, or a shared one) can be slow to answer: give pages time before an expectation fails.
expect.set_options(timeout=15_000)


@pytest.fixture(autouse=True)
def _transaction():
    """The journeys never touch the suite's database: the served app has its own (see live_server)."""
    yield


# Package scope: the server and the browser stop when the journeys are done, so that later tests can start
# Playwright's synchronous API again (it refuses to run inside another instance's event loop).
@pytest.fixture(scope="package")
def live_server(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("journeys")
    database = JourneyDatabase(os.environ.get("DATABASE_URL"), scratch)
    database.create()
    server = None
    try:
        clock = ServerClock(scratch / "clock")
        env = environment(database.url, clock)
        migrate(env)
        # gunicorn loads the app while the seed data goes in.
        server = Gunicorn(env, scratch / "server.log")
        server.launch()
        seed_and_create_admin(env)
        url = server.ready()
        yield LiveServer(url, ADMIN_EMAIL, ADMIN_PASSWORD, scratch / "server.log", clock, database.url)
    finally:
        if server is not None:
            server.stop()
        database.drop()


@pytest.fixture(scope="package")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.journey_failed = report.failed
    return report


@pytest.fixture
def journey(chromium, live_server, request):
    journey = Journey(chromium, live_server, request.node.name)
    yield journey
    for name, seconds in journey.timings:
        print(f"{seconds:6.1f}s  {name}")
    checked = sum(len(person.checked) for person in journey.people)
    print(f"{journey.axe_seconds:6.1f}s  axe-core on {checked} pages")
    # After a failure, only close the browsers: the failure has been reported with its screenshots.
    journey.close(check=not getattr(request.node, "journey_failed", True))
