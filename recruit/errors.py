"""Error pages in GOV.UK style, with no stack traces.

Unexpected exceptions reach the 500 handler through Flask's own
InternalServerError (which logs them), so tests still see the real traceback.
"""
from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

TITLES = {
    400: "Sorry, there is a problem with your request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "Sorry, you cannot do that on this page",
    410: "This link is no longer valid",
    413: "The file is too large",
    429: "Sorry, there have been too many attempts",
    500: "Sorry, there is a problem with the service",
}


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if status >= 500:
            # A failed statement leaves the session unusable; the page itself reads the signed-in user.
            from recruit.extensions import db

            db.session.rollback()
        title = TITLES.get(status, "Sorry, there is a problem with the service")
        return render_template("errors/error.html", status=status, title=title), status
