"""The version of every campaign's setup, one row whose token every change to a campaign, its criteria or its panels
replaces

Revision ID: 3c8e1f5a9b20
Revises: 2b7d4e9a1c05
Create Date: 2026-12-07 00:00:00.000000

"""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3c8e1f5a9b20"
down_revision = "2b7d4e9a1c05"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "setup_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_setup_versions")),
    )
    op.bulk_insert(table, [{"id": 1, "token": uuid.uuid4().hex, "changed_at": datetime.now(UTC)}])


def downgrade():
    op.drop_table("setup_versions")
