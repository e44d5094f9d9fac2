"""On a phone 375 pixels wide, no admin page scrolls sideways.

The admin signs in on a narrow screen and visits every admin page reachable by links from the campaign
list and the people page, with the demonstration campaign (in the sift, a dozen applications, some scored)
for content. Each page is checked by axe as it loads, and the document must be no wider than the screen:
wide tables and long words wrap or scroll inside their own box, never the whole page.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from playwright.sync_api import expect

from tests.journeys.live_server import environment, run_flask

WIDTH = 375
ADMIN_AREAS = ("/admin", "/reports", "/moderate")
# Downloads are not pages; the audit log's filters and pages repeat one layout many times over.
NOT_PAGES = (".pdf", ".csv", ".ics")
MOST_PAGES = 80

OVERFLOW = """(width) => {
  const wide = [];
  for (const element of document.querySelectorAll("body *")) {
    const box = element.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      let inScroller = false;
      for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
        const style = getComputedStyle(parent);
        if (style.overflowX === "auto" || style.overflowX === "scroll" || style.overflowX === "hidden") {
          inScroller = true;
          break;
        }
      }
      if (!inScroller) wide.push(element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
        + (element.className && typeof element.className === "string" ? "." + element.className.split(" ")[0] : ""));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 5)};
}"""


def _admin_links(page, server_url: str) -> list[str]:
    paths = []
    for href in page.eval_on_selector_all("main a[href]", "links => links.map(link => link.href)"):
        parts = urlsplit(urljoin(server_url, href))
        if parts.netloc != urlsplit(server_url).netloc or parts.path.endswith(NOT_PAGES):
            continue
        if parts.path.startswith(ADMIN_AREAS) and not parts.path.startswith("/admin/audit"):
            paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def test_no_admin_page_scrolls_sideways_on_a_phone(journey, live_server):
    run_flask(environment(live_server.database_url, live_server.clock), "demo")
    admin = journey.person("admin on a phone", viewport={"width": WIDTH, "height": 800}, is_mobile=True)
    with journey.step("sign in"):
        admin.goto("/sign-in")
        admin.fill("Email address", live_server.admin_email)
        admin.fill("Password", live_server.admin_password)
        admin.press_button("Sign in")
        # On a phone the header's navigation is folded behind its Menu button, Sign out with it.
        expect(admin.page.get_by_role("heading", level=1)).to_have_text("Campaigns")

    to_visit = ["/admin/campaigns", "/admin/users", "/admin/audit"]
    seen: set[str] = set()
    too_wide: list[str] = []
    with journey.step("every admin page"):
        while to_visit and len(seen) < MOST_PAGES:
            path = to_visit.pop(0)
            if path in seen:
                continue
            seen.add(path)
            page = admin.goto(path)
            measured = page.evaluate(OVERFLOW, WIDTH)
            if measured["scrollWidth"] > WIDTH:
                too_wide.append(f"{path}: {measured['scrollWidth']} px wide ({', '.join(measured['wide'])})")
            to_visit += [link for link in _admin_links(page, live_server.url) if link not in seen]
    assert len(seen) >= 30, f"the walk reached only {len(seen)} admin pages: {sorted(seen)}"
    assert not too_wide, "pages wider than a 375 px screen:\n" + "\n".join(too_wide)
