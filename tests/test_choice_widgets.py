"""The scoring pages' checkboxes and radios, rendered once for each set of choices and then ticked, give exactly the
markup of govuk-frontend-wtf's macros: whatever is ticked, with an error, with hints, and after the list was cached
with other ticks. So does a text area kept once and given what each page has typed, and a hidden input written out
directly gives WTForms' own."""

from __future__ import annotations

import pytest
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSubmitInput, GovTextArea
from markupsafe import Markup
from wtforms import HiddenField, RadioField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import InputRequired

from recruit.choice_widgets import Checkboxes, Hidden, Radios, Submit, TextArea
from recruit.forms import Form

INDICATORS = [
    (11, "Understands the strategic drivers for their area of work & the team's priorities"),
    (12, 'Explains "why" decisions are made, in plain words <not jargon>'),
    (13, "Listens to customers' views"),
    (14, "Takes responsibility for the quality of their own work"),
]
POINTS = [(1, "1 – Little evidence"), (2, "2 – Limited"), (3, "3 – Moderate"), (4, "4 – Acceptable")]


class IndicatorForm(Form):
    fast = SelectMultipleField("Effective indicators evidenced", coerce=int, widget=Checkboxes())
    macro = SelectMultipleField("Effective indicators evidenced", coerce=int, widget=GovCheckboxesInput())


class ScaleForm(Form):
    fast = RadioField("Score", coerce=int, widget=Radios())
    macro = RadioField("Score", coerce=int, widget=GovRadioInput())


def checkbox_params(legend: str) -> dict:
    return {
        "classes": "govuk-checkboxes--small",
        "fieldset": {
            "legend": {
                "html": Markup("Effective indicators evidenced") + Markup(legend),
                "classes": "govuk-fieldset__legend--s",
            }
        },
    }


def radio_params(form: ScaleForm) -> dict:
    items = [
        {
            "value": value,
            "text": text,
            "hint": {"text": f"Descriptor of {value} & more"},
            "checked": form.fast.data == value,
        }
        for value, text in POINTS
    ]
    return {
        "classes": "govuk-radios--small",
        "fieldset": {"legend": {"html": Markup("Score"), "classes": "govuk-fieldset__legend--s"}},
        "items": items,
    }


@pytest.mark.parametrize(
    "ticked",
    [[], [11], [12, 13], [14], [11, 12, 13, 14]],
    ids=["none ticked", "the first", "two in the middle", "the last", "all"],
)
@pytest.mark.parametrize("error", [None, "Effective indicators: select only indicators at this level"])
def test_indicator_checkboxes_are_the_macros_markup(app, ticked, error):
    legend = '<span class="govuk-visually-hidden"> for Seeing the Big Picture</span>'
    with app.test_request_context():
        form = IndicatorForm(meta={"csrf": False})
        for field in (form.fast, form.macro):
            field.choices = INDICATORS
        # First the list with nothing ticked, so that the ticked rendering below comes from the cache.
        fast = form.fast(params=checkbox_params(legend))
        assert 'type="checkbox"' in fast and " checked" not in fast
        for field in (form.fast, form.macro):
            field.data = ticked
            field.errors = [error] if error else []
        fast = form.fast(params=checkbox_params(legend))
        expected = str(form.macro(params=checkbox_params(legend))).replace(
            "macro", "fast"
        )  # the same field under the other name
        assert str(fast) == expected
        assert fast.count(" checked") == len(ticked)
        assert ("govuk-error-message" in fast) == bool(error)


@pytest.mark.parametrize("chosen", [None, 1, 3, 4])
@pytest.mark.parametrize("error", [None, "Select a score"])
def test_scale_radios_are_the_macros_markup(app, chosen, error):
    with app.test_request_context():
        form = ScaleForm(meta={"csrf": False})
        for field in (form.fast, form.macro):
            field.choices = POINTS
            field.data = chosen
            field.errors = [error] if error else []
        fast = form.fast(params=radio_params(form))
        again = form.fast(params=radio_params(form))  # from the cache
        expected = str(form.macro(params=radio_params(form))).replace(
            "macro", "fast"
        )  # the same field under the other name
        assert str(fast) == str(again) == expected
        assert fast.count(" checked") == (1 if chosen else 0)
        assert "Descriptor of 3 &amp; more" in fast


def test_a_changed_choice_is_rendered_afresh_not_taken_from_the_cache(app):
    with app.test_request_context():
        form = IndicatorForm(meta={"csrf": False})
        form.fast.choices = INDICATORS
        before = form.fast(params=checkbox_params(""))
        form.fast.choices = [*INDICATORS[:3], (14, "Takes responsibility for their team's work")]
        after = form.fast(params=checkbox_params(""))
    assert "quality of their own work" in before and "quality of their own work" not in after
    assert "their team&#39;s work" in after


def test_a_kept_list_is_ticked_without_building_option_fields(app, monkeypatch):
    with app.test_request_context():
        form = IndicatorForm(meta={"csrf": False})
        for field in (form.fast, form.macro):
            field.choices = INDICATORS
        form.fast(params=checkbox_params(""))  # the full path: the list is kept, and the shortcut to it
        for field in (form.fast, form.macro):
            field.data = [12, 14]

        def no_options(_field):
            raise AssertionError("option fields built for a kept list")

        monkeypatch.setattr(SelectMultipleField, "__iter__", no_options)
        fast = form.fast(params=checkbox_params(""))
        monkeypatch.undo()
        expected = str(form.macro(params=checkbox_params(""))).replace("macro", "fast")
    assert str(fast) == expected and fast.count(" checked") == 2


def test_a_tick_the_page_gives_wins_over_the_fields_data_as_in_the_macro(app):
    with app.test_request_context():
        form = ScaleForm(meta={"csrf": False})
        for field in (form.fast, form.macro):
            field.choices = POINTS
            field.data = 2
        params = radio_params(form)
        form.fast(params=radio_params(form))  # kept, ticks as the data says
        for item in params["items"]:
            item["checked"] = item["value"] == 4  # the page ticks another point
        fast = form.fast(params={**params, "items": [dict(item) for item in params["items"]]})
        expected = str(form.macro(params={**params, "items": [dict(item) for item in params["items"]]}))
    assert str(fast) == expected.replace("macro", "fast")
    assert fast.count(" checked") == 1 and 'value="4" checked' in fast


class RationaleForm(Form):
    fast = TextAreaField("Rationale", widget=TextArea())
    macro = TextAreaField("Rationale", widget=GovTextArea())


def rationale_params(suffix: str) -> dict:
    return {
        "rows": 6,
        "label": {"html": Markup("Rationale") + Markup(suffix), "classes": "govuk-label--s"},
        "hint": {"text": "Why this score, against the indicators. Required to submit."},
    }


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "Clear example at the required level.",
        "\nStarts on a new line, & ends with two.\n\n",
        "<script>alert('x')</script> \"quoted\" & <b>bold</b>",
        Markup("<em>markup given as the value</em>"),
    ],
    ids=["empty", "plain", "new lines", "markup characters typed", "markup"],
)
@pytest.mark.parametrize("error", [None, "Rationale: enter why you gave this score"])
def test_a_text_area_is_the_macros_markup_whatever_is_typed(app, typed, error):
    suffix = '<span class="govuk-visually-hidden"> for Seeing the Big Picture</span>'
    with app.test_request_context():
        form = RationaleForm(meta={"csrf": False})
        for field in (form.fast, form.macro):
            field.errors = [error] if error else []
        # First with something else typed, so that the rendering below comes from what was kept.
        form.fast.data = "Something else & more"
        assert "Something else &amp; more</textarea>" in form.fast(params=rationale_params(suffix))
        for field in (form.fast, form.macro):
            field.data = typed
        fast = form.fast(params=rationale_params(suffix))
        macro = str(form.macro(params=rationale_params(suffix))).replace("macro", "fast")  # the other field's name
    assert str(fast) == str(macro)
    assert "<script>" not in fast
    if error:
        assert error in fast


def test_a_text_area_given_no_text_is_left_to_the_macro(app):
    with app.test_request_context():
        form = RationaleForm(meta={"csrf": False})
        params = {"label": {"text": "Rationale"}, "value": None}
        assert TextArea().render({**params, "id": "fast", "name": "fast"}) == GovTextArea().render(
            {**params, "id": "fast", "name": "fast"}
        )
        assert str(form.fast()) == str(form.macro()).replace("macro", "fast")


class HiddenForm(Form):
    fast = HiddenField(widget=Hidden())
    plain = HiddenField()
    required = HiddenField(widget=Hidden(), validators=[InputRequired()])
    required_plain = HiddenField(validators=[InputRequired()])


@pytest.mark.parametrize("value", [None, "", "0", "12", '3" onfocus="alert(1)', "<b>&amp;</b>"])
def test_a_hidden_input_is_wtforms_markup(app, value):
    with app.test_request_context("/"):
        form = HiddenForm(data={"fast": value, "plain": value, "required": value, "required_plain": value})
        assert str(form.fast()) == str(form.plain()).replace('id="plain" name="plain"', 'id="fast" name="fast"')
        assert str(form.fast) == str(form.fast())
        # Attributes given to the call, or taken from a field's flags, are WTForms' to write.
        assert str(form.fast(class_="x")) == str(form.plain(class_="x")).replace("plain", "fast")
        assert str(form.required()) == str(form.required_plain()).replace("required_plain", "required")
    if value and "<" in value:
        assert "<b>" not in str(form.fast())


class ButtonForm(Form):
    fast = SubmitField("Submit scores", widget=Submit())
    macro = SubmitField("Submit scores", widget=GovSubmitInput())


@pytest.mark.parametrize(
    "params",
    [None, {"classes": "govuk-button--secondary"}, {"preventDoubleClick": True, "text": "Save <draft> & go"}],
    ids=["plain", "secondary", "own text"],
)
@pytest.mark.parametrize("pressed", [False, True])
def test_a_button_is_the_macros_markup(app, params, pressed):
    data = {"fast": "Submit scores", "macro": "Submit scores"} if pressed else {}
    with app.test_request_context("/", method="POST", data=data):
        form = ButtonForm(meta={"csrf": False})
        kwargs = {"params": dict(params)} if params else {}
        fast, again = form.fast(**kwargs), form.fast(**({"params": dict(params)} if params else {}))
        macro = str(form.macro(**({"params": dict(params)} if params else {}))).replace("macro", "fast")
    assert str(fast) == str(again) == macro
    assert ('value="Submit scores"' in fast) == pressed
