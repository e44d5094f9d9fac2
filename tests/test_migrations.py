"""Migrations are the schema: an empty database upgraded to head matches the models exactly."""

import os
import uuid
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from recruit import create_app
from recruit.config import TestConfig
from recruit.extensions import db


@pytest.fixture
def empty_database_url(tmp_path):
    url = os.environ.get("DATABASE_URL")
    if not url or make_url(url).get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"recruit_migration_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_empty_database_to_head_matches_models(empty_database_url):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
            tables = set(inspect(connection).get_table_names())
        db.engine.dispose()
    assert differences == []
    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables


ADVERT, BEFORE_ADVERT = "a16d7e2b3c41", "c4a8e2f71b90"
ADVERT_COLUMNS = {
    "other_locations",
    "salary_min",
    "salary_max",
    "salary_currency",
    "pay_notes",
    "contract_type",
    "contract_months",
    "security_clearance",
    "nationality_requirements",
    "contact_name",
    "contact_email",
}


def _a_campaign_as_before_the_advert(connection) -> None:
    connection.execute(
        text(
            "INSERT INTO frameworks (id, slug, name, source, licence, description) "
            "VALUES (1, 'f', 'Framework', '', '', '')"
        )
    )
    connection.execute(
        text("INSERT INTO scoring_scales (id, slug, name, description, is_default) VALUES (1, 's', 'Scale', '', true)")
    )
    connection.execute(
        text(
            "INSERT INTO campaigns (id, reference, title, organisation, location, posts, description, status, "
            "framework_id, scale_id, discrepancy_threshold, created_at) VALUES (1, 'VAC-2026-0001', 'Caseworker', "
            "'Child Maintenance Group', 'Glasgow', 2, 'Help families.', 'open', 1, 1, 2, :now)"
        ),
        {"now": datetime(2026, 11, 1, 9, 0, tzinfo=UTC)},
    )


def test_the_advert_fields_migrate_up_and_down_and_keep_existing_campaigns(empty_database_url):
    """Upgraded, a campaign made before the advert states none of it and still passes every check; downgraded, it
    is as it was. (Named revisions, not head: later migrations come after this one.)"""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision=BEFORE_ADVERT)
        with db.engine.begin() as connection:
            _a_campaign_as_before_the_advert(connection)
        upgrade(revision=ADVERT)
        with db.engine.connect() as connection:
            row = connection.execute(text("SELECT * FROM campaigns WHERE id = 1")).mappings().one()
            tables = set(inspect(connection).get_table_names())
        assert "campaign_working_patterns" in tables
        assert (row["location"], row["other_locations"], row["salary_currency"]) == ("Glasgow", "", "GBP")
        assert row["salary_min"] is None and row["contract_type"] is None and row["security_clearance"] is None
        assert row["nationality_requirements"] == row["contact_name"] == row["contact_email"] == row["pay_notes"] == ""
        for change in (
            "salary_min = 30000, salary_max = 28000",
            "salary_min = -1, salary_max = 28000",
            "salary_min = 28000",
            "contract_type = 'fixed_term'",
            "contract_type = 'permanent', contract_months = 12",
            "contract_type = 'zero_hours'",
            "security_clearance = 'top_secret'",
            "salary_currency = 'EUR'",
        ):
            with pytest.raises(IntegrityError), db.engine.begin() as connection:
                connection.execute(text(f"UPDATE campaigns SET {change} WHERE id = 1"))
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "UPDATE campaigns SET salary_min = 28000, salary_max = 31000, contract_type = 'fixed_term', "
                    "contract_months = 12, security_clearance = 'sc' WHERE id = 1"
                )
            )
            connection.execute(text("INSERT INTO campaign_working_patterns VALUES (1, 'part_time')"))
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(text("INSERT INTO campaign_working_patterns VALUES (1, 'weekends')"))
        downgrade(revision=BEFORE_ADVERT)
        with db.engine.connect() as connection:
            row = connection.execute(text("SELECT * FROM campaigns WHERE id = 1")).mappings().one()
            tables = set(inspect(connection).get_table_names())
            checks = {check["name"] for check in inspect(connection).get_check_constraints("campaigns")}
        db.engine.dispose()
    assert "campaign_working_patterns" not in tables
    assert not ADVERT_COLUMNS & set(row.keys())
    assert (row["reference"], row["location"], row["status"]) == ("VAC-2026-0001", "Glasgow", "open")
    assert not {name for name in checks if "salary" in name or "contract" in name or "clearance" in name}
