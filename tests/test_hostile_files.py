"""The importers fed bad files: the framework YAML importer (`flask --app recruit frameworks import FILE`) and
the applications CSV importer (its upload page and its service). Every file is refused with a clear message
naming what is wrong, nothing is written, and no traceback reaches the person importing.
"""

from __future__ import annotations

import codecs
import csv
import io
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import func, select

from recruit.extensions import db
from recruit.models import Application, AuditEvent, Framework, Indicator, PersonalDetails, Statement, User
from recruit.services.applications import csv_import as application_import
from recruit.services.frameworks.yaml_files import MAX_FILE_BYTES
from tests.helpers import ROOT, error_messages, listed_problems, parse, upload

SEEDS = ROOT / "seeds"
REFUSED = "was refused; nothing was changed"

# ---------------------------------------------------------------- framework files

GOOD_FRAMEWORK = """\
slug: hostile-test
name: Hostile Test Framework
source: Written for this test
licence: Open Government Licence v3.0
levels:
  - {number: 1, name: Level 1}
clusters:
  - name: Only cluster
    competencies:
      - slug: only-competency
        name: Only Competency
        indicators:
          1:
            effective: [Does the thing well]
            ineffective: [Does not do the thing]
grades:
  - slug: band-x
    name: Band X
    levels: {only-competency: 1}
"""


def billion_laughs(depth: int = 9) -> bytes:
    lines = ['a0: &a0 "lol"']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, depth + 1)]
    return ("\n".join(lines) + "\n").encode()


HOSTILE_YAML = {
    "unclosed flow list": (b"slug: [unclosed\n", "line 2, column 1"),
    "tab indentation": (b"slug: x\nlevels:\n\t- 1\n", "line 3, column 1: found character '\\t'"),
    "not yaml at all": (b"{{{{ ]]]] :::: ", "line 1"),
    "over 2 MB": (b"# " + b"x" * MAX_FILE_BYTES + b"\n", "the file is larger than 2 MB"),
    "utf-16 with a byte-order mark": (GOOD_FRAMEWORK.encode("utf-16"), "the file is not UTF-8 text (byte 0)"),
    "utf-16 without a byte-order mark": (GOOD_FRAMEWORK.encode("utf-16-le"), "special characters are not allowed"),
    "latin-1": (
        GOOD_FRAMEWORK.replace("Only Competency", "Compétence").encode("latin-1"),
        "the file is not UTF-8 text",
    ),
    "binary (a PNG)": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "the file is not UTF-8 text"),
    "nul bytes": (GOOD_FRAMEWORK.replace("Level 1", "Level\x001").encode(), "special characters are not allowed"),
    "nul written as an escape": (
        GOOD_FRAMEWORK.replace("name: Only Competency", 'name: "Only\\0Competency"').encode(),
        "clusters[0].competencies[0].name: must not contain a NUL character",
    ),
    "billion laughs": (billion_laughs(), "anchors and aliases (*name) are not allowed"),
    "merge key": (b"base: &b {name: x}\nslug:\n  <<: *b\n", "anchors and aliases (*name) are not allowed"),
    "deeply nested lists": (
        b"slug: " + b"[" * 100_000 + b"]" * 100_000 + b"\n",
        "lists and mappings are nested more than 50 deep",
    ),
    "deeply nested mappings": (
        b"slug: " + b"{a: " * 20_000 + b"1" + b"}" * 20_000 + b"\n",
        "lists and mappings are nested more than 50 deep",
    ),
    "deeply nested blocks": (
        "".join("  " * i + f"k{i}:\n" for i in range(200)).encode(),
        "lists and mappings are nested more than 50 deep",
    ),
    "python object tag": (
        b"!!python/object/apply:os.system ['echo owned']\n",
        "could not determine a constructor for the tag",
    ),
    "unknown local tag": (b"slug: !secret x\n", "could not determine a constructor for the tag '!secret'"),
    "duplicate key": (GOOD_FRAMEWORK.encode() + b"slug: again\n", "duplicate key 'slug'"),
    "a list as a key": (b"? [1, 2]\n: x\n", "a key must be plain text or a number"),
    "two documents": (GOOD_FRAMEWORK.encode() + b"---\nslug: second\n", "but found another document"),
    "empty file": (b"", "the file must be a mapping of names to values"),
    "only a comment": (b"# nothing here\n", "the file must be a mapping of names to values"),
    "a list": (b"- slug: x\n", "the file must be a mapping of names to values"),
    "a number": (b"42\n", "the file must be a mapping of names to values"),
    "a date for the slug": (
        GOOD_FRAMEWORK.replace("slug: hostile-test", "slug: 2026-03-27").encode(),
        "slug: must be text",
    ),
    "a huge level number": (
        GOOD_FRAMEWORK.replace("number: 1,", "number: 99999999999999999999999,").encode(),
        "levels[0].number: is too large",
    ),
    "not a number as a level": (
        GOOD_FRAMEWORK.replace("number: 1,", "number: .nan,").encode(),
        "levels[0].number: must be a whole number",
    ),
    "a true for a level": (
        GOOD_FRAMEWORK.replace("number: 1,", "number: true,").encode(),
        "levels[0].number: must be a whole number",
    ),
    "a very long name": (
        GOOD_FRAMEWORK.replace("name: Hostile Test Framework", "name: " + "x" * 5000).encode(),
        "name: is too long",
    ),
    "an unknown field": (GOOD_FRAMEWORK.encode() + b"owner: someone\n", "owner: is not a field this file can have"),
}


def framework_counts() -> dict[str, int]:
    return {
        "frameworks": db.session.scalar(select(func.count(Framework.id))),
        "indicators": db.session.scalar(select(func.count(Indicator.id))),
        "audit": db.session.scalar(select(func.count(AuditEvent.id))),
    }


def import_framework(runner, path: Path):
    return runner.invoke(args=["frameworks", "import", str(path)])


def assert_refused_cleanly(result, message: str) -> None:
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1, (
        f"the import did not end with a message: {result.exception!r}"
    )
    assert REFUSED in result.output
    assert message in result.output, result.output[:2000]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("raw, message", list(HOSTILE_YAML.values()), ids=list(HOSTILE_YAML))
def test_a_hostile_framework_file_is_refused_with_a_message_and_writes_nothing(
    runner, tmp_path, count_writes, raw, message
):
    path = tmp_path / "framework.yaml"
    path.write_bytes(raw)
    before = framework_counts()
    with count_writes() as writes:
        result = import_framework(runner, path)
    assert_refused_cleanly(result, message)
    assert writes.statements == []
    assert framework_counts() == before


def test_a_framework_file_with_a_byte_order_mark_and_windows_line_endings_imports(runner, tmp_path):
    path = tmp_path / "framework.yaml"
    path.write_bytes(codecs.BOM_UTF8 + GOOD_FRAMEWORK.replace("\n", "\r\n").encode())
    result = import_framework(runner, path)
    assert result.exit_code == 0, result.output
    assert "Imported Hostile Test Framework (hostile-test)." in result.output


def test_nesting_at_the_limit_is_read_and_then_checked(runner, tmp_path):
    """The depth limit stops nothing a real file holds: 50 levels is read, and the schema then says why not."""
    path = tmp_path / "framework.yaml"
    path.write_bytes(b"slug: " + b"[" * 49 + b"]" * 49 + b"\n")
    result = import_framework(runner, path)
    assert_refused_cleanly(result, "slug: must be text")


def test_a_framework_file_far_over_the_limit_is_not_read_whole(runner, tmp_path):
    """A 256 MB file is refused after reading no more than the limit, as a device that never ends would be."""
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(256 * 1024 * 1024)  # sparse: takes no disk space
    tracemalloc.start()
    try:
        result = import_framework(runner, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert_refused_cleanly(result, "the file is larger than 2 MB")
    assert peak < 32 * 1024 * 1024, f"reading the file took {peak // (1024 * 1024)} MB"


def test_a_device_that_never_ends_is_refused(runner):
    result = import_framework(runner, Path("/dev/zero"))
    assert_refused_cleanly(result, "the file is larger than 2 MB")


# ---------------------------------------------------------------- applications CSV files


@pytest.fixture
def codes(campaign):
    return [criterion.code for criterion in campaign.criteria_at("sift")]


def make_csv(rows: list[list[str]], *, newline: str = "\r\n") -> str:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator=newline).writerows(rows)
    return out.getvalue()


def evidence(n: int = 1) -> str:
    return f"I led a team of {n + 4} through a change of system and kept the service running."


def good_rows(codes: list[str], count: int = 2) -> list[list[str]]:
    return [["name", "email", "phone", *codes]] + [
        [f"Candidate {n}", f"candidate{n}@example.org", "01632 960 001", *[evidence(n)] * len(codes)]
        for n in range(1, count + 1)
    ]


def import_counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Application, PersonalDetails, Statement, AuditEvent)
    }


def hostile_csv(codes: list[str]) -> dict[str, tuple[bytes, list[str]]]:
    """Each bad file, and problems that must be among those listed for it."""
    rows = good_rows(codes)
    clean = make_csv(rows)
    formula = [row[:] for row in rows]
    formula[1][0] = "=cmd|' /C calc'!A0"
    formula[2][1] = "@SUM(1+1)@example.org"
    formula[2][3] = "=2+3+cmd|' /C calc'!A0"
    formula[1][2] = "=1+1"
    ragged = [rows[0], rows[1][:3], rows[2] + ["surplus"]]
    duplicated = [rows[0] + ["NAME", codes[0]], rows[1] + ["Again", "More"], rows[2] + ["Again", "More"]]
    return {
        "formula injection": (
            make_csv(formula).encode(),
            [
                "Row 2, column name: starts with =, which a spreadsheet runs as a formula; "
                "remove it or start the cell with a letter or number",
                "Row 2, column phone: starts with =, which a spreadsheet runs as a formula; "
                "remove it or start the cell with a letter or number",
                "Row 3, column email: starts with @, which a spreadsheet runs as a formula; "
                "remove it or start the cell with a letter or number",
                f"Row 3, column {codes[0]}: starts with =, which a spreadsheet runs as a formula; "
                "remove it or start the cell with a letter or number",
            ],
        ),
        "ragged rows": (
            make_csv(ragged).encode(),
            [
                f"Row 2, column {codes[0]}: is empty; every criterion needs the candidate's evidence",
                f"Row 3, column {len(rows[0]) + 1}: has a value, but the header row has only {len(rows[0])} columns",
            ],
        ),
        "duplicate headers": (
            make_csv(duplicated).encode(),
            ["Header, column name: appears more than once", f"Header, column {codes[0]}: appears more than once"],
        ),
        "utf-16 with a byte-order mark": (
            clean.encode("utf-16"),
            ["The file is UTF-16 text, not UTF-8. In a spreadsheet, save it as 'CSV UTF-8 (Comma delimited)'"],
        ),
        "utf-16 big-endian": (
            codecs.BOM_UTF16_BE + clean.encode("utf-16-be"),
            ["The file is UTF-16 text, not UTF-8. In a spreadsheet, save it as 'CSV UTF-8 (Comma delimited)'"],
        ),
        "utf-16 without a byte-order mark": (
            clean.encode("utf-16-le"),
            [
                "The file is not a CSV file: it contains binary data, as a workbook or a PDF does. "
                "In a spreadsheet, save it as 'CSV UTF-8 (Comma delimited)'"
            ],
        ),
        "latin-1": (
            clean.replace("Candidate 1", "Zoë Brontë").encode("latin-1"),
            [
                "The file is not all UTF-8 text, so some characters cannot be read. "
                "In a spreadsheet, save it as 'CSV UTF-8 (Comma delimited)'",
                "Row 2, column name: has characters that are not UTF-8",
            ],
        ),
        "a workbook": (
            b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4,
            [
                "The file is not a CSV file: it contains binary data, as a workbook or a PDF does. "
                "In a spreadsheet, save it as 'CSV UTF-8 (Comma delimited)'"
            ],
        ),
        "nul bytes in a cell": (
            clean.replace("Candidate 2", "Candi\x00date").encode(),
            [
                "The file is not a CSV file: it contains binary data, as a workbook or a PDF does. "
                "In a spreadsheet, save it as 'CSV UTF-8 (Comma delimited)'"
            ],
        ),
        "a byte-order mark twice": (
            (codecs.BOM_UTF8 * 2) + clean.encode(),
            [
                "Header, column \ufeffname: is not a criterion of this campaign; use the codes listed on the import page",
                "Header, column name: is missing",
            ],
        ),
        "unterminated quotes": (
            b'name,email\r\n"Candidate 1,candidate1@example.org\r\n',
            ["Row 2: is not valid CSV (unexpected end of data); check its quotation marks"],
        ),
        "a cell over the csv field limit": (
            make_csv([rows[0], [*rows[1][:3], "x" * 200_000, *rows[1][4:]]]).encode(),
            ["Row 2: is not valid CSV (field larger than field limit (131072)); check its quotation marks"],
        ),
        "semicolons, not commas": (
            clean.replace(",", ";").encode(),
            ["Header, column name: is missing", "Header, column email: is missing"],
        ),
        "empty": (b"", ["The file is empty: it needs a header row and one row per application"]),
        "only blank lines": (
            b"\r\n\r\n ,  , \r\n",
            ["The file is empty: it needs a header row and one row per application"],
        ),
        "a header and no rows": (
            make_csv(rows[:1]).encode(),
            ["The file has a header row but no applications: add one row for each application under it"],
        ),
        "too many rows": (
            make_csv(rows[:1] + [["a", "b"]] * (application_import.MAX_ROWS + 1)).encode(),
            [f"The file has more than {application_import.MAX_ROWS} rows; split it into smaller files"],
        ),
        "thousands of unknown columns": (
            make_csv([rows[0] + [f"extra{n}" for n in range(3000)], rows[1] + [""] * 3000]).encode(),
            [
                "Header, column extra0: is not a criterion of this campaign; use the codes listed on the import page",
                "Header, column extra2999: is not a criterion of this campaign; use the codes listed on the import page",
            ],
        ),
    }


CSV_CASES = list(hostile_csv(["code"]))


@pytest.mark.parametrize("case", CSV_CASES)
def test_a_hostile_csv_upload_is_refused_with_every_problem_and_writes_nothing(
    as_admin, campaign, codes, count_writes, case
):
    data, expected = hostile_csv(codes)[case]
    before = import_counts()
    with count_writes() as writes:
        response = upload(as_admin, campaign, data)
    assert response.status_code == 400
    problems = listed_problems(response)
    messages = error_messages(parse(response))
    assert messages and messages[0].startswith("The file has") and messages[0].endswith("nothing was imported")
    for problem in expected:
        assert problem in problems, f"{problem!r} not among {problems[:10]}"
    assert "Traceback" not in response.get_data(as_text=True)
    assert writes.statements == []
    assert import_counts() == before


@pytest.mark.parametrize("case", ["formula injection", "latin-1", "duplicate headers"])
def test_the_import_service_refuses_the_same_files_writing_nothing(admin, campaign, codes, count_writes, case):
    data, expected = hostile_csv(codes)[case]
    with count_writes() as writes, pytest.raises(application_import.FileProblems) as refused:
        application_import.import_applications(admin, campaign, data, send_claim_links=False)
    assert set(expected) <= {str(problem) for problem in refused.value.problems}
    assert writes.statements == []


def test_a_phone_number_may_start_with_a_plus_and_evidence_with_a_quotation_mark(as_admin, campaign, codes):
    rows = good_rows(codes)
    rows[1][2] = "+44 1632 960 001"
    rows[1][3] = "'=' is how I started the formula, and I led the team that found the error."
    response = upload(as_admin, campaign, make_csv(rows).encode())
    assert response.status_code == 200, listed_problems(response)
    assert parse(response).h1.get_text(strip=True).startswith("2 applications imported")


def test_an_upload_over_the_request_limit_is_refused_with_a_page_saying_so(
    app, as_admin, campaign, codes, count_writes, monkeypatch
):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    rows = good_rows(codes, count=200)
    before = import_counts()
    with count_writes() as writes:
        response = upload(as_admin, campaign, make_csv(rows).encode())
    assert response.status_code == 413
    assert parse(response).h1.get_text(strip=True) == "The file is too large"
    assert writes.statements == []
    assert import_counts() == before


def test_a_file_over_the_import_limit_is_refused(as_admin, campaign, codes, count_writes, monkeypatch):
    monkeypatch.setattr(application_import, "MAX_BYTES", 1024 * 1024)
    data = make_csv(good_rows(codes)).encode() + b"\r\n" * (1024 * 1024)
    with count_writes() as writes:
        response = upload(as_admin, campaign, data)
    assert response.status_code == 400
    assert listed_problems(response) == ["The file is larger than 1 MB"]
    assert writes.statements == []


def test_evidence_written_as_bullets_imports(as_admin, campaign, codes):
    rows = good_rows(codes, count=1)
    rows[1][3] = "- I led a team of six through a change of system.\n- I kept the service running."
    rows[1][4 if len(codes) > 1 else 3] = "+ I trained new colleagues and wrote the guidance they used."
    before = import_counts()
    response = upload(as_admin, campaign, make_csv(rows).encode())
    assert response.status_code in (200, 302), listed_problems(response) if response.status_code == 400 else ""
    assert import_counts()["Statement"] == before["Statement"] + len(codes)
