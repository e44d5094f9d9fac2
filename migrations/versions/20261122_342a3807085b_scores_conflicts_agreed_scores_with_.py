"""Scores, conflicts of interest, agreed scores (each with every version kept) and stage records.

Revision ID: 342a3807085b
Revises: 89c34d7ee347
Create Date: 2026-11-22 11:26:54.657251

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "342a3807085b"
down_revision = "89c34d7ee347"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stage_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("presift_active", sa.Boolean(), nullable=False),
        sa.Column("presift_done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_rule", sa.String(length=20), nullable=True),
        sa.Column("decision_top_n", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_off_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_off_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "decision_rule IS NULL OR decision_rule IN ('all_passing', 'top_n')",
            name=op.f("ck_stage_records_rule_known"),
        ),
        sa.CheckConstraint("stage IN ('sift', 'interview')", name=op.f("ck_stage_records_stage_known")),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_stage_records_campaign_id_campaigns"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], name=op.f("fk_stage_records_decided_by_id_users")),
        sa.ForeignKeyConstraint(
            ["signed_off_by_id"], ["users.id"], name=op.f("fk_stage_records_signed_off_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_records")),
        sa.UniqueConstraint("campaign_id", "stage", name=op.f("uq_stage_records_campaign_id_stage")),
    )
    op.create_table(
        "agreed_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("proposal", sa.Integer(), nullable=False),
        sa.Column("discrepant", sa.Boolean(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("agreed_by_id", sa.Integer(), nullable=False),
        sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("stage IN ('sift', 'interview')", name=op.f("ck_agreed_scores_stage_known")),
        sa.CheckConstraint("status IN ('agreed', 'reopened')", name=op.f("ck_agreed_scores_status_known")),
        sa.ForeignKeyConstraint(["agreed_by_id"], ["users.id"], name=op.f("fk_agreed_scores_agreed_by_id_users")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_agreed_scores_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"], ["criteria.id"], name=op.f("fk_agreed_scores_criterion_id_criteria"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreed_scores")),
        sa.UniqueConstraint(
            "application_id", "criterion_id", "stage", name=op.f("uq_agreed_scores_application_id_criterion_id_stage")
        ),
    )
    with op.batch_alter_table("agreed_scores", schema=None) as batch_op:
        batch_op.create_index("ix_agreed_scores_stage", ["stage", "status"], unique=False)

    op.create_table(
        "conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("has_conflict", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("stage IN ('sift', 'interview')", name=op.f("ck_conflicts_stage_known")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_conflicts_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["assessor_id"], ["users.id"], name=op.f("fk_conflicts_assessor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflicts")),
        sa.UniqueConstraint(
            "application_id", "assessor_id", "stage", name=op.f("uq_conflicts_application_id_assessor_id_stage")
        ),
    )
    op.create_table(
        "scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("ticked", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("stage IN ('sift', 'interview')", name=op.f("ck_scores_stage_known")),
        sa.CheckConstraint(
            "status = 'draft' OR (value IS NOT NULL AND length(trim(rationale)) > 0)",
            name=op.f("ck_scores_submitted_is_complete"),
        ),
        sa.CheckConstraint("status IN ('draft', 'submitted')", name=op.f("ck_scores_status_known")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_scores_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["assessor_id"], ["users.id"], name=op.f("fk_scores_assessor_id_users")),
        sa.ForeignKeyConstraint(
            ["criterion_id"], ["criteria.id"], name=op.f("fk_scores_criterion_id_criteria"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scores")),
        sa.UniqueConstraint(
            "application_id",
            "criterion_id",
            "assessor_id",
            "stage",
            name=op.f("uq_scores_application_id_criterion_id_assessor_id_stage"),
        ),
    )
    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.create_index("ix_scores_assessor_stage", ["assessor_id", "stage", "status"], unique=False)
        batch_op.create_index("ix_scores_item", ["application_id", "criterion_id", "stage"], unique=False)

    op.create_table(
        "agreed_score_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreed_score_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreed_score_id"],
            ["agreed_scores.id"],
            name=op.f("fk_agreed_score_versions_agreed_score_id_agreed_scores"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"], name=op.f("fk_agreed_score_versions_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreed_score_versions")),
    )
    with op.batch_alter_table("agreed_score_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreed_score_versions_agreed_score_id"), ["agreed_score_id"], unique=False)

    op.create_table(
        "score_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("score_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("ticked", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"], name=op.f("fk_score_versions_by_id_users")),
        sa.ForeignKeyConstraint(
            ["score_id"], ["scores.id"], name=op.f("fk_score_versions_score_id_scores"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_versions")),
    )
    with op.batch_alter_table("score_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_versions_score_id"), ["score_id"], unique=False)


def downgrade():
    with op.batch_alter_table("score_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_versions_score_id"))

    op.drop_table("score_versions")
    with op.batch_alter_table("agreed_score_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreed_score_versions_agreed_score_id"))

    op.drop_table("agreed_score_versions")
    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.drop_index("ix_scores_item")
        batch_op.drop_index("ix_scores_assessor_stage")

    op.drop_table("scores")
    op.drop_table("conflicts")
    with op.batch_alter_table("agreed_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_agreed_scores_stage")

    op.drop_table("agreed_scores")
    op.drop_table("stage_records")
