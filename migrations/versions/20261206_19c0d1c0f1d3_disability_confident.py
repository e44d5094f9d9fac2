"""Disability Confident: candidates' opt-ins, apart from the application, and the campaign's guarantee settings

Revision ID: 19c0d1c0f1d3
Revises: 19a0d1e5c0a1
Create Date: 2026-12-06 05:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "19c0d1c0f1d3"
down_revision = "19a0d1e5c0a1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "disability_confident_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("opted_in", sa.Boolean(), nullable=False),
        sa.Column("opted_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("invited_under_guarantee", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("not_invited_reason", sa.Text(), nullable=False),
        sa.Column("not_invited_by_id", sa.Integer(), nullable=True),
        sa.Column("not_invited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(opted_in_at IS NULL) = (NOT opted_in)",
            name=op.f("ck_disability_confident_claims_opted_in_at_when_opted_in"),
        ),
        sa.CheckConstraint(
            "(not_invited_at IS NULL) = (not_invited_reason = '') "
            "AND (not_invited_at IS NULL) = (not_invited_by_id IS NULL)",
            name=op.f("ck_disability_confident_claims_not_invited_record_complete"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_disability_confident_claims_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["not_invited_by_id"], ["users.id"], name=op.f("fk_disability_confident_claims_not_invited_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disability_confident_claims")),
        sa.UniqueConstraint("application_id", name=op.f("uq_disability_confident_claims_application_id")),
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disability_confident", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("disability_confident_minimum", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            "disability_confident_minimum_not_negative",
            "disability_confident_minimum IS NULL OR disability_confident_minimum >= 0",
        )


def downgrade():
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_campaigns_disability_confident_minimum_not_negative"), type_="check")
        batch_op.drop_column("disability_confident_minimum")
        batch_op.drop_column("disability_confident")
    op.drop_table("disability_confident_claims")
