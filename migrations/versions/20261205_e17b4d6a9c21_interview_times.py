"""Self-service interview times: times the admin publishes for candidates to book, first come, first served, and
the campaign's booking cut-off (hours before a time when booking, changing and cancelling stop)

Revision ID: e17b4d6a9c21
Revises: d17a3c5e8f10
Create Date: 2026-12-05 22:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e17b4d6a9c21"
down_revision = "d17a3c5e8f10"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "interview_times",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("video_link", sa.String(length=500), nullable=False),
        sa.Column("booked_application_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("minutes >= 10 AND minutes <= 480", name=op.f("ck_interview_times_minutes_range")),
        sa.CheckConstraint(
            "length(place) > 0 OR length(video_link) > 0", name=op.f("ck_interview_times_place_or_link")
        ),
        sa.ForeignKeyConstraint(
            ["booked_application_id"],
            ["applications.id"],
            name=op.f("fk_interview_times_booked_application_id_applications"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_interview_times_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_times")),
        sa.UniqueConstraint("booked_application_id", name=op.f("uq_interview_times_booked_application_id")),
    )
    with op.batch_alter_table("interview_times", schema=None) as batch_op:
        batch_op.create_index("ix_interview_times_campaign_starts_at", ["campaign_id", "starts_at"], unique=False)
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("booking_cutoff_hours", sa.Integer(), server_default="48", nullable=False))
        batch_op.create_check_constraint(
            "booking_cutoff_range", "booking_cutoff_hours >= 0 AND booking_cutoff_hours <= 336"
        )


def downgrade():
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_campaigns_booking_cutoff_range"), type_="check")
        batch_op.drop_column("booking_cutoff_hours")
    with op.batch_alter_table("interview_times", schema=None) as batch_op:
        batch_op.drop_index("ix_interview_times_campaign_starts_at")
    op.drop_table("interview_times")
