"""Signed off means final: applications keep the status they were withdrawn from, and rendered reports become
versions (each render a row of its own, a SHA-256 digest per PDF, the version kept at sign-off with its document)

Revision ID: 5e1d0a7c93b4
Revises: 9d78f4890331
Create Date: 2026-12-04 19:20:00.000000

"""

import hashlib
import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e1d0a7c93b4"
down_revision = "9d78f4890331"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_from", sa.String(length=30), nullable=True))

    with op.batch_alter_table("rendered_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("signed_off", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("html", sa.Text(), nullable=True))
        batch_op.drop_constraint("uq_rendered_reports_campaign_id_kind_subject", type_="unique")
        batch_op.drop_index("ix_rendered_reports_campaign_id")
        batch_op.create_index("ix_rendered_reports_report", ["campaign_id", "kind", "subject"], unique=False)
        batch_op.create_index(
            "uq_rendered_reports_signed_off",
            ["campaign_id", "kind", "subject"],
            unique=True,
            sqlite_where=sa.text("signed_off"),
            postgresql_where=sa.text("signed_off"),
        )

    bind = op.get_bind()
    # The status each withdrawn application had, from the audit log: a stage signed off before the withdrawal
    # keeps it in its record.
    events = bind.execute(
        sa.text("SELECT record_id, \"before\" FROM audit_events WHERE action = 'application.withdrawn' ORDER BY id")
    )
    withdrawn_from = {}
    for record_id, before in events:
        if isinstance(before, str):
            before = json.loads(before)
        if isinstance(before, dict) and isinstance(before.get("status"), str) and record_id and record_id.isdigit():
            withdrawn_from[int(record_id)] = before["status"][:30]
    for application_id, status in withdrawn_from.items():
        bind.execute(
            sa.text("UPDATE applications SET withdrawn_from = :status WHERE id = :id AND status = 'withdrawn'"),
            {"status": status, "id": application_id},
        )
    # The PDFs already kept become versions with their digests.
    for report_id, pdf in bind.execute(sa.text("SELECT id, pdf FROM rendered_reports WHERE pdf IS NOT NULL")).all():
        bind.execute(
            sa.text("UPDATE rendered_reports SET digest = :digest WHERE id = :id"),
            {"digest": hashlib.sha256(bytes(pdf)).hexdigest(), "id": report_id},
        )


def downgrade():
    bind = op.get_bind()
    # One row per report again: the newest of each.
    bind.execute(
        sa.text(
            "DELETE FROM rendered_reports WHERE id NOT IN (SELECT MAX(id) FROM rendered_reports "
            "GROUP BY campaign_id, kind, subject)"
        )
    )
    with op.batch_alter_table("rendered_reports", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_rendered_reports_signed_off", sqlite_where=sa.text("signed_off"), postgresql_where=sa.text("signed_off")
        )
        batch_op.drop_index("ix_rendered_reports_report")
        batch_op.create_index("ix_rendered_reports_campaign_id", ["campaign_id"], unique=False)
        batch_op.create_unique_constraint(
            "uq_rendered_reports_campaign_id_kind_subject", ["campaign_id", "kind", "subject"]
        )
        batch_op.drop_column("html")
        batch_op.drop_column("signed_off")
        batch_op.drop_column("digest")

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_from")
