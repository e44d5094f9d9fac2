"""The current time, always timezone-aware UTC; UK time for display and entry."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


def uk_time(moment: datetime) -> datetime:
    return moment.astimezone(UK)


def format_uk(moment: datetime) -> str:
    """A UTC time as people in the UK read it: 22 November 2026 at 2:05pm."""
    local = uk_time(moment)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{suffix}"


def format_uk_date(moment: date) -> str:
    """A date as people in the UK read it: 5 December 2026. A time (UTC) gives its day in the UK."""
    day = uk_time(moment) if isinstance(moment, datetime) else moment
    return f"{day.day} {day:%B %Y}"


class NotAUKTime(ValueError):
    pass


def parse_time_of_day(text: str) -> tuple[int, int]:
    """Read a time as people type it: 17:00, 5pm, 5:30pm, 9am, 09.15, midday, midnight."""
    import re

    cleaned = text.strip().lower().replace(" ", "").replace(".", ":")
    if cleaned in ("midday", "noon", "12noon"):
        return 12, 0
    if cleaned == "midnight":
        return 0, 0
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?(am|pm)?", cleaned)
    if not match:
        raise NotAUKTime("Enter a time, like 17:00 or 5pm")
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            raise NotAUKTime("Enter a time, like 17:00 or 5pm")
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match.group(2) is None:
        raise NotAUKTime("Enter a time, like 17:00 or 5pm")
    if hour > 23 or minute > 59:
        raise NotAUKTime("Enter a real time, like 17:00 or 5pm")
    return hour, minute


def uk_to_utc(day: date, hour: int, minute: int) -> datetime:
    """The UTC moment of a UK wall-clock time, refusing the hour skipped when the clocks go forward."""
    from datetime import time as time_of_day

    local = datetime.combine(day, time_of_day(hour, minute), tzinfo=UK)
    moment = local.astimezone(UTC)
    if moment.astimezone(UK).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NotAUKTime("That time does not exist in the UK on that date because the clocks go forward")
    return moment
