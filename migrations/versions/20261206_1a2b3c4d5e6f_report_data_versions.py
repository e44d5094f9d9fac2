"""Report data versions: a counter per campaign moved on by every write a report can show, and the version each
kept report was made from

Revision ID: 1a2b3c4d5e6f
Revises: 19d0e1a5c7e2
Create Date: 2026-12-06 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "1a2b3c4d5e6f"
down_revision = "19d0e1a5c7e2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_data_versions",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_report_data_versions_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", name=op.f("pk_report_data_versions")),
    )
    # Versions kept before the counter existed are of no known version: checked once against the data.
    with op.batch_alter_table("rendered_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("data_version", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("rendered_reports", schema=None) as batch_op:
        batch_op.drop_column("data_version")
    op.drop_table("report_data_versions")
