"""The development outbox (emails kept for admins to read in development) and pending registrations (no candidate
account exists until its email address is confirmed)

Revision ID: 5e3a9c1d7b42
Revises: b81f4c2d6e07
Create Date: 2026-12-04 19:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e3a9c1d7b42"
down_revision = "b81f4c2d6e07"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "development_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_development_emails")),
    )
    with op.batch_alter_table("development_emails", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_development_emails_created_at"), ["created_at"], unique=False)

    op.create_table(
        "pending_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("next_path", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_pending_registrations_email_lower_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_registrations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_pending_registrations_token_hash")),
    )
    with op.batch_alter_table("pending_registrations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_registrations_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_pending_registrations_expires_at"), ["expires_at"], unique=False)


def downgrade():
    with op.batch_alter_table("pending_registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_registrations_expires_at"))
        batch_op.drop_index(batch_op.f("ix_pending_registrations_email"))
    op.drop_table("pending_registrations")
    with op.batch_alter_table("development_emails", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_development_emails_created_at"))
    op.drop_table("development_emails")
