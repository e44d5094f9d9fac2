"""Framework import and export (DESIGN §3): all-or-nothing imports with every problem by path, lossless export."""

import shutil

import pytest
from sqlalchemy import func, select

from recruit.extensions import db
from recruit.models import Framework, Indicator
from recruit.services.frameworks.framework_files import export_framework, import_framework_file, parse_framework
from recruit.services.frameworks.yaml_files import FileProblems, dump_yaml, load_yaml
from tests.helpers import ROOT

SEEDS = ROOT / "seeds"
SEEDED = sorted(p.stem for p in (SEEDS / "frameworks").glob("*.yaml"))

BROKEN = """\
slug: Bad Slug
name: ""
source: A source
licence: A licence
levels:
  - {number: 1, name: Level 1}
  - {number: 1, name: Again}
clusters:
  - name: Only cluster
    competencies:
      - slug: one
        name: One
        indicators:
          3:
            effective: ["", "A real indicator"]
          1:
            effective: [Good]
            ineffective: [Fine]
            unknown: [x]
      - slug: one
        name: Two
grades:
  - slug: g
    name: G
    levels: {missing: 1, one: 9}
"""

EXPECTED_PROBLEMS = [
    "slug: must be lowercase letters, numbers and hyphens (like band-c)",
    "name: empty text",
    "levels[1].number: level 1 appears more than once",
    "clusters[0].competencies[0].indicators.3.effective[0]: empty text",
    "clusters[0].competencies[0].indicators.3: there is no level 3 in levels",
    "clusters[0].competencies[0].indicators.1.unknown: is not a field this file can have",
    "clusters[0].competencies[1].slug: slug 'one' is used by another competency",
    "grades[0].levels.missing: no competency has the slug 'missing'",
    "grades[0].levels.one: there is no level 9 in levels",
]


def table_counts():
    return {
        "frameworks": db.session.scalar(select(func.count(Framework.id))),
        "indicators": db.session.scalar(select(func.count(Indicator.id))),
    }


def test_broken_file_lists_every_problem_by_path_and_changes_nothing(runner, tmp_path, count_writes):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    before = table_counts()
    with count_writes() as writes:
        result = runner.invoke(args=["frameworks", "import", str(path)])
    assert result.exit_code == 1
    assert "nothing was changed" in result.output
    for problem in EXPECTED_PROBLEMS:
        assert problem in result.output
    assert writes.statements == []
    assert table_counts() == before


def test_problems_are_collected_not_stopped_at_the_first():
    with pytest.raises(FileProblems) as error:
        parse_framework(load_yaml(BROKEN.encode()))
    assert sorted(str(p) for p in error.value.problems) == sorted(EXPECTED_PROBLEMS)


def test_path_style_matches_the_design_example():
    data = load_yaml((SEEDS / "frameworks" / "civil-service-2012.yaml").read_bytes())
    data["clusters"][1]["competencies"][0]["indicators"][3]["effective"][2] = "   "
    with pytest.raises(FileProblems) as error:
        parse_framework(data)
    assert [str(p) for p in error.value.problems] == [
        "clusters[1].competencies[0].indicators.3.effective[2]: empty text"
    ]


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"slug: [unclosed", "line 1"),
        (b"\xff\xfe not utf-8 \x80", "not UTF-8"),
        (b"- just\n- a list\n", "the file must be a mapping"),
        (b"slug: a\nslug: b\n", "duplicate key 'slug'"),
        (b"a: &x [1]\nb: *x\n", "anchors and aliases"),
        (b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(raw, message):
    with pytest.raises(FileProblems) as error:
        import_framework_file(raw)
    assert message in str(error.value)


def test_import_cli_reports_a_missing_file(runner, tmp_path):
    result = runner.invoke(args=["frameworks", "import", str(tmp_path / "nope.yaml")])
    assert result.exit_code != 0
    assert "does not exist" in result.output


def test_export_unknown_slug_fails_clearly(runner):
    result = runner.invoke(args=["frameworks", "export", "no-such-framework"])
    assert result.exit_code == 1
    assert "There is no framework with the slug 'no-such-framework'" in result.output


@pytest.mark.parametrize("slug", SEEDED)
def test_export_gives_back_the_seed_file(slug):
    framework = db.session.scalar(select(Framework).where(Framework.slug == slug))
    exported = parse_framework(load_yaml(dump_yaml(export_framework(framework)).encode()))
    original = parse_framework(load_yaml((SEEDS / "frameworks" / f"{slug}.yaml").read_bytes()))
    assert exported == original


@pytest.mark.parametrize("slug", SEEDED)
def test_export_then_import_into_an_empty_database_is_identical(runner, slug, tmp_path):
    exported = runner.invoke(args=["frameworks", "export", slug])
    assert exported.exit_code == 0
    db.session.delete(db.session.scalar(select(Framework).where(Framework.slug == slug)))
    db.session.commit()
    assert db.session.scalar(select(Framework).where(Framework.slug == slug)) is None

    path = tmp_path / f"{slug}.yaml"
    path.write_text(exported.output)
    imported = runner.invoke(args=["frameworks", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    assert runner.invoke(args=["frameworks", "export", slug]).output == exported.output


def test_reimporting_an_unchanged_framework_writes_nothing(runner, tmp_path, count_writes):
    path = tmp_path / "cs.yaml"
    assert runner.invoke(args=["frameworks", "export", "civil-service-2012", "-o", str(path)]).exit_code == 0
    with count_writes() as writes:
        result = runner.invoke(args=["frameworks", "import", str(path)])
    assert result.exit_code == 0
    assert writes.statements == []


def test_seed_twice_changes_nothing(runner, count_writes):
    with count_writes() as writes:
        result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "4 frameworks" in result.output
    assert writes.statements == []


def test_edited_seed_updates_in_place(runner, tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    cs = db.session.scalar(select(Framework).where(Framework.slug == "civil-service-2012"))
    first = cs.competencies[0].indicators_at(1)["effective"][0]
    indicator_id, old_text = first.id, first.text
    path = seeds / "frameworks" / "civil-service-2012.yaml"
    path.write_text(path.read_text().replace(old_text, old_text + " (revised)", 1))

    result = runner.invoke(args=["seed", "--dir", str(seeds)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(Indicator, indicator_id).text == old_text + " (revised)"


def test_seed_with_a_bad_role_profile_changes_nothing(runner, tmp_path, count_writes):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    (seeds / "roles" / "zz-broken.yaml").write_text(
        "slug: zz-broken\ntitle: Broken\norganisation: Test\nframework: civil-service-2012\nlevel: 9\n"
        "competencies: [Not A Competency]\n"
    )
    with count_writes():
        result = runner.invoke(args=["seed", "--dir", str(seeds)])
    assert result.exit_code == 1
    assert "roles/zz-broken.yaml: level: Civil Service Competency Framework 2012 has no level 9" in result.output
    assert "roles/zz-broken.yaml: competencies[0]: 'Not A Competency' is not the name or alias" in result.output
    assert db.session.scalar(select(func.count()).select_from(Framework)) == 4
