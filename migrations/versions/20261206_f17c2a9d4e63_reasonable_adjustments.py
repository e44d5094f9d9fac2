"""Reasonable adjustments: a candidate's requests, with the admin's response and the note shared with the panel

Revision ID: f17c2a9d4e63
Revises: e17b4d6a9c21
Create Date: 2026-12-06 01:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f17c2a9d4e63"
down_revision = "e17b4d6a9c21"
branch_labels = None
depends_on = None

CATEGORIES = (
    "'extra_time', 'physical_access', 'assistive_technology', 'communication_support', 'document_format', "
    "'breaks_or_timing', 'other'"
)


def upgrade():
    op.create_table(
        "adjustment_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("agreed", sa.Text(), nullable=False),
        sa.Column("panel_note", sa.Text(), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("responded_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(f"category IN ({CATEGORIES})", name=op.f("ck_adjustment_requests_category_known")),
        sa.CheckConstraint("stage IN ('application', 'interview')", name=op.f("ck_adjustment_requests_stage_known")),
        sa.CheckConstraint(
            "outcome IN ('agreed', 'partly_agreed', 'not_agreed')", name=op.f("ck_adjustment_requests_outcome_known")
        ),
        sa.CheckConstraint("length(details) > 0", name=op.f("ck_adjustment_requests_details_not_empty")),
        sa.CheckConstraint(
            "(outcome IS NULL) = (responded_at IS NULL)", name=op.f("ck_adjustment_requests_outcome_with_response")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_adjustment_requests_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["responded_by_id"], ["users.id"], name=op.f("fk_adjustment_requests_responded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adjustment_requests")),
    )
    with op.batch_alter_table("adjustment_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_adjustment_requests_application_id"), ["application_id"], unique=False)


def downgrade():
    with op.batch_alter_table("adjustment_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adjustment_requests_application_id"))
    op.drop_table("adjustment_requests")
