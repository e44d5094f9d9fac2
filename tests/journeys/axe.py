"""axe-core (from npm) run in the page, for the accessibility checks on every page the journeys visit.

The app's Content-Security-Policy forbids inline scripts, so axe is not added as a <script>: its source
is evaluated through the DevTools protocol, which the policy does not govern, and the app's own
scripts still run under the policy exactly as they do for users.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
CHECKED_MARK = "__recruitAxeChecked"

RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")),
  }));
}"""


@dataclass(frozen=True)
class Violation:
    id: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.id} ({self.impact}): {self.help} – {', '.join(self.targets)}"


@cache
def axe_source() -> str:
    if not AXE_PATH.exists():
        raise RuntimeError(f"{AXE_PATH} is missing: run `npm ci` (or `make assets`) to install axe-core")
    return AXE_PATH.read_text(encoding="utf-8")


def already_checked(page) -> bool:
    return page.evaluate(f"() => window.{CHECKED_MARK} === true")


def check(page) -> list[Violation]:
    """Serious and critical violations on the page's current document, which is then marked as checked."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    found = [Violation(v["id"], v["impact"], v["help"], tuple(v["targets"])) for v in page.evaluate(RUN)]
    page.evaluate(f"() => {{ window.{CHECKED_MARK} = true; }}")
    return [v for v in found if v.impact in FAILING_IMPACTS]
