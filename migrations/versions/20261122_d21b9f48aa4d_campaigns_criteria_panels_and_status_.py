"""Campaigns, their criteria and panels, and the campaign status history.

Revision ID: d21b9f48aa4d
Revises: f27dd9c54eec
Create Date: 2026-11-22 11:06:42.029855

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d21b9f48aa4d"
down_revision = "f27dd9c54eec"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("posts", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("grade_id", sa.Integer(), nullable=True),
        sa.Column("role_profile_id", sa.Integer(), nullable=True),
        sa.Column("scale_id", sa.Integer(), nullable=False),
        sa.Column("discrepancy_threshold", sa.Integer(), nullable=False),
        sa.Column("overall_pass_mark", sa.Integer(), nullable=True),
        sa.Column("presift_threshold", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'open', 'closed', 'sift', 'interview', 'complete', 'withdrawn')",
            name=op.f("ck_campaigns_status_known"),
        ),
        sa.CheckConstraint("discrepancy_threshold >= 1", name=op.f("ck_campaigns_threshold_positive")),
        sa.CheckConstraint("length(reference) > 0", name=op.f("ck_campaigns_reference_not_empty")),
        sa.CheckConstraint("posts >= 1", name=op.f("ck_campaigns_posts_positive")),
        sa.CheckConstraint(
            "presift_threshold IS NULL OR presift_threshold >= 1", name=op.f("ck_campaigns_presift_positive")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_campaigns_created_by_id_users")),
        sa.ForeignKeyConstraint(["framework_id"], ["frameworks.id"], name=op.f("fk_campaigns_framework_id_frameworks")),
        sa.ForeignKeyConstraint(["grade_id"], ["grades.id"], name=op.f("fk_campaigns_grade_id_grades")),
        sa.ForeignKeyConstraint(
            ["role_profile_id"], ["role_profiles.id"], name=op.f("fk_campaigns_role_profile_id_role_profiles")
        ),
        sa.ForeignKeyConstraint(["scale_id"], ["scoring_scales.id"], name=op.f("fk_campaigns_scale_id_scoring_scales")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint("reference", name=op.f("uq_campaigns_reference")),
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.create_index("ix_campaigns_status_closes_at", ["status", "closes_at"], unique=False)

    op.create_table(
        "campaign_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"], name=op.f("fk_campaign_status_changes_by_id_users")),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_status_changes_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_status_changes")),
    )
    op.create_table(
        "criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=True),
        sa.Column("level_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("at_sift", sa.Boolean(), nullable=False),
        sa.Column("at_interview", sa.Boolean(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("word_limit", sa.Integer(), nullable=False),
        sa.Column("is_lead", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "(competency_id IS NOT NULL AND level_id IS NOT NULL) OR (competency_id IS NULL AND length(title) > 0)",
            name=op.f("ck_criteria_competency_or_own_title"),
        ),
        sa.CheckConstraint("at_sift OR at_interview", name=op.f("ck_criteria_assessed_somewhere")),
        sa.CheckConstraint("weight >= 1 AND weight <= 10", name=op.f("ck_criteria_weight_range")),
        sa.CheckConstraint("word_limit >= 50 AND word_limit <= 2000", name=op.f("ck_criteria_word_limit_range")),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_criteria_campaign_id_campaigns"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["competency_id"], ["competencies.id"], name=op.f("fk_criteria_competency_id_competencies")
        ),
        sa.ForeignKeyConstraint(
            ["level_id"], ["framework_levels.id"], name=op.f("fk_criteria_level_id_framework_levels")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criteria")),
        sa.UniqueConstraint("campaign_id", "code", name=op.f("uq_criteria_campaign_id_code")),
    )
    with op.batch_alter_table("criteria", schema=None) as batch_op:
        batch_op.create_index(
            "uq_criteria_one_lead",
            ["campaign_id"],
            unique=True,
            sqlite_where=sa.text("is_lead"),
            postgresql_where=sa.text("is_lead"),
        )

    op.create_table(
        "panels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.CheckConstraint("stage IN ('sift', 'interview')", name=op.f("ck_panels_stage_known")),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_panels_campaign_id_campaigns"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panels")),
        sa.UniqueConstraint("campaign_id", "stage", name=op.f("uq_panels_campaign_id_stage")),
    )
    op.create_table(
        "panel_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("is_chair", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["panel_id"], ["panels.id"], name=op.f("fk_panel_members_panel_id_panels"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_panel_members_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_members")),
        sa.UniqueConstraint("panel_id", "user_id", name=op.f("uq_panel_members_panel_id_user_id")),
    )
    with op.batch_alter_table("panel_members", schema=None) as batch_op:
        batch_op.create_index(
            "uq_panel_members_one_chair",
            ["panel_id"],
            unique=True,
            sqlite_where=sa.text("is_chair"),
            postgresql_where=sa.text("is_chair"),
        )


def downgrade():
    with op.batch_alter_table("panel_members", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_panel_members_one_chair", sqlite_where=sa.text("is_chair"), postgresql_where=sa.text("is_chair")
        )

    op.drop_table("panel_members")
    op.drop_table("panels")
    with op.batch_alter_table("criteria", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_criteria_one_lead", sqlite_where=sa.text("is_lead"), postgresql_where=sa.text("is_lead")
        )

    op.drop_table("criteria")
    op.drop_table("campaign_status_changes")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_index("ix_campaigns_status_closes_at")

    op.drop_table("campaigns")
