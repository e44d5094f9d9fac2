"""Who may use each route, declared where the route is defined, and checked on every request.

Every view carries one of @public, @signed_in or @roles(...). A test walks the URL map
and fails on any route without a declaration. Object access (which records a person
may see) is decided by one helper per kind of record, next to the services for it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar
from urllib.parse import unquote

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

P = ParamSpec("P")
R = TypeVar("R")
View = TypeVar("View", bound=Callable[..., Any])

ACCESS_ATTRIBUTE = "recruit_access"
# Views a signed-in member of staff can reach before setting up two-factor authentication.
MFA_EXEMPT_ATTRIBUTE = "recruit_mfa_exempt"


def public(view: View) -> View:
    setattr(view, ACCESS_ATTRIBUTE, ("public",))
    return view


# Longer than any page address of ours with its query; a longer `next` is not one we made.
MAX_NEXT_LENGTH = 2000
# Layers of percent-encoding looked through; a link of ours has at most one inside `next`.
MAX_ENCODING_LAYERS = 4


def safe_next(target: str | None) -> str | None:
    r"""The same-site path to go to after sign-in, or None to ignore `next`.

    Browsers drop tabs and newlines inside an address and read a backslash as a slash, so
    "/\t/evil.example" and "/\evil.example" lead to another site. Rather than repair such a value,
    anything a browser, a proxy or a later redirect could read as another site is ignored: the
    value and each percent-decoded form of it must be a plain path that starts with exactly one
    slash and holds no control characters or backslashes.
    """
    if not isinstance(target, str) or not target or len(target) > MAX_NEXT_LENGTH:
        return None
    candidate = target
    for _ in range(MAX_ENCODING_LAYERS):
        if not _is_plain_path(candidate):
            return None
        decoded = unquote(candidate)
        if decoded == candidate:
            return target
        candidate = decoded
    return None


def _is_plain_path(value: str) -> bool:
    if not value.startswith("/") or value[1:2] == "/" or "\\" in value:
        return False
    # Control and format characters (tab, newline, NUL, zero-width, lone surrogates) have no place in a path.
    return not any(unicodedata.category(character).startswith("C") for character in value)


def _guard(view: Callable[P, R], allowed_roles: tuple[str, ...] | None) -> Callable[P, R | Response]:
    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | Response:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        if allowed_roles is not None and current_user.role not in allowed_roles:
            abort(403)
        if (
            current_app.config.get("REQUIRE_STAFF_MFA")
            and current_user.is_staff
            and not current_user.has_two_factor
            and not getattr(view, MFA_EXEMPT_ATTRIBUTE, False)
        ):
            return redirect(url_for("auth.two_factor_setup"))
        return view(*args, **kwargs)

    setattr(wrapper, ACCESS_ATTRIBUTE, ("signed-in",) if allowed_roles is None else ("roles", *allowed_roles))
    return wrapper


def signed_in(view: Callable[P, R]) -> Callable[P, R | Response]:
    return _guard(view, None)


def roles(*names: str) -> Callable[[Callable[P, R]], Callable[P, R | Response]]:
    def decorate(view: Callable[P, R]) -> Callable[P, R | Response]:
        return _guard(view, names)

    return decorate


def mfa_exempt(view: View) -> View:
    """Reachable by staff who still have to set up two-factor (the set-up pages themselves, sign-out)."""
    setattr(view, MFA_EXEMPT_ATTRIBUTE, True)
    return view


def declared_access(app: Flask, endpoint: str) -> tuple[str, ...] | None:
    if endpoint == "static":
        return ("public",)
    return getattr(app.view_functions[endpoint], ACCESS_ATTRIBUTE, None)


def undeclared_endpoints(app: Flask) -> list[str]:
    return sorted({rule.endpoint for rule in app.url_map.iter_rules() if declared_access(app, rule.endpoint) is None})
