"""Loading the seed data in seeds/: scales, frameworks, then role profiles, all or nothing.

Running it again changes nothing; an edited file updates its records in place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from recruit.extensions import db
from recruit.services.frameworks.framework_files import apply_framework, parse_framework
from recruit.services.frameworks.role_profiles import apply_role_profile, parse_role_profile
from recruit.services.frameworks.scales import apply_scales, parse_scales
from recruit.services.frameworks.yaml_files import FileProblems, Problem, load_yaml
from recruit.services.unit_of_work import unit_of_work

Spec = TypeVar("Spec")


@dataclass
class SeedSummary:
    scales: int = 0
    frameworks: list[str] = field(default_factory=list)
    role_profiles: list[str] = field(default_factory=list)


def _read(path: Path, parse: Callable[..., Spec], problems: list[Problem], root: Path, **kwargs: Any) -> Spec | None:
    """The parsed file, or None when it has problems (added to `problems`)."""
    try:
        return parse(load_yaml(path.read_bytes()), **kwargs)
    except FileProblems as error:
        name = path.relative_to(root.parent) if root.parent in path.parents else path
        problems.extend(Problem(f"{name}: {p.path}" if p.path else str(name), p.message) for p in error.problems)
        return None


def _read_all(paths: list[Path], parse: Callable[[Any], Spec], problems: list[Problem], root: Path) -> list[Spec]:
    """The files that could be read; the others have their problems added to `problems`."""
    specs = [_read(path, parse, problems, root) for path in paths]
    return [spec for spec in specs if spec is not None]


def seed(seeds_dir: str | Path) -> SeedSummary:
    """Validate and apply every seed file in one transaction; raise FileProblems and change nothing on error."""
    root = Path(seeds_dir)
    problems: list[Problem] = []
    scales = _read(root / "scales.yaml", parse_scales, problems, root)
    frameworks = _read_all(sorted((root / "frameworks").glob("*.yaml")), parse_framework, problems, root)
    if problems or scales is None:
        raise FileProblems(problems)

    summary = SeedSummary()
    with unit_of_work():
        apply_scales(scales)
        summary.scales = len(scales.scales)
        for spec in frameworks:
            apply_framework(spec)
            summary.frameworks.append(spec.slug)
        # Role profiles refer to frameworks, so they are checked against what was just applied.
        db.session.flush()
        roles = _read_all(sorted((root / "roles").glob("*.yaml")), parse_role_profile, problems, root)
        if problems:
            raise FileProblems(problems)
        for role in roles:
            apply_role_profile(role)
            summary.role_profiles.append(role.slug)
    return summary
