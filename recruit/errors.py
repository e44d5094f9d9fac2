"""Error pages in GOV.UK style, with no stack traces.

Unexpected exceptions reach the 500 handler through Flask's own
InternalServerError (which logs them), so tests still see the real traceback.
"""

from flask import Flask, current_app, render_template, request
from werkzeug.exceptions import HTTPException, SecurityError

TITLES = {
    400: "Sorry, there is a problem with your request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "Sorry, you cannot do that on this page",
    410: "This link is no longer valid",
    413: "The file is too large",
    429: "Sorry, there have been too many attempts",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service cannot send emails at the moment",
}


def register(app: Flask) -> None:
    from recruit.services.notifications import MailNotConfigured

    @app.errorhandler(MailNotConfigured)
    def mail_not_configured(error: MailNotConfigured) -> tuple[str, int]:
        # Loudly, for whoever runs the service; the message names the setting and carries no email or link.
        app.logger.error("%s", error)
        from recruit.services.unit_of_work import discard

        discard()
        return render_template("errors/error.html", status=503, title=TITLES[503]), 503

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError) -> tuple[str, int]:
        # The Host (or X-Forwarded-Host) is not in TRUSTED_HOSTS, so no URL can be built for this request.
        return render_template("errors/bad_host.html", title=TITLES[400]), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        status = error.code or 500
        if status >= 500:
            # A failed statement leaves the session unusable; the page itself reads the signed-in user.
            from recruit.services.unit_of_work import discard

            discard()
        if status == 403:
            _audit_refusal()
        title = TITLES.get(status, "Sorry, there is a problem with the service")
        return render_template("errors/error.html", status=status, title=title), status


def _audit_refusal() -> None:
    """Put a refusal of a signed-in person on the record; the refusal is answered whether or not this works."""
    from flask_login import current_user

    from recruit.services.records import access_denials
    from recruit.services.unit_of_work import discard

    try:
        if not current_user.is_authenticated:
            return
        user = current_user._get_current_object()
        # Nothing the refused request started is kept; the audit entry commits on its own.
        discard()
        access_denials.record_denial(user, request.endpoint, request.method, request.path)
    except Exception:
        discard()
        current_app.logger.exception("Could not write the audit entry for a refused request to %s", request.path)
