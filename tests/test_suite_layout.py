"""The suite's own shape: tests/ mirrors recruit/, shared code lives in tests/ (never in bench/), and there is one
`admin` fixture.

Where a test module goes: in the folder of the recruit/ package it mainly tests, so tests/auth/ for the sign-in
pages, tests/services/assessment/ for the scoring rules, tests/models/ for the models; in tests/ itself for
recruit/'s top-level modules (access, security, errors, templating, links, log masking, the database) and for
checks of the whole app; in tests/journeys/ for the browser journeys.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
RECRUIT = TESTS.parent / "recruit"
# Folders of tests/ that mirror no package of recruit/: the browser journeys, and data files.
OWN_FOLDERS = {"journeys", "fixtures"}


def python_files() -> list[Path]:
    return sorted(path for path in TESTS.rglob("*.py") if "__pycache__" not in path.parts)


def suite_modules() -> list[Path]:
    return [path for path in python_files() if path.name.startswith("test_")]


def relative(path: Path) -> str:
    return path.relative_to(TESTS).as_posix()


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_test_code_imports_bench():
    """bench/ may use what tests/ shares (tests/concurrency_support.py); the suite never depends on bench/."""
    offenders = [
        relative(path)
        for path in python_files()
        if any(name == "bench" or name.startswith("bench.") for name in imported_modules(path))
    ]
    assert offenders == []


def test_the_admin_fixture_is_defined_once_in_conftest():
    offenders = []
    for path in python_files():
        if path == TESTS / "conftest.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offenders += [
            f"{relative(path)}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "admin"
        ]
    assert offenders == [], "use the `admin` fixture of tests/conftest.py (a mark gives it other details)"


def test_every_test_module_lives_in_a_folder_mirroring_recruit():
    misplaced = []
    for path in suite_modules():
        folder = path.parent.relative_to(TESTS)
        if folder == Path(".") or folder.parts[0] in OWN_FOLDERS:
            continue
        if not (RECRUIT / folder / "__init__.py").is_file():
            misplaced.append(relative(path))
    assert misplaced == [], "each folder of tests/ is named after a package of recruit/ (or is tests/journeys)"


def test_every_folder_of_tests_is_a_package():
    """With an __init__.py in every folder, modules import as tests.<folder>.<module>: two folders may hold modules
    of the same name, and every folder reaches tests/conftest.py and imports tests.helpers the same way."""
    folders = {path.parent for path in suite_modules()}
    missing = sorted(relative(folder / "__init__.py") for folder in folders if not (folder / "__init__.py").is_file())
    assert missing == []


# tests/ itself holds the tests of recruit/'s top-level modules (listed with the module they test) and the checks
# that run across the whole app. A new module here belongs in one of the two lists, or in a package's folder.
TOP_LEVEL_MODULE_TESTS = {
    "test_access.py": "access.py",
    "test_blas_threads.py": "__init__.py",
    "test_choice_widgets.py": "choice_widgets.py",
    "test_database.py": "database.py",
    "test_email_links.py": "links.py",
    "test_errors.py": "errors.py",
    "test_next_redirect.py": "access.py",
    "test_secret_logging.py": "log_masking.py",
    "test_security_headers.py": "security.py",
    "test_status_pages.py": "labels.py",
    "test_templates.py": "templating.py",
    "test_url_patterns.py": "url_patterns.py",
}
WHOLE_APP_CHECKS = {
    "test_concurrency.py",
    "test_csrf.py",
    "test_dependency_lock.py",
    "test_fuzz_forms.py",
    "test_fuzz_urls.py",
    "test_get_requests_write_nothing.py",
    "test_gunicorn_settings.py",
    "test_hostile_files.py",
    "test_migrations.py",
    "test_page_queries.py",
    "test_suite_layout.py",
}


def test_tests_at_the_top_test_top_level_modules_or_the_whole_app():
    at_top = {path.name for path in suite_modules() if path.parent == TESTS}
    assert at_top == set(TOP_LEVEL_MODULE_TESTS) | WHOLE_APP_CHECKS
    assert [module for module in TOP_LEVEL_MODULE_TESTS.values() if not (RECRUIT / module).is_file()] == []
