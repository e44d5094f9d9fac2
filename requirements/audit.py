"""`make audit`: known vulnerabilities in the locked Python and npm packages.

Python: pip-audit reads requirements/lock.txt and asks PyPI for the advisories on each pinned version.
A pinned version PyPI does not answer for is one pip-audit "skips", and pip-audit still reports "No known
vulnerabilities found", so skipped packages are counted here as not checked, never as clean. For them
PyPI's project data is tried next: it carries the advisories of a project's newest release only, so it
checks a pin that is the newest release and says nothing about any other.
npm: `npm audit --package-lock-only` reads package-lock.json and asks the npm registry's advisory service.

What each result does:
- a known vulnerability with a fixed release fails the audit (exit 1): move the pin past it (`make lock
  UPGRADE_PACKAGE=name`, widening pyproject.toml's range if it excludes the fix; npm: package.json and
  `npm install`);
- a known vulnerability with no fixed release is listed as a warning and does not fail: nothing can be
  upgraded, and whether to keep the package is a decision for a person, not for CI;
- a package an advisory service could not be asked about is listed as NOT CHECKED and does not fail,
  so CI does not fail on a network it does not control; with --strict (`make audit AUDIT_STRICT=1`)
  it fails (exit 2).
The summary always says how many packages were checked, and by which source.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock.txt"
PYPI_PROJECT_JSON = "https://pypi.org/pypi/{name}/json"
TIMEOUT_SECONDS = 30
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Finding:
    ecosystem: str  # "Python" or "npm"
    package: str
    version: str
    advisory: str  # the advisory's id (and aliases)
    fixed_in: tuple[str, ...] = ()
    fix_known: bool | None = None  # npm says whether a fix exists without naming a version

    @property
    def fixable(self) -> bool:
        return bool(self.fixed_in) if self.fix_known is None else self.fix_known

    def describe(self) -> str:
        fix = (
            f"fixed in {', '.join(self.fixed_in)}"
            if self.fixed_in
            else ("a fix is available" if self.fixable else "no fixed release yet")
        )
        return f"{self.ecosystem} {self.package} {self.version}: {self.advisory} ({fix})"


@dataclass
class Coverage:
    """What one ecosystem's audit could and could not check."""

    ecosystem: str
    total: int = 0
    checked_by: dict[str, int] = field(default_factory=dict)
    not_checked: list[str] = field(default_factory=list)  # one line per package or per failure
    notes: list[str] = field(default_factory=list)

    def checked(self, source: str, count: int = 1) -> None:
        self.checked_by[source] = self.checked_by.get(source, 0) + count


# --- Python -----------------------------------------------------------------------------------------


def locked_pins(lock_text: str) -> dict[str, tuple[str, str]]:
    """canonical name -> (name as written, pinned version)."""
    pins = {}
    for line in lock_text.splitlines():
        match = PIN.match(line)
        if match:
            pins[canonical(match.group(1))] = (match.group(1), match.group(2))
    return pins


def read_pip_audit(report: dict) -> tuple[set[str], list[Finding], dict[str, str]]:
    """pip-audit's JSON report: (packages it audited, findings, {package: why it was skipped})."""
    audited: set[str] = set()
    skipped: dict[str, str] = {}
    findings: list[Finding] = []
    for dependency in report.get("dependencies", []):
        name = canonical(dependency.get("name", ""))
        if "skip_reason" in dependency:
            skipped[name] = dependency["skip_reason"]
            continue
        audited.add(name)
        for vuln in dependency.get("vulns", []):
            ids = [vuln.get("id", "unknown advisory"), *vuln.get("aliases", [])]
            findings.append(
                Finding(
                    "Python",
                    dependency["name"],
                    dependency.get("version", "?"),
                    ", ".join(ids),
                    tuple(vuln.get("fix_versions", [])),
                )
            )
    return audited, findings, skipped


def read_pypi_project(name: str, pinned: str, project: dict) -> tuple[bool, list[Finding], list[str]]:
    """PyPI's project JSON for a pin: (whether it could check the pin, findings, warnings)."""
    warnings = []
    files = project.get("releases", {}).get(pinned)
    if files and all(f.get("yanked") for f in files):
        reason = next((f.get("yanked_reason") for f in files if f.get("yanked_reason")), None)
        warnings.append(f"Python {name} {pinned} was withdrawn (yanked) from PyPI" + (f": {reason}" if reason else ""))
    newest = project.get("info", {}).get("version")
    if newest != pinned:
        return False, [], warnings
    findings = [
        Finding(
            "Python",
            name,
            pinned,
            ", ".join([v.get("id", "unknown advisory"), *v.get("aliases", [])]),
            tuple(v.get("fixed_in") or ()),
        )
        for v in project.get("vulnerabilities", [])
        if not v.get("withdrawn")
    ]
    return True, findings, warnings


def fetch_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # a fixed https URL on PyPI
        return json.load(response)


def audit_python(lock_text: str) -> tuple[Coverage, list[Finding], list[str]]:
    pins = locked_pins(lock_text)
    coverage = Coverage("Python", total=len(pins))
    findings: list[Finding] = []
    warnings: list[str] = []
    audited: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pip-audit.json"
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip_audit",
                "--requirement",
                str(LOCK),
                "--disable-pip",
                "--require-hashes",
                "--format",
                "json",
                "--output",
                str(out),
                "--progress-spinner",
                "off",
                "--timeout",
                str(TIMEOUT_SECONDS),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        try:
            report = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            last = (run.stderr.strip().splitlines() or ["no output"])[-1]
            coverage.notes.append(f"pip-audit could not ask PyPI's advisory service: {last[:300]}")
            report = None
    if report is not None:
        audited, found, skipped = read_pip_audit(report)
        findings += found
        coverage.checked("pip-audit, PyPI's advisories for the pinned version", len(audited))
        if skipped:
            example = next(iter(skipped.values()))
            coverage.notes.append(
                f"pip-audit could not ask PyPI about {len(skipped)} pinned versions (for example: {example})"
            )
    unreachable = None  # once PyPI cannot be reached at all, ask no more (no timeout per package)
    for name, (written, pinned) in sorted(pins.items()):
        if name in audited:
            continue
        if unreachable:
            coverage.not_checked.append(f"{written} {pinned}: PyPI could not be reached ({unreachable})")
            continue
        try:
            project = fetch_json(PYPI_PROJECT_JSON.format(name=name))
        except urllib.error.HTTPError as error:
            coverage.not_checked.append(f"{written} {pinned}: PyPI's project data unavailable ({error})")
            continue
        except (urllib.error.URLError, OSError, ValueError) as error:
            unreachable = str(getattr(error, "reason", error))
            coverage.not_checked.append(f"{written} {pinned}: PyPI could not be reached ({unreachable})")
            continue
        could_check, found, warned = read_pypi_project(written, pinned, project)
        warnings += warned
        if could_check:
            findings += found
            coverage.checked("PyPI's advisories for the newest release, which is the pin")
        else:
            newest = project.get("info", {}).get("version", "?")
            coverage.not_checked.append(f"{written} {pinned} (newest release {newest})")
    return coverage, findings, warnings


# --- npm --------------------------------------------------------------------------------------------


def read_npm_audit(output: str) -> tuple[bool, int, list[Finding], str]:
    """`npm audit --json` output: (answered, packages checked, findings, why not answered)."""
    try:
        report = json.loads(output)
    except ValueError:
        return False, 0, [], "npm audit gave no report"
    if not isinstance(report, dict) or "vulnerabilities" not in report:
        error = report.get("error") if isinstance(report, dict) else None
        message = (
            (report.get("message") if isinstance(report, dict) else None)
            or (error.get("summary") if isinstance(error, dict) else None)
            or "npm audit gave no report"
        )
        return False, 0, [], message
    findings = []
    for name, vuln in report["vulnerabilities"].items():
        advisories = [v for v in vuln.get("via", []) if isinstance(v, dict)]
        if not advisories:
            continue  # vulnerable only through another package, which is listed in its own right
        ids = ", ".join(str(a.get("url") or a.get("source") or a.get("title")) for a in advisories)
        findings.append(
            Finding("npm", name, vuln.get("range", "?"), ids, fix_known=vuln.get("fixAvailable") not in (False, None))
        )
    checked = report.get("metadata", {}).get("dependencies", {}).get("total", 0)
    return True, checked, findings, ""


def audit_npm() -> tuple[Coverage, list[Finding]]:
    coverage = Coverage("npm")
    try:
        run = subprocess.run(
            ["npm", "audit", "--package-lock-only", "--json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        coverage.not_checked.append(f"every package in package-lock.json: npm audit did not run ({error})")
        return coverage, []
    answered, checked, findings, why = read_npm_audit(run.stdout)
    if answered:
        coverage.total = checked
        coverage.checked("npm audit, the npm registry's advisories", checked)
    else:
        coverage.not_checked.append(f"every package in package-lock.json: {why}")
    return coverage, findings


# --- Report -----------------------------------------------------------------------------------------


def verdict(findings: list[Finding], coverages: list[Coverage], strict: bool) -> int:
    if any(f.fixable for f in findings):
        return 1
    if strict and any(c.not_checked for c in coverages):
        return 2
    return 0


def report(coverages: list[Coverage], findings: list[Finding], warnings: list[str], strict: bool) -> int:
    for coverage in coverages:
        total = f", {coverage.total} locked" if coverage.total else ""
        print(f"{coverage.ecosystem} packages{total}:")
        for source, count in coverage.checked_by.items():
            print(f"  checked: {count} ({source})")
        for note in coverage.notes:
            print(f"  note: {note}")
        if coverage.not_checked:
            print(f"  NOT CHECKED: {len(coverage.not_checked)}")
            for line in coverage.not_checked:
                print(f"    - {line}")
    fixable = [f for f in findings if f.fixable]
    unfixable = [f for f in findings if not f.fixable]
    if fixable:
        print("Known vulnerabilities with a fix (these fail the audit):")
        for finding in fixable:
            print(f"  - {finding.describe()}")
    if unfixable:
        print("WARNING: known vulnerabilities with no fixed release yet:")
        for finding in unfixable:
            print(f"  - {finding.describe()}")
    for warning in warnings:
        print(f"WARNING: {warning}")
    result = verdict(findings, coverages, strict)
    if result == 1:
        print("Audit failed: upgrade the packages above past the fixed versions.")
    elif result == 2:
        print("Audit failed: some packages could not be checked (--strict).")
    elif any(c.not_checked for c in coverages):
        print("Audit passed for what could be checked; the packages marked NOT CHECKED were not.")
    else:
        print("Audit passed: no known vulnerabilities with a fix.")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--strict",
        action="store_true",
        help="fail (exit 2) when an advisory service could not be asked about a package",
    )
    args = parser.parse_args(argv)
    python_coverage, python_findings, warnings = audit_python(LOCK.read_text(encoding="utf-8"))
    npm_coverage, npm_findings = audit_npm()
    return report([python_coverage, npm_coverage], python_findings + npm_findings, warnings, args.strict)


if __name__ == "__main__":
    sys.exit(main())
