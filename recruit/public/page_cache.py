"""The public pages' rendered-page cache and their answers to conditional requests.

A public page depends only on the records in recruit/services/public_content.py, the time (vacancies close)
and, for someone signed in, who they are. So for an anonymous visitor the page is rendered once per version of
that content and kept, keyed by the version, the path and the query; each later request costs the one query
that reads the version. Nothing needs clearing when the content changes: a new version is a new key, and the
pages kept under the old one are never asked for again (they age out).

Every anonymous page carries an ETag, a hash of the page itself, and `Cache-Control: private, no-cache`: the
browser keeps the page and asks each time whether it is still current; an unchanged page is answered
304 Not Modified with no body.

Pages for someone signed in (their name in the navigation, a sign-out form with its CSRF token), and pages
showing a flashed message (shown once, to the visitor it was for), are rendered every time, never kept and never
given an ETag; they are `no-store`. A page whose rendering wrote to the session (a CSRF token for a form, say)
belongs to that visitor too, and is not kept either.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec

from flask import Flask, Response, current_app, request, session
from flask_login import current_user
from werkzeug.http import generate_etag

from recruit.extensions import cached, keep, page_cache, shared_cache
from recruit.services.public_content import current_key

P = ParamSpec("P")

# Flask keeps flashed messages in the session under this key until a page shows them.
FLASHES = "_flashes"


def init_page_cache(app: Flask) -> None:
    redis_url = app.config.get("PAGE_CACHE_REDIS_URL")
    settings: dict[str, object] = {"CACHE_KEY_PREFIX": "recruit.page:"}
    shared: dict[str, object] = {"CACHE_KEY_PREFIX": "recruit.shared:"}
    # A page kept under a version that is still current is as good however old it is: the timeouts only bound
    # how long the pages of old versions linger. In a worker's own cache, where PAGE_CACHE_SIZE bounds the pages
    # kept and the soonest to expire go first, that is a month; in a shared Redis, a day.
    if redis_url:
        settings.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_url, CACHE_DEFAULT_TIMEOUT=24 * 60 * 60)
        shared.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_url, CACHE_DEFAULT_TIMEOUT=60 * 60)
    else:
        settings.update(
            CACHE_TYPE="SimpleCache",
            CACHE_THRESHOLD=app.config["PAGE_CACHE_SIZE"],
            CACHE_DEFAULT_TIMEOUT=30 * 24 * 60 * 60,
        )
        shared.update(CACHE_TYPE="SimpleCache", CACHE_THRESHOLD=256, CACHE_DEFAULT_TIMEOUT=60 * 60)
    page_cache.init_app(app, config=settings)
    # Each value says how long it stands (a timeout when set); the default only bounds a value set without one.
    shared_cache.init_app(app, config=shared)


def _personal() -> bool:
    """Whether this visitor's page holds something of theirs: they are signed in, or a message awaits them."""
    return bool(current_user.is_authenticated) or FLASHES in session


def _cache_key(allowed_args: tuple[str, ...]) -> str | None:
    """Where this page is kept, or None when it is not to be kept."""
    # Only the query values the page reads make different pages; any other query would only fill the cache.
    if not set(request.args) <= set(allowed_args):
        return None
    version = current_key()
    if version is None:
        return None
    return f"{version}:{request.path}?{request.query_string.decode('latin-1')}"


def _not_stored(body: str) -> Response:
    response = current_app.response_class(body, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def cached_page(*allowed_args: str) -> Callable[[Callable[P, str]], Callable[P, Response]]:
    """Serve a public page from the cache for anonymous visitors, answering conditional requests.

    `allowed_args` names the query values the page reads (the competency page's `level`).
    """

    def decorate(view: Callable[P, str]) -> Callable[P, Response]:
        @wraps(view)
        def serve(*args: P.args, **kwargs: P.kwargs) -> Response:
            if _personal():
                return _not_stored(view(*args, **kwargs))
            key = _cache_key(allowed_args)
            kept = cached(page_cache, key, "the page") if key is not None else None
            if kept is not None:
                body, etag = kept
            else:
                body = view(*args, **kwargs)
                if session.modified:
                    return _not_stored(body)
                etag = generate_etag(body.encode())
                if key is not None:
                    keep(page_cache, key, (body, etag))
            response = current_app.response_class(body, mimetype="text/html")
            response.set_etag(etag)
            response.cache_control.private = True
            response.cache_control.no_cache = True
            # A 304 with no body when the visitor's If-None-Match names this page, the page otherwise.
            response.make_conditional(request)
            return response

        return serve

    return decorate
