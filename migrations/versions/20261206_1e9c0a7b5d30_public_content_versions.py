"""The version of what the public pages show, one row whose token every change to them replaces

Revision ID: 1e9c0a7b5d30
Revises: 1a2b3c4d5e6f
Create Date: 2026-12-06 09:00:00.000000

"""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "1e9c0a7b5d30"
down_revision = "1a2b3c4d5e6f"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "public_content_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_content_versions")),
    )
    op.bulk_insert(table, [{"id": 1, "token": uuid.uuid4().hex, "changed_at": datetime.now(UTC)}])


def downgrade():
    op.drop_table("public_content_versions")
