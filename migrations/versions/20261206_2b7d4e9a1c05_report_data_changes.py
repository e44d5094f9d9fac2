"""Report data changes: which applications each version of a campaign's report data changed, for figures kept
from a whole stage to read again only those

Revision ID: 2b7d4e9a1c05
Revises: 1e9c0a7b5d30
Create Date: 2026-12-06 16:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "2b7d4e9a1c05"
down_revision = "1e9c0a7b5d30"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_data_changes",
        sa.Column("campaign_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("application_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_report_data_changes_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "version", "application_id", name=op.f("pk_report_data_changes")),
    )


def downgrade():
    op.drop_table("report_data_changes")
