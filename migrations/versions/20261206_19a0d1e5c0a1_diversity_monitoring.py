"""Diversity monitoring: candidates' optional answers, held apart from the application, and the counts kept once
they are erased

Revision ID: 19a0d1e5c0a1
Revises: 18ca1b0e7d42
Create Date: 2026-12-06 04:38:32.768844

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "19a0d1e5c0a1"
down_revision = "18ca1b0e7d42"
branch_labels = None
depends_on = None

# Each question's answer codes as they stand at this revision (recruit/monitoring_questions.py).
ANSWERS = {
    "age_band": (
        "'16_24', '25_29', '30_34', '35_39', '40_44', '45_49', '50_54', '55_59', '60_64', '65_over','prefer_not_to_say'"
    ),
    "caring_children": ("'yes', 'no', 'prefer_not_to_say'"),
    "caring_others": ("'no', 'up_to_19_hours', '20_to_49_hours', '50_hours_or_more', 'prefer_not_to_say'"),
    "disability": ("'yes', 'no', 'prefer_not_to_say'"),
    "ethnicity": (
        "'asian_bangladeshi', 'asian_chinese', 'asian_indian', 'asian_pakistani', 'asian_other',"
        "'black_african', 'black_caribbean', 'black_other', 'mixed_white_asian', 'mixed_white_black_african',"
        "'mixed_white_black_caribbean', 'mixed_other', 'white_british', 'white_irish',"
        "'white_gypsy_traveller', 'white_roma', 'white_other', 'other_arab', 'other_any',"
        "'prefer_not_to_say'"
    ),
    "free_school_meals": ("'yes', 'no', 'not_applicable', 'dont_know_meals', 'prefer_not_to_say'"),
    "gender_identity": ("'same', 'different', 'prefer_not_to_say'"),
    "parent_occupation": (
        "'modern_professional', 'senior_manager', 'clerical', 'small_business', 'technical_craft',"
        "'routine_manual', 'long_term_unemployed', 'other_occupation', 'dont_know_occupation',"
        "'prefer_not_to_say'"
    ),
    "religion": (
        "'none', 'christian', 'buddhist', 'hindu', 'jewish', 'muslim', 'sikh', 'other_religion','prefer_not_to_say'"
    ),
    "school_type": (
        "'state_non_selective', 'state_selective', 'independent', 'independent_bursary', 'outside_uk',"
        "'dont_know_school', 'prefer_not_to_say'"
    ),
    "sex": ("'female', 'male', 'prefer_not_to_say'"),
    "sexual_orientation": ("'straight', 'gay_lesbian', 'bisexual', 'other_orientation', 'prefer_not_to_say'"),
}


def upgrade():
    op.create_table(
        "monitoring_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=40), nullable=False),
        sa.Column("answer", sa.String(length=40), nullable=False),
        sa.Column("stage", sa.String(length=30), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint("count >= 0", name=op.f("ck_monitoring_counts_count_not_negative")),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_monitoring_counts_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_counts")),
        sa.UniqueConstraint(
            "campaign_id",
            "question",
            "answer",
            "stage",
            name=op.f("uq_monitoring_counts_campaign_id_question_answer_stage"),
        ),
    )
    with op.batch_alter_table("monitoring_counts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_counts_campaign_id"), ["campaign_id"], unique=False)

    op.create_table(
        "monitoring_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("sex", sa.String(length=40), nullable=True),
        sa.Column("gender_identity", sa.String(length=40), nullable=True),
        sa.Column("age_band", sa.String(length=40), nullable=True),
        sa.Column("ethnicity", sa.String(length=40), nullable=True),
        sa.Column("disability", sa.String(length=40), nullable=True),
        sa.Column("sexual_orientation", sa.String(length=40), nullable=True),
        sa.Column("religion", sa.String(length=40), nullable=True),
        sa.Column("caring_children", sa.String(length=40), nullable=True),
        sa.Column("caring_others", sa.String(length=40), nullable=True),
        sa.Column("parent_occupation", sa.String(length=40), nullable=True),
        sa.Column("school_type", sa.String(length=40), nullable=True),
        sa.Column("free_school_meals", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *(
            sa.CheckConstraint(f"{key} IN ({codes})", name=op.f(f"ck_monitoring_responses_{key}_known"))
            for key, codes in ANSWERS.items()
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_monitoring_responses_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_responses")),
        sa.UniqueConstraint("application_id", name=op.f("uq_monitoring_responses_application_id")),
    )


def downgrade():
    op.drop_table("monitoring_responses")
    with op.batch_alter_table("monitoring_counts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_counts_campaign_id"))

    op.drop_table("monitoring_counts")
