"""Real transports on this machine, as fixtures (a pytest plugin that tests/conftest.py loads): an SMTP server
in-process (aiosmtpd) that keeps what it receives, and a local HTTP server (pytest-httpserver) standing in for
GOV.UK Notify that checks each request is what Notify expects (the path, the JSON body, and a JWT signed with the
API key's secret and issued by its service)."""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default

import jwt
import pytest
from aiosmtpd.controller import Controller
from werkzeug.wrappers import Response

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
API_KEY = f"recruit_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = str(uuid.uuid4())
# Answers in the shape of Notify's error responses.
INVALID_ADDRESS = {
    "errors": [{"error": "ValidationError", "message": "email_address Not a valid email address"}],
    "status_code": 400,
}
SERVER_ERROR = {"errors": [{"error": "Exception", "message": "Internal server error"}], "status_code": 500}
BAD_KEY = {"errors": [{"error": "AuthError", "message": "Invalid token: API key not found"}], "status_code": 403}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """aiosmtpd's handler: keeps every message; refuses the addresses in `refuse` with a 550, and with `delay`
    takes that long over each message."""

    def __init__(self):
        self.messages = []
        self.refuse: set[str] = set()
        self.delay = 0.0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [message for message in self.messages if message["To"] == address]


@pytest.fixture
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mailbox.port = controller.port
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def smtp(app, monkeypatch, smtp_server):
    """The app sends through the in-process SMTP server, and only when a test runs the sender."""
    for key, value in {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_server.port,
        "MAIL_USE_TLS": False,
        "MAIL_USERNAME": None,
        "MAIL_FROM": "recruit@example.org",
        "MAIL_TIMEOUT": 2,
        "NOTIFICATIONS_SEND_AFTER_COMMIT": False,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return smtp_server


@dataclass
class NotifyStandIn:
    """What the stand-in for Notify received, and what it answers next: a list of (status, JSON) taken in turn
    (the last one repeated), or a delay before answering."""

    server: object
    requests: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    answers: list = field(default_factory=list)
    delay: float = 0.0

    def answer(self, status: int, body: dict) -> None:
        self.answers.append((status, body))

    def handle(self, request) -> Response:
        self.requests.append(request)
        self.problems += _problems_with(request)
        if self.delay:
            time.sleep(self.delay)
        status, body = self.answers.pop(0) if len(self.answers) > 1 else (self.answers or [(201, None)])[0]
        if body is None:
            body = {
                "id": str(uuid.uuid4()),
                "reference": request.get_json().get("reference"),
                "content": {"subject": "", "body": "", "from_email": "recruit@notifications.service.gov.uk"},
                "uri": "",
                "template": {"id": TEMPLATE_ID, "version": 1, "uri": ""},
            }
        return Response(json.dumps(body), status=status, content_type="application/json")


def _problems_with(request) -> list[str]:
    """How the request differs from what GOV.UK Notify's API accepts for sending an email."""
    problems = []
    if request.path != "/v2/notifications/email" or request.method != "POST":
        problems.append(f"{request.method} {request.path}")
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        problems.append("no bearer token")
    else:
        try:
            claims = jwt.decode(header.removeprefix("Bearer "), SECRET, algorithms=["HS256"])
        except jwt.InvalidTokenError as error:
            problems.append(f"token: {error}")
        else:
            if claims.get("iss") != SERVICE_ID:
                problems.append(f"token issued by {claims.get('iss')}")
            if abs(claims.get("iat", 0) - time.time()) > 30:
                problems.append("token not issued now")
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not {"email_address", "template_id"} <= set(body):
        problems.append(f"body {body!r}")
    elif not isinstance(body.get("personalisation", {}), dict):
        problems.append("personalisation is not an object")
    return problems


@pytest.fixture
def notify(app, monkeypatch, httpserver):
    """The app sends through the Notify client, pointed at the stand-in, and only when a test runs the sender."""
    stand_in = NotifyStandIn(httpserver)
    httpserver.expect_request("/v2/notifications/email", method="POST").respond_with_handler(stand_in.handle)
    for key, value in {
        "NOTIFY_API_KEY": API_KEY,
        "NOTIFY_BASE_URL": httpserver.url_for("/").rstrip("/"),
        "NOTIFY_TEMPLATE_ID": TEMPLATE_ID,
        "NOTIFY_TEMPLATES": {},
        "NOTIFY_TIMEOUT": 1,
        "NOTIFICATIONS_SEND_AFTER_COMMIT": False,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return stand_in
