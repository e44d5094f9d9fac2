"""Absolute links for emails, built from the configured BASE_URL and never from the request's Host header,
and the host names the app answers to (Flask's TRUSTED_HOSTS), taken from the same setting."""

from __future__ import annotations

from typing import Any
from urllib.parse import SplitResult, urlsplit

from flask import Flask, current_app

from recruit.config import DEVELOPMENT_BASE_URL

# Outside production the test client ("localhost") and `flask run` ("127.0.0.1") are served as well.
LOCAL_HOSTS = ("localhost", "127.0.0.1")


def parse_base_url(value: str) -> SplitResult:
    """BASE_URL split into its parts; a value that cannot be the root of a web address stops the app."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number in range)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or parts.username
        or parts.password
    ):
        raise RuntimeError(
            f"BASE_URL must be the address people use to reach Recruit, like https://recruit.example.org "
            f"(no query, fragment or user name), not {value!r}."
        )
    return parts


def init_links(app: Flask) -> None:
    base_url = app.config.get("BASE_URL") or DEVELOPMENT_BASE_URL
    parts = parse_base_url(base_url)
    app.config["BASE_URL"] = base_url.rstrip("/")
    if app.config.get("TRUSTED_HOSTS") is None:
        hosts = [parts.hostname, *app.config.get("EXTRA_TRUSTED_HOSTS", [])]
        if app.config["RECRUIT_ENV"] != "production":
            hosts += LOCAL_HOSTS
        app.config["TRUSTED_HOSTS"] = list(dict.fromkeys(hosts))


def absolute_url(endpoint: str, **values: Any) -> str:
    """The full address of a page, for a link someone follows from an email."""
    parts = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)
