"""Redaction: the organisations a candidate lists to keep out of their evidence, and the ranges of a statement an
admin hid from the panel

Revision ID: 19d0e1a5c7e2
Revises: 19c0d1c0f1d3
Create Date: 2026-12-06 04:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "19d0e1a5c7e2"
down_revision = "19c0d1c0f1d3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("personal_details", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisations", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("personal_details", schema=None) as batch_op:
        batch_op.alter_column("organisations", server_default=None)

    op.create_table(
        "statement_redactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("start >= 0", name=op.f("ck_statement_redactions_start_not_negative")),
        sa.CheckConstraint('"end" > start', name=op.f("ck_statement_redactions_end_after_start")),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
            name=op.f("fk_statement_redactions_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_statement_redactions_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_redactions")),
    )
    with op.batch_alter_table("statement_redactions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_statement_redactions_statement_id"), ["statement_id"], unique=False)


def downgrade():
    with op.batch_alter_table("statement_redactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statement_redactions_statement_id"))
    op.drop_table("statement_redactions")
    with op.batch_alter_table("personal_details", schema=None) as batch_op:
        batch_op.drop_column("organisations")
