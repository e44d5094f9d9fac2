"""Vacancy advert fields: salary range and pay notes, contract type and length, working patterns, further
locations, security clearance, nationality requirements and a contact for questions

Campaigns made before this revision keep their rows as they are: the new columns are empty, which the pages show
as "not stated" until an admin fills them in.

Revision ID: a16d7e2b3c41
Revises: c4a8e2f71b90
Create Date: 2026-12-05 21:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a16d7e2b3c41"
down_revision = "c4a8e2f71b90"
branch_labels = None
depends_on = None

# Written out rather than imported from the models: a migration keeps meaning what it meant when written.
CONTRACT_TYPES = "'permanent', 'fixed_term', 'loan'"
WORKING_PATTERNS = "'full_time', 'part_time', 'job_share', 'flexible'"
CLEARANCES = "'bpss', 'ctc', 'sc', 'dv', 'none'"


def upgrade():
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("other_locations", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("salary_min", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("salary_max", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("salary_currency", sa.String(length=3), nullable=False, server_default="GBP"))
        batch_op.add_column(sa.Column("pay_notes", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("contract_type", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("contract_months", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("security_clearance", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("nationality_requirements", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("contact_name", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("contact_email", sa.String(length=254), nullable=False, server_default=""))
        batch_op.create_check_constraint("salary_both_or_neither", "(salary_min IS NULL) = (salary_max IS NULL)")
        batch_op.create_check_constraint(
            "salary_range",
            "salary_min IS NULL OR (salary_min >= 0 AND salary_min <= salary_max AND salary_max <= 1000000)",
        )
        batch_op.create_check_constraint("salary_currency_known", "salary_currency = 'GBP'")
        batch_op.create_check_constraint("contract_type_known", f"contract_type IN ({CONTRACT_TYPES})")
        batch_op.create_check_constraint(
            "contract_months_when_fixed_term",
            "(COALESCE(contract_type, '') = 'fixed_term') = (contract_months IS NOT NULL)",
        )
        batch_op.create_check_constraint(
            "contract_months_range", "contract_months IS NULL OR (contract_months >= 1 AND contract_months <= 60)"
        )
        batch_op.create_check_constraint("security_clearance_known", f"security_clearance IN ({CLEARANCES})")

    op.create_table(
        "campaign_working_patterns",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("pattern", sa.String(length=20), nullable=False),
        sa.CheckConstraint(f"pattern IN ({WORKING_PATTERNS})", name=op.f("ck_campaign_working_patterns_pattern_known")),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_working_patterns_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "pattern", name=op.f("pk_campaign_working_patterns")),
    )


def downgrade():
    op.drop_table("campaign_working_patterns")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        for name in (
            "security_clearance_known",
            "contract_months_range",
            "contract_months_when_fixed_term",
            "contract_type_known",
            "salary_currency_known",
            "salary_range",
            "salary_both_or_neither",
        ):
            batch_op.drop_constraint(op.f(f"ck_campaigns_{name}"), type_="check")
        for column in (
            "contact_email",
            "contact_name",
            "nationality_requirements",
            "security_clearance",
            "contract_months",
            "contract_type",
            "pay_notes",
            "salary_currency",
            "salary_max",
            "salary_min",
            "other_locations",
        ):
            batch_op.drop_column(column)
