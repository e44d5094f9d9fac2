"""Refusals a service raises when a rule says no; routes show the message to the person."""


class Refused(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
