"""The current time, always timezone-aware UTC; UK time for display and entry."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


def uk_time(moment: datetime) -> datetime:
    return moment.astimezone(UK)
