"""Check that requirements/lock.txt still satisfies pyproject.toml.

`make install` installs Python packages from the lock alone and then Recruit itself without resolving
anything further, so a requirement added to or tightened in pyproject.toml without `make lock` would
otherwise go unnoticed until an import failed. This names every requirement the lock does not meet:
the main dependencies, the `test` extra, [build-system] requires and requirements/install.in.

Usage: python requirements/check_lock.py   (exit 1 with the list when the lock is out of date)
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
EXTRAS = ("test",)
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def locked_pins(lock_text: str) -> dict[str, Version]:
    """The `name==version` lines of a pip-compile lock, by canonical name."""
    pins: dict[str, Version] = {}
    for line in lock_text.splitlines():
        match = PIN.match(line)
        if match:
            pins[canonicalize_name(match.group(1))] = Version(match.group(2))
    return pins


def _in_file_requirements(text: str) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("-")]


def required(pyproject: dict, install_in: str = "") -> list[tuple[str, str]]:
    """(where, requirement) for everything the lock must satisfy."""
    project = pyproject.get("project", {})
    wanted = [("dependencies", r) for r in project.get("dependencies", [])]
    optional = project.get("optional-dependencies", {})
    for extra in EXTRAS:
        wanted += [(f"the {extra} extra", r) for r in optional.get(extra, [])]
    wanted += [("[build-system] requires", r) for r in pyproject.get("build-system", {}).get("requires", [])]
    wanted += [("requirements/install.in", r) for r in _in_file_requirements(install_in)]
    return wanted


def problems(pyproject: dict, lock_text: str, install_in: str = "") -> list[str]:
    """What the lock is missing, one plain sentence each; empty when it satisfies everything."""
    pins = locked_pins(lock_text)
    found: list[str] = []
    for where, text in required(pyproject, install_in):
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            found.append(f"{text!r} ({where}) is not a valid requirement")
            continue
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(requirement.name)
        pinned = pins.get(name)
        if pinned is None:
            found.append(f"{requirement} ({where}) is not in the lock")
        elif not requirement.specifier.contains(pinned, prereleases=True):
            found.append(f"{requirement} ({where}): the lock has {requirement.name} {pinned}")
    return found


def main() -> int:
    lock = ROOT / "requirements" / "lock.txt"
    try:
        pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        install_in_path = ROOT / "requirements" / "install.in"
        install_in = install_in_path.read_text(encoding="utf-8") if install_in_path.exists() else ""
        found = problems(pyproject, lock.read_text(encoding="utf-8"), install_in)
    except (OSError, tomllib.TOMLDecodeError, InvalidVersion) as error:
        print(f"Could not check requirements/lock.txt against pyproject.toml: {error}", file=sys.stderr)
        return 1
    if found:
        print("requirements/lock.txt does not match pyproject.toml:", file=sys.stderr)
        for problem in found:
            print(f"  - {problem}", file=sys.stderr)
        print("Run `make lock` to refresh it, then commit requirements/lock.txt.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
