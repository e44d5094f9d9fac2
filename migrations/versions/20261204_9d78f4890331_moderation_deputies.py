"""Moderation deputies: the panel member an admin names to moderate an application whose chair declared a
conflict of interest with the candidate

Revision ID: 9d78f4890331
Revises: 5e3a9c1d7b42
Create Date: 2026-12-04 19:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9d78f4890331"
down_revision = "5e3a9c1d7b42"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "moderation_deputies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=False),
        sa.Column("named_by_id", sa.Integer(), nullable=False),
        sa.Column("named_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("stage IN ('sift', 'interview')", name=op.f("ck_moderation_deputies_stage_known")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_moderation_deputies_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["deputy_id"], ["users.id"], name=op.f("fk_moderation_deputies_deputy_id_users")),
        sa.ForeignKeyConstraint(["named_by_id"], ["users.id"], name=op.f("fk_moderation_deputies_named_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_deputies")),
        sa.UniqueConstraint("application_id", "stage", name=op.f("uq_moderation_deputies_application_id_stage")),
    )
    with op.batch_alter_table("moderation_deputies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_moderation_deputies_deputy_id"), ["deputy_id"], unique=False)


def downgrade():
    with op.batch_alter_table("moderation_deputies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_deputies_deputy_id"))

    op.drop_table("moderation_deputies")
