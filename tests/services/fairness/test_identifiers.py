"""Finding what in a statement could identify the candidate: each kind, things that only look like one, whole words
only, overlaps merged, and all of it offline."""

from __future__ import annotations

import socket

import pytest

from recruit.services.fairness.identifiers import Finder, find, name_parts, organisation_lines


def kinds(text: str, name: str = "", organisations: str = "") -> list[tuple[str, str]]:
    return [(span.kind, span.text) for span in find(text, name, organisations)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Write to priya.shah@example.com today.", "priya.shah@example.com"),
        ("Email p_s+jobs@mail.example.co.uk.", "p_s+jobs@mail.example.co.uk"),
        ("(contact: A.N.Other@dept.gov.uk)", "A.N.Other@dept.gov.uk"),
    ],
)
def test_email_addresses(text, expected):
    assert kinds(text) == [("email", expected)]


@pytest.mark.parametrize(
    "text",
    ["I used the @ sign in a spreadsheet.", "The team @ head office", "name@localhost is not a public address"],
)
def test_things_that_are_not_email_addresses(text):
    assert [kind for kind, _ in kinds(text) if kind == "email"] == []


@pytest.mark.parametrize(
    "number",
    [
        "07700 900123",
        "07700900123",
        "07700-900-123",
        "+44 7700 900123",
        "+447700900123",
        "0044 7700 900 123",
        "+44 (0)20 7946 0018",
        "020 7946 0018",
        "(020) 7946 0018",
        "01632 960001",
        "(01632) 960 001",
        "0113 496 0000",
        "0300 123 4567",
        "0800 123 4567",
    ],
)
def test_uk_phone_numbers(number):
    assert kinds(f"Call me on {number} after six.") == [("phone", number)]


@pytest.mark.parametrize(
    "text",
    [
        "We saved £1,000,000 in 2019.",
        "Between 2018 and 2020 I ran 12 teams.",
        "Reference 123456789012 on the invoice.",
        "The budget code is 0123.",
        "Version 1.2.3 shipped.",
        "A 20% cut in 07 days.",
    ],
)
def test_numbers_that_are_not_phone_numbers(text):
    assert kinds(text) == []


@pytest.mark.parametrize("number", ["AB 12 34 56 C", "AB123456C", "JG 10 37 59 A", "ab123456c".upper(), "NA 12 34 56"])
def test_national_insurance_numbers(number):
    assert kinds(f"My NI number is {number}.") == [("ni_number", number)]


@pytest.mark.parametrize(
    "text",
    [
        "QQ123456C is a specimen prefix.",  # Q is never a first letter
        "DA 12 34 56 C",  # nor D
        "AO 12 34 56 C",  # nor O second
        "GB 12 34 56 C",  # a pair never issued
        "TN123456A",  # a pair never issued
        "at 12 34 56 in lower case",
        "AB 12 34 5 C",
    ],
)
def test_things_that_are_not_national_insurance_numbers(text):
    assert [kind for kind, _ in kinds(text) if kind == "ni_number"] == []


@pytest.mark.parametrize(
    "postcode",
    ["SW1A 1AA", "SW1A1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EC1A 1BB", "GIR 0AA", "ls1 4ap"],
)
def test_postcodes(postcode):
    assert kinds(f"I live near {postcode}, by the station.") == [("postcode", postcode)]


@pytest.mark.parametrize(
    "text",
    [
        "See Section 2B of the guidance.",
        "The A1 road and the M25.",
        "A grade 7 post (G7) with 3 direct reports.",
        "Form P45 and form SA100.",
        "Room 4C on floor 2.",
        "Q1 2020 results.",
    ],
)
def test_things_that_are_not_postcodes(text):
    assert [kind for kind, _ in kinds(text) if kind == "postcode"] == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("My portfolio is at https://example.org/me.", "https://example.org/me"),
        ("See http://example.com/a?b=c&d=e, then", "http://example.com/a?b=c&d=e"),
        ("Visit www.priya-designs.co.uk!", "www.priya-designs.co.uk"),
        ("(HTTPS://EXAMPLE.ORG/x)", "HTTPS://EXAMPLE.ORG/x"),
    ],
)
def test_web_addresses(text, expected):
    assert kinds(text) == [("url", expected)]


def test_the_candidates_name_and_its_parts_whole_words_and_any_case():
    text = "Dr Priya Shah-Patel led it. PRIYA spoke; Shah and patel agreed. Priyanka and Shahid did not. Dr Who."
    found = kinds(text, "Dr Priya Shah-Patel")
    assert found == [
        ("name", "Priya Shah-Patel"),
        ("name", "PRIYA"),
        ("name", "Shah"),
        ("name", "patel"),
    ]


def test_a_name_part_that_is_also_a_word_is_found_only_when_it_is_part_of_the_name():
    text = "In May 2020 I may have saved the project."
    assert kinds(text, "Priya Shah") == []
    assert kinds(text, "May Jones") == [("name", "May"), ("name", "may")]


def test_titles_and_initials_are_not_name_parts():
    assert name_parts("Dr J. Smith") == ["J. Smith", "Smith"]
    assert name_parts("Mrs Ann O'Neill") == ["Ann O'Neill", "Ann", "O'Neill", "Neill"]
    assert kinds("The Dr and Mrs of the team, and J.", "Dr J Smith") == []
    assert name_parts("") == []


def test_organisations_listed_whole_words_any_case():
    organisations = "Acme Widgets Ltd\n\n  St Mary's School  \nNHS\nX\n"
    assert organisation_lines(organisations) == ["Acme Widgets Ltd", "St Mary's School", "NHS"]
    text = "At acme widgets ltd and ST MARY'S SCHOOL I worked with the NHS, not NHSX or Acme Widgets Limited."
    assert kinds(text, "", organisations) == [
        ("organisation", "acme widgets ltd"),
        ("organisation", "ST MARY'S SCHOOL"),
        ("organisation", "NHS"),
    ]


def test_many_organisations_in_one_pass():
    organisations = "\n".join(f"Organisation {n:03d}" for n in range(500))
    finder = Finder("", organisations)
    found = finder.find("Organisation 250 and Organisation 499 but not Organisation 5000.")
    assert [s.text for s in found] == ["Organisation 250", "Organisation 499"]


def test_overlapping_findings_are_merged_into_one():
    text = "Write to priya.shah@example.com or www.shah.co.uk/priya."
    found = find(text, "Priya Shah")
    assert [(s.kind, s.text) for s in found] == [("email", "priya.shah@example.com"), ("url", "www.shah.co.uk/priya")]
    assert all(text[s.start : s.end] == s.text for s in found)


def test_spans_point_at_the_text_even_after_characters_whose_lower_case_is_longer():
    text = "İstanbul office: Priya Shah, SW1A 1AA."
    found = find(text, "Priya Shah")
    assert [(s.kind, text[s.start : s.end]) for s in found] == [("name", "Priya Shah"), ("postcode", "SW1A 1AA")]


def test_nothing_in_an_empty_text():
    assert find("", "Priya Shah", "Acme") == []


def test_finding_works_with_the_network_disabled(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the finder tried to use the network")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    text = "I am Priya Shah (priya@example.com, 07700 900123, AB 12 34 56 C, SW1A 1AA) of Acme Widgets."
    assert [s.kind for s in find(text, "Priya Shah", "Acme Widgets")] == [
        "name",
        "email",
        "phone",
        "ni_number",
        "postcode",
        "organisation",
    ]
