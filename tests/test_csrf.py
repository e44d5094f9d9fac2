"""Every state-changing form is protected: with CSRF on (as it is in every test), a POST without
a valid token is refused with 400 and changes nothing."""

import pytest
from sqlalchemy import func, select

from recruit.extensions import db
from recruit.models import AuditEvent, User


def post_routes(app) -> list[str]:
    rules = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]
    urls = []
    for rule in rules:
        values = {arg: (1 if "id" in arg else "x") for arg in rule.arguments}
        urls.append(rule.build(values)[1] if values else rule.rule)
    return urls


def test_there_are_post_routes_to_check(app):
    assert len(post_routes(app)) >= 10


@pytest.mark.parametrize("signed_in_as", [None, "admin"])
@pytest.mark.parametrize("token", [None, "made-up-token"])
def test_post_without_a_valid_token_is_refused(app, forms, client, make_user, signed_in_as, token):
    if signed_in_as:
        forms.sign_in(make_user(role=signed_in_as))
    counts = (db.session.scalar(select(func.count(User.id))), db.session.scalar(select(func.count(AuditEvent.id))))
    for url in post_routes(app):
        data = {} if token is None else {"csrf_token": token}
        response = client.post(url, data=data)
        assert response.status_code == 400, url
    assert counts == (
        db.session.scalar(select(func.count(User.id))),
        db.session.scalar(select(func.count(AuditEvent.id))),
    )


def test_token_from_another_session_is_refused(app, forms, make_user):
    other = app.test_client()
    from tests.helpers import csrf_token_from

    stolen = csrf_token_from(other.get("/sign-in").get_data(as_text=True))
    user = make_user()
    response = forms.client.post(
        "/sign-in", data={"csrf_token": stolen, "email": user.email, "password": "granite orchid lantern ninety-seven"}
    )
    assert response.status_code == 400
