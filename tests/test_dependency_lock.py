"""The Python lock file and the dependency audit (`make install`, `make lock`, `make audit`).

The audit's network calls are not made here: these tests feed it the answers the registries give
(including the refusals this project's CI meets) and check what it concludes from them.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import tomllib

import pytest

from tests.helpers import ROOT


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"requirements_{name}", ROOT / "requirements" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


check_lock = _load("check_lock")
audit = _load("audit")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _lock() -> str:
    return (ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8")


def _install_in() -> str:
    return (ROOT / "requirements" / "install.in").read_text(encoding="utf-8")


# --- The lock ---------------------------------------------------------------------------------------


def test_the_committed_lock_satisfies_pyproject():
    assert check_lock.problems(_pyproject(), _lock(), _install_in()) == []


def test_every_locked_package_is_pinned_with_a_hash():
    entries = re.split(r"\n(?=[A-Za-z0-9])", _lock().split("\n", 6)[-1])
    pinned = [e for e in entries if check_lock.PIN.match(e)]
    assert len(pinned) > 50
    assert [e.split()[0] for e in pinned if "--hash=sha256:" not in e] == []
    # Recruit's own build backend and installer come from the lock too.
    assert {"setuptools", "pip", "flask", "pytest"} <= set(check_lock.locked_pins(_lock()))


def test_the_lock_check_names_what_pyproject_asks_for_and_the_lock_lacks():
    pyproject = _pyproject()
    pyproject["project"]["dependencies"] = [
        "flask>=99" if d.startswith("flask>=") else d for d in pyproject["project"]["dependencies"]
    ]
    pyproject["project"]["optional-dependencies"]["test"].append("pytest-nonexistent>=1")
    pyproject["project"]["dependencies"].append("colorama>=0.4; sys_platform == 'win32'")

    found = check_lock.problems(pyproject, _lock(), _install_in())

    flask = check_lock.locked_pins(_lock())["flask"]
    assert found == [
        f"flask>=99 (dependencies): the lock has flask {flask}",
        "pytest-nonexistent>=1 (the test extra) is not in the lock",
    ]


# --- The audit: Python ------------------------------------------------------------------------------


def test_packages_pip_audit_skipped_are_not_counted_as_checked():
    # What pip-audit reports here: PyPI does not answer for pinned versions, pip-audit skips every
    # package and still prints "No known vulnerabilities found".
    report = {
        "dependencies": [
            {
                "name": "alembic",
                "skip_reason": "Dependency not found on PyPI and could not be audited: alembic (1.20.1)",
            },
            {"name": "Flask", "version": "3.1.3", "vulns": []},
        ],
        "fixes": [],
    }

    audited, findings, skipped = audit.read_pip_audit(report)

    assert audited == {"flask"}
    assert findings == []
    assert set(skipped) == {"alembic"}


def test_a_pip_audit_finding_with_a_fix_fails_the_audit():
    report = {
        "dependencies": [
            {
                "name": "jinja2",
                "version": "3.1.2",
                "vulns": [
                    {"id": "GHSA-h5c8-rqwp-cp95", "aliases": ["CVE-2024-22195"], "fix_versions": ["3.1.3"]},
                ],
            }
        ]
    }

    _, findings, _ = audit.read_pip_audit(report)

    assert [f.describe() for f in findings] == [
        "Python jinja2 3.1.2: GHSA-h5c8-rqwp-cp95, CVE-2024-22195 (fixed in 3.1.3)"
    ]
    assert audit.verdict(findings, [], strict=False) == 1


def _project(newest: str, vulnerabilities=(), releases=None) -> dict:
    return {
        "info": {"version": newest},
        "vulnerabilities": list(vulnerabilities),
        "releases": releases if releases is not None else {newest: [{"yanked": False}]},
    }


def test_pypi_project_data_checks_a_pin_only_when_it_is_the_newest_release():
    vuln = {"id": "PYSEC-2099-1", "aliases": [], "fixed_in": ["2.0.1"], "withdrawn": None}

    could_check, findings, _ = audit.read_pypi_project("example", "2.0.0", _project("2.0.0", [vuln]))
    assert could_check is True
    assert [f.describe() for f in findings] == ["Python example 2.0.0: PYSEC-2099-1 (fixed in 2.0.1)"]

    # The project data's advisories belong to the newest release, so they say nothing about 1.9.
    could_check, findings, _ = audit.read_pypi_project("example", "1.9", _project("2.0.0", [vuln]))
    assert could_check is False
    assert findings == []


def test_withdrawn_advisories_are_ignored_and_yanked_pins_are_warned_about():
    withdrawn = {"id": "PYSEC-2099-2", "aliases": [], "fixed_in": [], "withdrawn": "2099-01-01T00:00:00Z"}
    releases = {"1.0": [{"yanked": True, "yanked_reason": "broken wheel"}]}

    could_check, findings, warnings = audit.read_pypi_project("example", "1.0", _project("1.0", [withdrawn], releases))

    assert could_check is True
    assert findings == []
    assert warnings == ["Python example 1.0 was withdrawn (yanked) from PyPI: broken wheel"]


def test_when_pypi_cannot_be_reached_every_package_is_not_checked_and_asked_about_once(monkeypatch):
    # pip-audit fails outright (no report), and PyPI's project data does not answer either.
    monkeypatch.setattr(
        audit.subprocess,
        "run",
        lambda *a, **k: audit.subprocess.CompletedProcess(
            a, 1, "", "requests.exceptions.ConnectionError: Failed to resolve 'pypi.org'"
        ),
    )
    asked = []

    def unreachable(url):
        asked.append(url)
        raise audit.urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(audit, "fetch_json", unreachable)
    lock = "alembic==1.20.1 \\\n    --hash=sha256:aa\nflask==3.1.3 \\\n    --hash=sha256:bb\n"

    coverage, findings, warnings = audit.audit_python(lock)

    assert len(asked) == 1
    assert (coverage.total, coverage.checked_by, findings, warnings) == (2, {}, [], [])
    assert coverage.not_checked == [
        "alembic 1.20.1: PyPI could not be reached (Name or service not known)",
        "flask 3.1.3: PyPI could not be reached (Name or service not known)",
    ]
    assert "ConnectionError" in coverage.notes[0]
    assert audit.verdict(findings, [coverage], strict=False) == 0


# --- The audit: npm ---------------------------------------------------------------------------------

NPM_REFUSED = json.dumps(
    {
        "message": "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
        "method": "POST",
        "statusCode": 405,
        "body": "",
        "error": {"summary": "", "detail": ""},
    }
)


def test_an_npm_advisory_service_that_refuses_is_reported_as_not_checked():
    answered, checked, findings, why = audit.read_npm_audit(NPM_REFUSED)

    assert (answered, checked, findings) == (False, 0, [])
    assert why.startswith("405 Method Not Allowed")
    assert audit.read_npm_audit("")[0] is False


def test_npm_findings_fail_only_when_a_fix_is_available():
    report = {
        "auditReportVersion": 2,
        "metadata": {"dependencies": {"total": 3}},
        "vulnerabilities": {
            "fixable-lib": {
                "name": "fixable-lib",
                "range": "<1.2.0",
                "fixAvailable": True,
                "via": [
                    {"source": 1001, "title": "Prototype pollution", "url": "https://github.com/advisories/GHSA-aaaa"}
                ],
            },
            "stuck-lib": {
                "name": "stuck-lib",
                "range": "*",
                "fixAvailable": False,
                "via": [{"source": 1002, "title": "ReDoS", "url": "https://github.com/advisories/GHSA-bbbb"}],
            },
            "parent": {"name": "parent", "range": "*", "fixAvailable": True, "via": ["fixable-lib"]},
        },
    }

    answered, checked, findings, _ = audit.read_npm_audit(json.dumps(report))

    assert (answered, checked) == (True, 3)
    assert {f.package: f.fixable for f in findings} == {"fixable-lib": True, "stuck-lib": False}
    assert audit.verdict([f for f in findings if not f.fixable], [], strict=False) == 0
    assert audit.verdict(findings, [], strict=False) == 1


# --- The audit: the verdict and what it says --------------------------------------------------------


@pytest.mark.parametrize("strict, expected", [(False, 0), (True, 2)])
def test_unreachable_advisories_fail_only_a_strict_audit(strict, expected, capsys):
    python = audit.Coverage("Python", total=2)
    python.checked("PyPI's advisories for the newest release, which is the pin")
    python.not_checked.append("numpy 2.4.6 (newest release 2.5.5)")
    npm = audit.Coverage("npm")
    npm.not_checked.append("every package in package-lock.json: 405 Method Not Allowed")
    unfixable = audit.Finding("Python", "example", "1.0", "PYSEC-2099-3")

    assert audit.report([python, npm], [unfixable], [], strict=strict) == expected

    out = capsys.readouterr().out
    assert "checked: 1 (PyPI's advisories for the newest release, which is the pin)" in out
    assert "NOT CHECKED: 1\n    - numpy 2.4.6 (newest release 2.5.5)" in out
    assert "405 Method Not Allowed" in out
    assert "WARNING: known vulnerabilities with no fixed release yet:\n  - Python example 1.0: PYSEC-2099-3" in out
