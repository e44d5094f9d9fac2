"""A URL pattern gives, for any values, exactly the link `url_for` gives: the board's and work list's row links are
built from one."""

from __future__ import annotations

import random

import pytest
from flask import url_for

from recruit.url_patterns import UrlPattern

AWKWARD = [
    "SIFT-00042",
    "a b",
    "50% off",
    "slash/inside",
    "question?mark",
    "hash#tag",
    "amp&ersand=1",
    "Łódź – café",
    "plus+sign",
    "quote'\"<tag>",
    "~tilde_under.dot-dash",
    "",
]


@pytest.mark.parametrize("reference", AWKWARD)
def test_a_path_part_is_quoted_as_url_for_quotes_it(app, reference):
    with app.test_request_context("/"):
        pattern = UrlPattern("moderate.item", ("reference", "code"), campaign_id=7, stage="sift", view="all", page=3)
        assert pattern(reference=reference, code="C1") == url_for(
            "moderate.item", campaign_id=7, stage="sift", reference=reference, code="C1", view="all", page=3
        )


def test_random_values_match_url_for(app):
    picker = random.Random(20)
    alphabet = "abcXYZ019 -_.~!$&'()*+,;=:@/?#%[]\"<>é€😀"
    with app.test_request_context("/"):
        work = UrlPattern("assess.score", ("reference",), campaign_id=1, stage="interview", code="LEAD", by="criterion")
        board = UrlPattern("moderate.item", ("code", "reference"), campaign_id=2, stage="sift")
        for _ in range(300):
            reference = "".join(picker.choice(alphabet) for _ in range(picker.randint(1, 12)))
            code = "".join(picker.choice(alphabet) for _ in range(picker.randint(1, 6)))
            assert work(reference=reference) == url_for(
                "assess.score", campaign_id=1, stage="interview", reference=reference, code="LEAD", by="criterion"
            )
            assert board(reference=reference, code=code) == url_for(
                "moderate.item", campaign_id=2, stage="sift", reference=reference, code=code
            )


def test_a_query_argument_cannot_vary(app):
    with app.test_request_context("/"), pytest.raises(ValueError, match="'page' is not one part"):
        UrlPattern("assess.work", ("page",), campaign_id=1, stage="sift")


def test_every_varying_value_must_be_given(app):
    with app.test_request_context("/"):
        pattern = UrlPattern("moderate.item", ("reference", "code"), campaign_id=1, stage="sift")
        with pytest.raises(TypeError):
            pattern(reference="SIFT-1")
        with pytest.raises(TypeError):
            pattern(reference="SIFT-1", code="C1", page=2)
