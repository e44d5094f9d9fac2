"""The panel's text of a statement: each redacted range replaced, the original untouched, and the rules for adding
and removing redactions."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from recruit.extensions import db
from recruit.models import StatementRedaction
from recruit.services.errors import Refused
from recruit.services.fairness import redaction
from tests.factories import closed_campaign, sift_campaign
from tests.helpers import Statements


@pytest.mark.parametrize(
    "ranges, expected",
    [
        ([], "I am Priya Shah."),
        ([(5, 10)], "I am [redacted] Shah."),
        ([(11, 15), (5, 10)], "I am [redacted] [redacted]."),
        ([(0, 16)], "[redacted]"),
        ([(5, 99)], "I am [redacted]"),  # a range past the end (it cannot be saved) still hides the rest
    ],
)
def test_apply_ranges(ranges, expected):
    assert redaction.apply_ranges("I am Priya Shah.", ranges) == expected


def test_occurrences_every_or_first_exactly_as_typed():
    text = "Acme, acme and Acme."
    assert redaction.occurrences(text, "Acme", every=True) == [(0, 4), (15, 19)]
    assert redaction.occurrences(text, "Acme", every=False) == [(0, 4)]
    assert redaction.occurrences(text, "Zeta", every=True) == []


def test_the_panels_texts_of_many_statements_come_in_one_query(admin):
    setup = closed_campaign(admin, applications=3, members=1, keep_criteria=2)
    statements = [s for a in setup.applications for s in a.statements]
    for statement in statements:
        redaction.redact(admin, statement.application, statement.id, [(0, 8)], "spans")
    originals = [s.text for s in statements]  # loaded again after the commits, before counting
    with Statements() as queries:
        texts = redaction.panel_texts(statements)
    assert queries.count == 1
    assert all(text.startswith("[redacted]") for text in texts.values())
    assert all(not text.startswith("[redacted]") for text in originals)  # the original is kept


def test_no_redaction_once_the_sift_has_started(admin):
    setup = sift_campaign(admin, applications=1, members=1, keep_criteria=1)
    application = setup.applications[0]
    statement = application.statements[0]
    with pytest.raises(Refused, match="before the sift starts"):
        redaction.redact(admin, application, statement.id, [(0, 8)], "spans")
    assert db.session.scalar(select(func.count()).select_from(StatementRedaction)) == 0
