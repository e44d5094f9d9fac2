"""The calibration round: benchmark answers per sift criterion, each panel member's scores for them, the agreed
benchmark score, and the campaign setting that makes the round required before the sift starts

Revision ID: 18ca1b0e7d42
Revises: f17c2a9d4e63
Create Date: 2026-12-06 01:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "18ca1b0e7d42"
down_revision = "f17c2a9d4e63"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "benchmark_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("agreed_value", sa.Integer(), nullable=True),
        sa.Column("agreed_notes", sa.Text(), nullable=False),
        sa.Column("agreed_by_id", sa.Integer(), nullable=True),
        sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(agreed_value IS NULL) = (agreed_at IS NULL)", name=op.f("ck_benchmark_answers_agreed_with_time")
        ),
        sa.CheckConstraint("length(label) > 0", name=op.f("ck_benchmark_answers_label_not_empty")),
        sa.CheckConstraint("length(text) > 0", name=op.f("ck_benchmark_answers_text_not_empty")),
        sa.ForeignKeyConstraint(["agreed_by_id"], ["users.id"], name=op.f("fk_benchmark_answers_agreed_by_id_users")),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_benchmark_answers_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_benchmark_answers_created_by_id_users")),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["criteria.id"],
            name=op.f("fk_benchmark_answers_criterion_id_criteria"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_benchmark_answers")),
        sa.UniqueConstraint("campaign_id", "label", name=op.f("uq_benchmark_answers_campaign_id_label")),
    )
    with op.batch_alter_table("benchmark_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_benchmark_answers_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_benchmark_answers_criterion_id"), ["criterion_id"], unique=False)
    op.create_table(
        "benchmark_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("benchmark_id", sa.Integer(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("ticked", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('draft', 'submitted')", name=op.f("ck_benchmark_scores_status_known")),
        sa.CheckConstraint(
            "status = 'draft' OR (value IS NOT NULL AND length(trim(rationale)) > 0)",
            name=op.f("ck_benchmark_scores_submitted_is_complete"),
        ),
        sa.ForeignKeyConstraint(["assessor_id"], ["users.id"], name=op.f("fk_benchmark_scores_assessor_id_users")),
        sa.ForeignKeyConstraint(
            ["benchmark_id"],
            ["benchmark_answers.id"],
            name=op.f("fk_benchmark_scores_benchmark_id_benchmark_answers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_benchmark_scores")),
        sa.UniqueConstraint("benchmark_id", "assessor_id", name=op.f("uq_benchmark_scores_benchmark_id_assessor_id")),
    )
    with op.batch_alter_table("benchmark_scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_benchmark_scores_assessor_id"), ["assessor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_benchmark_scores_benchmark_id"), ["benchmark_id"], unique=False)
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calibration_required", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("calibration_required")
    with op.batch_alter_table("benchmark_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_benchmark_scores_benchmark_id"))
        batch_op.drop_index(batch_op.f("ix_benchmark_scores_assessor_id"))
    op.drop_table("benchmark_scores")
    with op.batch_alter_table("benchmark_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_benchmark_answers_criterion_id"))
        batch_op.drop_index(batch_op.f("ix_benchmark_answers_campaign_id"))
    op.drop_table("benchmark_answers")
