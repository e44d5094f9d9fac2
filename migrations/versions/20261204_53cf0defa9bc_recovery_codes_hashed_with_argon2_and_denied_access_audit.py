"""Recovery codes hashed with argon2 (longer hashes), and the record that keeps audit entries for refused
requests to one a person and route per window

Existing recovery codes stay as they are (SHA-256 digests): each still works once, and the account page
asks the person to get new ones.

Revision ID: 53cf0defa9bc
Revises: 5e1d0a7c93b4
Create Date: 2026-12-04 19:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "53cf0defa9bc"
down_revision = "5e1d0a7c93b4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.alter_column(
            "code_hash", existing_type=sa.String(length=64), type_=sa.String(length=255), existing_nullable=False
        )
    op.create_table(
        "access_denial_windows",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.String(length=100), nullable=False),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("unlogged", sa.Integer(), nullable=False),
        sa.CheckConstraint("unlogged >= 0", name=op.f("ck_access_denial_windows_unlogged_not_negative")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_access_denial_windows_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "endpoint", name=op.f("pk_access_denial_windows")),
    )


def downgrade():
    op.drop_table("access_denial_windows")
    # Argon2 hashes do not fit the old column: codes issued since cannot be kept, so people get new ones.
    op.execute("DELETE FROM recovery_codes WHERE length(code_hash) > 64")
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.alter_column(
            "code_hash", existing_type=sa.String(length=255), type_=sa.String(length=64), existing_nullable=False
        )
