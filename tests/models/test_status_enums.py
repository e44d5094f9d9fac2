"""Each status column has one enum; the database's CHECK allows exactly its values, and each value has a label."""

import re

import pytest
from sqlalchemy import inspect

from recruit.extensions import db
from recruit.labels import STATUS_LABELS
from recruit.models.application import ApplicationStatus
from recruit.models.campaign import CampaignStatus
from recruit.models.interview import OfferStatus, SlotStatus
from recruit.models.notification import NotificationStatus
from recruit.models.report import ReportStatus
from recruit.models.scoring import AgreedScoreStatus, ScoreStatus
from recruit.models.types import Status

COLUMNS = [
    ("campaigns", "status", CampaignStatus),
    ("campaign_status_changes", "from_status", CampaignStatus),
    ("campaign_status_changes", "to_status", CampaignStatus),
    ("applications", "status", ApplicationStatus),
    ("applications", "withdrawn_from", ApplicationStatus),
    ("scores", "status", ScoreStatus),
    ("score_versions", "status", ScoreStatus),
    ("benchmark_scores", "status", ScoreStatus),
    ("agreed_scores", "status", AgreedScoreStatus),
    ("interview_slots", "status", SlotStatus),
    ("offers", "status", OfferStatus),
    ("rendered_reports", "status", ReportStatus),
    ("notifications", "status", NotificationStatus),
]


@pytest.mark.parametrize(("table", "column", "enum"), COLUMNS, ids=[f"{t}.{c}" for t, c, _ in COLUMNS])
def test_the_migrated_database_allows_exactly_the_enum_values(app, table, column, enum):
    with app.app_context():
        checks = {
            check["name"]: check["sqltext"] for check in inspect(db.session.connection()).get_check_constraints(table)
        }
    name = f"ck_{table}_{column}_known"
    assert name in checks, f"{table}.{column} has no check of its values"
    # SQLite keeps the text as written; PostgreSQL rewrites it as = ANY (ARRAY[...]): both quote each value.
    assert set(re.findall(r"'([a-z_]+)'", checks[name])) == {member.value for member in enum}


def test_every_status_column_in_the_models_is_covered():
    covered = {(table, column) for table, column, _ in COLUMNS}
    found = {
        (table.name, column.name)
        for table in db.metadata.sorted_tables
        for column in table.columns
        if column.name.endswith("status") or column.name == "withdrawn_from"
    }
    assert found == covered


def test_every_status_has_a_plain_english_label():
    for enum in Status.__subclasses__():
        for member in enum:
            assert member.value in STATUS_LABELS, f"{enum.__name__}.{member.name} has no label"
            assert member.label == STATUS_LABELS[member.value]
            assert "_" not in member.label and member.label[0].isupper()
