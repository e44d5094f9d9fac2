"""Rendered PDF reports kept until their data changes; legal hold and erasure on campaigns

Revision ID: 97f495dc55bf
Revises: 12ec93c9316c
Create Date: 2026-11-22 12:59:56.832544

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "97f495dc55bf"
down_revision = "12ec93c9316c"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rendered_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'rendering', 'ready', 'failed')", name=op.f("ck_rendered_reports_status_known")
        ),
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name=op.f("ck_rendered_reports_progress_range")),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_rendered_reports_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_rendered_reports_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rendered_reports")),
        sa.UniqueConstraint(
            "campaign_id", "kind", "subject", name=op.f("uq_rendered_reports_campaign_id_kind_subject")
        ),
    )
    with op.batch_alter_table("rendered_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rendered_reports_campaign_id"), ["campaign_id"], unique=False)

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("legal_hold", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("legal_hold_reason", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("legal_hold_set_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("legal_hold_set_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("personal_data_erased_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_campaigns_legal_hold_set_by_id_users"), "users", ["legal_hold_set_by_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_campaigns_legal_hold_set_by_id_users"), type_="foreignkey")
        batch_op.drop_column("personal_data_erased_at")
        batch_op.drop_column("legal_hold_set_by_id")
        batch_op.drop_column("legal_hold_set_at")
        batch_op.drop_column("legal_hold_reason")
        batch_op.drop_column("legal_hold")

    with op.batch_alter_table("rendered_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rendered_reports_campaign_id"))

    op.drop_table("rendered_reports")
