"""Interview invitations, the question bank, offers, merit settings, and per-stage release of outcomes.

Revision ID: 12ec93c9316c
Revises: 342a3807085b
Create Date: 2026-11-22 11:58:58.793153

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "12ec93c9316c"
down_revision = "342a3807085b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "interview_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=True),
        sa.Column("level_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(trim(text)) > 0", name=op.f("ck_interview_questions_text_not_empty")),
        sa.ForeignKeyConstraint(
            ["competency_id"], ["competencies.id"], name=op.f("fk_interview_questions_competency_id_competencies")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_interview_questions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["level_id"], ["framework_levels.id"], name=op.f("fk_interview_questions_level_id_framework_levels")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_questions")),
    )
    op.create_table(
        "criterion_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["criteria.id"],
            name=op.f("fk_criterion_questions_criterion_id_criteria"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["interview_questions.id"],
            name=op.f("fk_criterion_questions_question_id_interview_questions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criterion_questions")),
        sa.UniqueConstraint(
            "criterion_id", "question_id", name=op.f("uq_criterion_questions_criterion_id_question_id")
        ),
    )
    op.create_table(
        "interview_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("video_link", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("candidate_note", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('invited', 'accepted', 'change_requested', 'did_not_attend', 'withdrew')",
            name=op.f("ck_interview_slots_status_known"),
        ),
        sa.CheckConstraint(
            "length(place) > 0 OR length(video_link) > 0", name=op.f("ck_interview_slots_place_or_link")
        ),
        sa.CheckConstraint("minutes >= 10 AND minutes <= 480", name=op.f("ck_interview_slots_minutes_range")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_interview_slots_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_slots")),
        sa.UniqueConstraint("application_id", name=op.f("uq_interview_slots_application_id")),
    )
    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("from_reserve", sa.Boolean(), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("made_by_id", sa.Integer(), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('offered', 'accepted', 'declined', 'withdrawn')", name=op.f("ck_offers_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_offers_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_offers_campaign_id_campaigns"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["made_by_id"], ["users.id"], name=op.f("fk_offers_made_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
    )
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index("ix_offers_campaign_status", ["campaign_id", "status"], unique=False)

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merit_basis", sa.String(length=30), nullable=False, server_default="interview"))
        batch_op.add_column(sa.Column("reserve_months", sa.Integer(), nullable=False, server_default="12"))
        batch_op.create_check_constraint(
            op.f("ck_campaigns_merit_basis_known"), "merit_basis IN ('interview', 'sift_and_interview')"
        )
        batch_op.create_check_constraint(
            op.f("ck_campaigns_reserve_months_range"), "reserve_months >= 0 AND reserve_months <= 36"
        )

    with op.batch_alter_table("stage_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("released_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("released_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reserve_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_stage_records_released_by_id_users"), "users", ["released_by_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("stage_records", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_stage_records_released_by_id_users"), type_="foreignkey")
        batch_op.drop_column("reserve_expires_at")
        batch_op.drop_column("released_by_id")
        batch_op.drop_column("released_at")

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_campaigns_reserve_months_range"), type_="check")
        batch_op.drop_constraint(op.f("ck_campaigns_merit_basis_known"), type_="check")
        batch_op.drop_column("reserve_months")
        batch_op.drop_column("merit_basis")

    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index("ix_offers_campaign_status")

    op.drop_table("offers")
    op.drop_table("interview_slots")
    op.drop_table("criterion_questions")
    op.drop_table("interview_questions")
