"""The text of each message, kept in one place per message: recruit/templates/notifications/<name>.txt.

A template's first line is the subject; after a blank line comes the body, plain text in GOV.UK style. Every
template is given the service's and the organisation's names (SERVICE_NAME, ORG_NAME) besides its own fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask import current_app

NAME = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
SUBJECT_LIMIT = 200


def common_fields() -> dict[str, str]:
    config = current_app.config
    return {"service_name": config["SERVICE_NAME"], "org_name": config["ORG_NAME"]}


def render(template: str, fields: Mapping[str, str]) -> tuple[str, str]:
    """The message's (subject, body)."""
    if not NAME.match(template):
        raise ValueError(f"{template!r} is not a message template name")
    text = current_app.jinja_env.get_template(f"notifications/{template}.txt").render({**common_fields(), **fields})
    subject, separator, body = text.strip().partition("\n\n")
    if not separator or "\n" in subject or not body.strip():
        raise ValueError(f"notifications/{template}.txt must be a one-line subject, a blank line, then the body")
    if len(subject) > SUBJECT_LIMIT:
        raise ValueError(f"The subject of notifications/{template}.txt is longer than {SUBJECT_LIMIT} characters")
    return subject, body.strip() + "\n"
