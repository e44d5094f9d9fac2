"""Keeping link tokens out of every log: the paths of set-password and registration links carry a secret that
signs someone in or chooses their password, so access and error logs show `[token]` in its place.

Used by the app's own logger, the development server's access log (werkzeug) and gunicorn (gunicorn.conf.py).
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from gunicorn import glogging

if TYPE_CHECKING:
    from gunicorn.config import Config

# Every route with a token in its path (tests/test_secret_logging.py checks the URL map against this).
TOKEN_PATHS = ("/set-password/", "/register/confirm/")
_TOKEN = re.compile("(" + "|".join(re.escape(path) for path in TOKEN_PATHS) + r")[^/?#\s\"']+")
MASK = "[token]"


def mask_tokens(text: str) -> str:
    return _TOKEN.sub(lambda match: match.group(1) + MASK, text)


class TokenMaskingFilter(logging.Filter):
    """Rewrites each record's message with its tokens masked (for any format, access line or traceback text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_tokens(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def add_masking(logger: logging.Logger) -> None:
    if not any(isinstance(existing, TokenMaskingFilter) for existing in logger.filters):
        logger.addFilter(TokenMaskingFilter())


class TokenMaskingLogger(glogging.Logger):  # type: ignore[misc]  # gunicorn publishes no types
    """gunicorn's logger, with tokens masked in the access log (request line, path, referrer, any header) and in
    the error log ("Error handling request /set-password/...")."""

    def __init__(self, cfg: Config) -> None:
        super().__init__(cfg)
        add_masking(self.access_log)
        add_masking(self.error_log)
