"""Templates are strict: an undefined variable or attribute raises instead of rendering blank."""

import pytest
from jinja2 import UndefinedError


def render(app, source: str, **context) -> str:
    with app.test_request_context():
        return app.jinja_env.from_string(source).render(**context)


def test_undefined_variable_raises(app):
    with pytest.raises(UndefinedError):
        render(app, "{{ not_defined }}")


def test_missing_attribute_of_an_object_raises(app):
    class Thing:
        name = "x"

    with pytest.raises(UndefinedError):
        render(app, "{{ thing.nmae }}", thing=Thing())


def test_missing_key_of_macro_parameters_is_empty(app):
    # The GOV.UK macros read optional parameters from dicts, as in Nunjucks.
    assert render(app, "[{{ params.classes }}]{% if params.x %}x{% endif %}", params={}) == "[]"


def test_govuk_macros_render_under_strict_mode(app):
    html = render(
        app,
        '{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}'
        '{{ govukButton({"text": "Continue"}) }}',
    )
    assert "govuk-button" in html and "Continue" in html


def test_form_inputs_render_enabled_with_their_values(forms, make_user, client):
    """The GOV.UK macros print optional attributes only when given: no stray disabled="" or empty values."""
    from bs4 import BeautifulSoup

    forms.sign_in(make_user(role="admin"))
    response = forms.submit("/account/password", {"current_password": "", "new_password": ""})
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    inputs = soup.select("input.govuk-input")
    assert len(inputs) == 2
    for field in inputs:
        assert not field.has_attr("disabled"), field
        assert not field.has_attr("pattern") and not field.has_attr("inputmode"), field
    soup = BeautifulSoup(client.get("/admin/audit?user=shown@example.org").get_data(as_text=True), "html.parser")
    assert soup.select_one("input#user")["value"] == "shown@example.org"
