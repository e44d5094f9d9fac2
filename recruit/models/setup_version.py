"""The version of every campaign's setup: the campaign itself, its criteria (with their competencies and levels), its
panels and their members' accounts, its scale and framework.

One row. Every committed change to those records gives it a new random token (recruit/services/campaigns/kept_setup.py),
so each process can keep a campaign as loaded for the scoring and moderation pages and serve it again while the token
stands, instead of reading the campaign, its criteria and its panels on every request. A random token rather than a
counter, as for the public pages (models/public_content.py): a rolled-back transaction, or a database put back from a
backup, can never bring an old token, and what was kept under it, back.
"""

from __future__ import annotations

from recruit.extensions import Model
from recruit.models.public_content import ROW_ID, TokenRow

__all__ = ["ROW_ID", "SetupVersion"]


class SetupVersion(TokenRow, Model):
    __tablename__ = "setup_versions"
