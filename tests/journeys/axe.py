"""axe-core (from npm) run in the page, for the accessibility checks on every page the journeys visit.

The app's Content-Security-Policy forbids inline scripts, so axe is not added as a <script>: its source
is given to the browser through the DevTools protocol (an init script, or evaluated in the page), which
the policy does not govern, and the app's own scripts still run under the policy as they do for users.
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
  const conditionalReveal = ".govuk-radios__input[aria-controls], .govuk-checkboxes__input[aria-controls]";
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => {
      const element = n.target.length === 1 ? document.querySelector(n.target[0]) : null;
      return {
        target: n.target.join(" "),
        conditionalReveal: Boolean(element && element.matches(conditionalReveal)),
        data: [...n.any, ...n.all, ...n.none].flatMap(c => {
          const values = Array.isArray(c.data) ? c.data : (c.data && Array.isArray(c.data.values) ? c.data.values : []);
          return values.map(String);
        }),
      };
    }),
  }));
}"""


def _govuk_conditional_reveal(rule: str, node: dict) -> bool:
    """GOV.UK Frontend's radios and checkboxes that reveal a question set aria-expanded on the input.

    ARIA does not list aria-expanded for the radio and checkbox roles, so axe reports it; the GOV.UK
    Design System keeps it on purpose, as a documented known issue, because its research found screen
    readers announce the revealed question with it. Only that attribute on those inputs is let through.
    """
    return (
        rule == "aria-allowed-attr"
        and node["conditionalReveal"]
        and bool(node["data"])
        and all(item.startswith("aria-expanded=") for item in node["data"])
    )


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
    found = []
    for violation in page.evaluate(RUN):
        nodes = [n for n in violation["nodes"] if not _govuk_conditional_reveal(violation["id"], n)]
        if nodes and violation["impact"] in FAILING_IMPACTS:
            found.append(
                Violation(violation["id"], violation["impact"], violation["help"], tuple(n["target"] for n in nodes))
            )
    page.evaluate(f"() => {{ window.{CHECKED_MARK} = true; }}")
    return found
