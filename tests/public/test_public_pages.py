"""The public guidance pages, read as a person would: headings, lists, table cells."""

import pytest
from sqlalchemy import select

from recruit.extensions import db
from recruit.models import Framework


def texts(elements) -> list[str]:
    return [element.get_text(" ", strip=True) for element in elements]


def competency(slug: str):
    framework = db.session.scalar(select(Framework).where(Framework.slug == "civil-service-2012"))
    return next(c for c in framework.competencies if c.slug == slug)


def test_frameworks_page_lists_every_framework(page):
    soup = page("/frameworks")
    assert soup.h1.get_text(strip=True) == "Competency frameworks"
    assert texts(soup.select("main h2")) == [
        "Civil Service Competency Framework 2012",
        "Guildford Borough Council Behaviours",
        "Maldon District Council Core Competencies",
        "Revenues and Welfare Benefits Practitioner: Knowledge, Skills and Behaviours",
    ]
    link = soup.select_one("main h2 a")
    assert link["href"] == "/frameworks/civil-service-2012"
    assert soup.title.get_text().startswith("Competency frameworks")


def test_framework_page_shows_clusters_competencies_and_the_grade_grid(page):
    soup = page("/frameworks/civil-service-2012")
    assert soup.h1.get_text(strip=True) == "Civil Service Competency Framework 2012"
    clusters = {ul["data-cluster"]: texts(ul.select("li")) for ul in soup.select("ul[data-cluster]")}
    assert clusters == {
        "Setting Direction": ["Seeing the Big Picture", "Changing and Improving", "Making Effective Decisions"],
        "Engaging People": ["Leading and Communicating", "Collaborating and Partnering", "Building Capability for All"],
        "Delivering Results": [
            "Achieving Commercial Outcomes",
            "Delivering Value for Money",
            "Managing a Quality Service",
            "Delivering at Pace",
        ],
    }
    table = soup.select_one("table#grade-grid")
    header = texts(table.select("thead th"))
    assert header == [
        "Competency",
        "Band B",
        "Band C",
        "Band D",
        "Band E",
        "Band F",
        "Band G",
        "Band H",
        "SCS 1",
        "SCS 1A",
        "SCS 2",
        "SCS 3",
    ]
    rows = {row.th.get_text(strip=True): texts(row.select("td")) for row in table.select("tbody tr")}
    assert len(rows) == 10
    assert rows["Making Effective Decisions"] == ["–", "2", "3", "3", "4", "4", "4", "5", "5", "6", "6"]
    assert rows["Leading and Communicating"] == ["1", "2", "3", "3", "4", "4", "4", "5", "5", "6", "6"]
    assert rows["Changing and Improving"] == ["–", "–", "3", "3", "4", "4", "4", "5", "5", "6", "6"]
    assert rows["Seeing the Big Picture"] == ["–"] * 7 + ["5", "5", "6", "6"]
    role_links = texts(soup.select("#role-profiles ~ ul li"))
    assert "DWP Child Maintenance Group: Applications (AO)" in role_links


def test_competency_page_shows_every_level_with_both_lists(page):
    soup = page("/frameworks/civil-service-2012/competencies/seeing-the-big-picture")
    assert soup.h1.get_text(strip=True) == "Seeing the Big Picture"
    assert soup.select_one("#description").get_text(strip=True).startswith("Seeing the big picture is about")
    assert "Each level assumes the ones below it" in soup.select_one(".govuk-inset-text").get_text()
    sections = soup.select(".govuk-accordion__section")
    assert texts(s.select_one(".govuk-accordion__section-heading") for s in sections) == [
        "Level 1 (Band B)",
        "Level 2 (Band C)",
        "Level 3 (Band D & E)",
        "Level 4 (Band F, G & H)",
        "Level 5 (SCS 1 & 1A)",
        "Level 6 (SCS 2 & 3)",
    ]
    level_one = sections[0]
    assert texts(level_one.select("ul[data-kind=effective] li")) == [
        "Gather information from a range of relevant sources inside and outside their Department to inform own work",
        "Understand what is required of them in their role and how this contributes to team and Departmental priorities",
        "Consider how their own job links with and impacts on colleagues and others in partner organisations",
    ]
    assert texts(level_one.select("ul[data-kind=ineffective] li"))[0] == (
        "Take actions/decisions without regard to the bigger picture"
    )
    # Nothing is opened unless asked for.
    assert not soup.select(".govuk-accordion__section--expanded")


def test_every_level_on_the_page_matches_the_data(page):
    soup = page("/frameworks/civil-service-2012/competencies/delivering-at-pace")
    data = competency("delivering-at-pace")
    for number, section in enumerate(soup.select(".govuk-accordion__section"), start=1):
        lists = data.indicators_at(number)
        for kind in ("effective", "ineffective"):
            assert texts(section.select(f"ul[data-kind={kind}] li")) == [i.text for i in lists[kind]]


def test_level_parameter_opens_that_level(page):
    soup = page("/frameworks/civil-service-2012/competencies/making-effective-decisions?level=3")
    expanded = soup.select(".govuk-accordion__section--expanded")
    assert texts(e.select_one(".govuk-accordion__section-heading") for e in expanded) == ["Level 3 (Band D & E)"]


@pytest.mark.parametrize("query", ["level=9", "level=abc", "level=", "level=-1"])
def test_bad_level_parameter_is_not_found(page, query):
    soup = page(f"/frameworks/civil-service-2012/competencies/making-effective-decisions?{query}", status=404)
    assert soup.h1.get_text(strip=True) == "Page not found"


def test_grade_page_shows_each_competency_at_the_grade_level(page):
    soup = page("/frameworks/civil-service-2012/grades/band-c")
    assert soup.h1.get_text(strip=True) == "What Band C needs"
    headings = texts(soup.select("main section h2"))
    assert headings == [
        "Making Effective Decisions: Level 2",
        "Leading and Communicating: Level 2",
        "Collaborating and Partnering: Level 2",
        "Managing a Quality Service: Level 2",
        "Delivering at Pace: Level 2",
    ]
    section = soup.select_one("section#making-effective-decisions")
    assert texts(section.select("ul[data-kind=effective] li")) == [
        i.text for i in competency("making-effective-decisions").indicators_at(2)["effective"]
    ]
    assert section.select_one("a")["href"] == (
        "/frameworks/civil-service-2012/competencies/making-effective-decisions?level=2"
    )


def test_role_profile_page_resolves_source_names(page):
    soup = page("/frameworks/civil-service-2012/roles/dwp-cmg-ao-applications")
    assert soup.h1.get_text(strip=True) == "Applications"
    assert "Achieving Commercial Outcomes" in texts(soup.select("#competency-list li"))
    finance = soup.select_one('section[data-objective-area="Finance / Results"]')
    assert finance.h2.get_text(strip=True) == "Finance / Results"
    links = finance.select("p a")
    assert "Achieving Commercial Outcomes" in texts(links)
    assert "(“Achieving Outcomes Through Delivery Partners”)" in finance.select_one("p").get_text()


def test_council_role_profile_shows_essential_criteria(page):
    soup = page("/frameworks/maldon-core-competencies/roles/maldon-caseworker-level-1")
    assert soup.select_one("#essential-criteria")
    qualifications = texts(soup.select("ul[data-category=qualifications] li"))
    assert qualifications == ["Good standard of education with a minimum of 5 GCSEs or equivalent experience."]
    assert len(texts(soup.select("#competency-list li"))) == 7


def test_framework_without_indicators_explains_so(page):
    soup = page("/frameworks/maldon-core-competencies/competencies/customer-focus")
    assert soup.h1.get_text(strip=True) == "Customer Focus"
    assert "does not publish behaviour indicators" in soup.main.get_text()
    assert not soup.select(".govuk-accordion")


@pytest.mark.parametrize(
    "url",
    [
        "/frameworks/nope",
        "/frameworks/civil-service-2012/competencies/nope",
        "/frameworks/civil-service-2012/grades/nope",
        "/frameworks/civil-service-2012/roles/nope",
        # A real role profile under another framework's address is not found either.
        "/frameworks/guildford-behaviours/roles/dwp-cmg-ao-applications",
        "/frameworks/guildford-behaviours/grades/band-c",
    ],
)
def test_unknown_pages_are_friendly_404s(page, url):
    soup = page(url, status=404)
    assert soup.h1.get_text(strip=True) == "Page not found"
    assert soup.title.get_text().startswith("Page not found")


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("database down")

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "unreachable"}
