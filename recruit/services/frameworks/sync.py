"""Helpers for bringing stored rows in line with imported data without needless writes."""

from typing import Any


def assign_changed(obj: Any, **values: Any) -> None:
    """Set only the attributes that differ, so an unchanged import issues no UPDATE."""
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
