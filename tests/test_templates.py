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


def test_kept_macros_write_what_the_macro_writes_and_fill_in_the_token(app):
    source = (
        '{% from "govuk_frontend_jinja/components/back-link/macro.html" import govukBackLink %}'
        "{{ govukBackLink(params) }}|{{ kept_macro(govukBackLink)(params) }}|{{ kept_macro(govukBackLink)(params) }}"
    )
    for href in ("/assess/1/sift", "/assess/2/sift?page=2&by=criterion"):
        macro, first, again = render(app, source, params={"href": href, "text": "Back to the list"}).split("|")
        assert first == again == macro and href.replace("&", "&amp;") in macro
    # Markup and text with the same characters are different parameters: one written as it is, one escaped.
    source = '{% from "govuk_frontend_jinja/components/back-link/macro.html" import govukBackLink %}'
    as_text = render(app, source + "{{ kept_macro(govukBackLink)({'text': '<b>x</b>'}) }}")
    as_html = render(app, source + "{{ kept_macro(govukBackLink)({'html': '<b>x</b>'}) }}")
    assert "&lt;b&gt;x&lt;/b&gt;" in as_text and "<b>x</b>" in as_html
    filled = render(
        app,
        source + "{{ kept_macro(govukBackLink)({'html': token_placeholder}, fill={token_placeholder: 'a\"b'}) }}",
    )
    assert "a&#34;b" in filled and "recruit-csrf-token" not in filled


def test_the_sign_out_form_carries_each_session_its_own_token(app, make_user):
    from bs4 import BeautifulSoup

    from tests.helpers import signed_in

    tokens = []
    for _ in range(2):
        forms = signed_in(app, make_user(role="admin"))
        page = BeautifulSoup(forms.client.get("/account").get_data(as_text=True), "html.parser")
        token = page.select_one("form[action='/sign-out'] input[name=csrf_token]")["value"]
        assert "recruit-csrf-token" not in token and len(token) > 20
        tokens.append(token)
        # The token the page gives signs the user out.
        assert forms.client.post("/sign-out", data={"csrf_token": token}).status_code == 302
    assert tokens[0] != tokens[1]


def test_a_kept_indicator_list_is_the_macros_and_follows_its_wording(app):
    from types import MappingProxyType

    from recruit.services.frameworks.indicator_lists import IndicatorText

    source = (
        '{% from "components/indicators.html" import indicator_lists %}'
        "{{ indicator_lists(lists, heading_level=4) }}|{{ kept_macro(indicator_lists)(lists, heading_level=4) }}"
    )
    for wording in ("Explains <why> & how", "Explains why, in plain words"):
        lists = MappingProxyType(
            {"effective": (IndicatorText(1, wording),), "ineffective": (IndicatorText(2, "Ignores the team"),)}
        )
        macro, kept = render(app, source, lists=lists).split("|")
        assert kept == macro and "<h4" in kept
        assert (wording.replace("<", "&lt;").replace(">", "&gt;").replace("& ", "&amp; ")) in kept
