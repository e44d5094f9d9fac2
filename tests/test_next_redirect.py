"""Where sign-in, registration and the two-factor step send a person: back to the page they asked
for on this site, never to another site, whatever `next` holds."""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

import pyotp
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder
from werkzeug.utils import redirect

from recruit.access import safe_next
from recruit.extensions import db
from recruit.models import User
from tests.factories import PASSWORD

HOME = "/applications"
# How an attacker writes `next` into a link (percent-encoded as it appears in the address).
BYPASSES = [
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0d/evil.example",
    "/%09%09/evil.example",
    "%09//evil.example",
    "%20//evil.example",
    "/%5Cevil.example",
    "%5C%5Cevil.example",
    "/%5C/evil.example",
    "//evil.example",
    "///evil.example",
    "/%2F%2Fevil.example",
    "/%252F%252Fevil.example",
    "/%25252F%25252Fevil.example",
    "/%255Cevil.example",
    "/%2509/evil.example",
    "https:evil.example",
    "https://evil.example/",
    "https:/evil.example",
    "javascript:alert(1)",
    "%0d%0a//evil.example",
    "/%0d%0aSet-Cookie:%20signed=in",
    "/x%0d%0aLocation:%20https://evil.example",
    "/%00/evil.example",
    "/%E2%80%8B/evil.example",
    "evil.example",
]
# Pages of this site, as Recruit itself writes them into `next`.
OWN_PAGES = ["/account/password", "/admin/campaigns?status=open", "/vacancies?q=a%20b", "/frameworks/x:y"]


def browser_reading(location: str) -> tuple[str, str, str]:
    """(scheme, host, path) of a Location header as a browser reads it (WHATWG URL parsing of a special URL)."""
    cleaned = location.strip("".join(chr(code) for code in range(0x21)))
    cleaned = cleaned.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    parts = urlsplit(cleaned)
    return parts.scheme, parts.netloc, parts.path


def stays_on_site(location: str) -> bool:
    scheme, host, path = browser_reading(location)
    return not scheme and not host and path.startswith("/") and not path.startswith("//")


def location_sent(target: str) -> str:
    """The Location header Werkzeug sends for a redirect to this target."""
    environ = EnvironBuilder(path="/sign-in").get_environ()
    return dict(redirect(target).get_wsgi_headers(environ))["Location"]


# --- the rule ------------------------------------------------------------------------------------

HOSTILE_PIECES = st.sampled_from(
    [
        "/",
        "\\",
        "\t",
        "\n",
        "\r",
        " ",
        "%09",
        "%0a",
        "%0d",
        "%2F",
        "%2f",
        "%5C",
        "%25",
        "%",
        "%20",
        ":",
        "@",
        "evil.example",
        "https",
        "javascript",
        ".",
        "..",
        "?",
        "#",
        "\x00",
        "\x7f",
        "\u3000",
        "\uff0f",
        "\u200b",
        "\ud800",
        "a",
    ]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), st.lists(HOSTILE_PIECES, max_size=12).map("".join)))
@example("/\t/evil.example")
@example("/\\evil.example")
@example("//evil")
@example("/%2F%2Fevil")
@example("https:evil")
@example("\t//evil")
@example("%0d%0a")
@example("/\r\n/evil")
@example("javascript:alert(1)")
@example("/%5C%5Cevil")
def test_what_is_followed_is_always_a_path_on_this_site(target):
    followed = safe_next(target)

    if followed is not None:
        assert followed == target
        # As browsers read it, as a proxy that decodes it reads it, and as Werkzeug sends it.
        assert stays_on_site(followed)
        assert stays_on_site(unquote(followed))
        assert stays_on_site(location_sent(followed))


@pytest.mark.parametrize("target", BYPASSES)
def test_known_ways_off_site_are_ignored(target):
    assert safe_next(unquote(target)) is None


@pytest.mark.parametrize("target", OWN_PAGES)
def test_pages_of_this_site_are_followed(target):
    assert safe_next(target) == target


@pytest.mark.parametrize("target", [None, "", "/" + "a" * 2000])
def test_nothing_or_an_overlong_next_is_ignored(target):
    assert safe_next(target) is None


# --- through the pages ---------------------------------------------------------------------------


def test_signing_in_goes_back_to_the_page_asked_for(forms, make_user):
    person = make_user()
    response = forms.submit(
        "/sign-in?next=" + quote(OWN_PAGES[1], safe=""), {"email": person.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == OWN_PAGES[1]


@pytest.mark.parametrize("target", BYPASSES)
def test_signing_in_never_leaves_the_site(client, forms, make_user, target):
    person = make_user()

    response = forms.submit(f"/sign-in?next={target}", {"email": person.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == HOME
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize("target", BYPASSES)
def test_registering_never_leaves_the_site(client, forms, outbox, target):
    # The page to return to is kept with the registration and followed once the address is confirmed.
    forms.submit(
        f"/register?next={target}",
        {
            "name": "Robin Example",
            "email": "robin@example.org",
            "password": PASSWORD,
        },
        page="/register",
    )
    confirm = urlsplit(outbox.link("robin@example.org", "/register/confirm/")).path

    response = forms.submit(confirm, {"password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == HOME
    assert db.session.query(User).filter_by(email="robin@example.org").one().role == "candidate"


@pytest.mark.parametrize("target", BYPASSES)
def test_the_two_factor_step_never_leaves_the_site(client, forms, make_user, target):
    person = make_user(two_factor=True)
    response = forms.submit(f"/sign-in?next={target}", {"email": person.email, "password": PASSWORD})
    assert urlsplit(response.headers["Location"]).path == "/sign-in/two-factor"

    response = forms.submit(f"/sign-in/two-factor?next={target}", {"code": pyotp.TOTP(person.totp_secret).now()})

    assert response.status_code == 302
    assert response.headers["Location"] == HOME


def test_the_two_factor_step_goes_back_to_the_page_asked_for(forms, make_user):
    person = make_user(two_factor=True)
    forms.submit("/sign-in?next=/account/password", {"email": person.email, "password": PASSWORD})

    response = forms.submit("/sign-in/two-factor", {"code": pyotp.TOTP(person.totp_secret).now()})

    assert response.headers["Location"] == "/account/password"
