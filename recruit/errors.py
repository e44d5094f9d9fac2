"""Error pages in GOV.UK style, with no stack traces.

Unexpected exceptions reach the 500 handler through Flask's own
InternalServerError (which logs them), so tests still see the real traceback.
"""
from flask import Flask, render_template
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
    from recruit.mail import MailNotConfigured

    @app.errorhandler(MailNotConfigured)
    def mail_not_configured(error: MailNotConfigured):
        # Loudly, for whoever runs the service; the message names the setting and carries no email or link.
        app.logger.error("%s", error)
        from recruit.extensions import db

        db.session.rollback()
        return render_template("errors/error.html", status=503, title=TITLES[503]), 503

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):
        # The Host (or X-Forwarded-Host) is not in TRUSTED_HOSTS, so no URL can be built for this request.
        return render_template("errors/bad_host.html", title=TITLES[400]), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if status >= 500:
            # A failed statement leaves the session unusable; the page itself reads the signed-in user.
            from recruit.extensions import db

            db.session.rollback()
        title = TITLES.get(status, "Sorry, there is a problem with the service")
        return render_template("errors/error.html", status=status, title=title), status
