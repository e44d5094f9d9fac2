"""Error pages are GOV.UK pages without internals; rate-limit storage follows the configuration."""

import pytest
import redis
from bs4 import BeautifulSoup

from recruit import create_app
from recruit.access import public
from recruit.config import TestConfig
from recruit.extensions import limiter
from tests.factories import UserFactory
from tests.helpers import Forms


def test_unexpected_error_shows_a_plain_500_page():
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://", TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @public
    def broken():
        raise ZeroDivisionError("secret internals")

    app.add_url_rule("/broken", view_func=broken)
    response = app.test_client().get("/broken")
    assert response.status_code == 500
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.h1.get_text(strip=True) == "Sorry, there is a problem with the service"
    text = soup.get_text()
    assert "Traceback" not in text and "secret internals" not in text and "ZeroDivisionError" not in text


def test_a_failed_database_write_still_gives_the_plain_500_page(tmp_path):
    from flask_migrate import upgrade

    from recruit.extensions import db
    from recruit.models import User

    app = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/errors.db", TESTING=False, PROPAGATE_EXCEPTIONS=False
    )
    with app.app_context():
        upgrade()
        user = UserFactory(role="candidate")
        db.session.commit()
        user_id, email = user.id, user.email

    @public
    def broken_query():
        # A failed flush (a duplicate email) leaves the session needing a rollback.
        db.session.add(User(email=email, name="Duplicate", role="candidate"))
        db.session.flush()

    app.add_url_rule("/broken-query", view_func=broken_query)
    # Signed in, so that the error page reads the user from the database after the failed statement.
    forms = Forms(app.test_client())
    with app.app_context():
        forms.sign_in(db.session.get(User, user_id))
    response = forms.client.get("/broken-query")
    assert response.status_code == 500
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.h1.get_text(strip=True) == "Sorry, there is a problem with the service"
    assert "IntegrityError" not in soup.get_text()


@pytest.mark.parametrize(
    "method, url, status, heading",
    [
        ("get", "/no-such-page", 404, "Page not found"),
        ("post", "/frameworks", 405, "Sorry, you cannot do that on this page"),
        ("post", "/sign-in", 400, "Sorry, there is a problem with your request"),
    ],
)
def test_error_pages(client, method, url, status, heading):
    response = getattr(client, method)(url)
    assert response.status_code == status
    assert BeautifulSoup(response.get_data(as_text=True), "html.parser").h1.get_text(strip=True) == heading


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    client.flushdb()
    yield client
    client.flushdb()


def test_rate_limits_are_kept_in_redis_when_configured(app, redis_client):
    redis_app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI="sqlite://",
        REDIS_URL="redis://127.0.0.1:6379/15",
        SIGN_IN_RATE_LIMIT="2 per minute",
    )
    try:
        assert redis_app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/15"
        forms = Forms(redis_app.test_client())
        statuses = [
            forms.submit("/sign-in", {"email": "x@example.org", "password": "p" * 12}).status_code for _ in range(3)
        ]
        assert statuses[-1] == 429
        assert redis_client.keys("LIMITS*"), "the counters should be in Redis, shared by every app process"
    finally:
        # The limiter object is shared; give it back to the suite's app and its memory storage.
        limiter.init_app(app)
