"""Loading the seed data in seeds/: scales, frameworks, then role profiles, all or nothing.

Running it again changes nothing; an edited file updates its records in place.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from recruit.extensions import db
from recruit.services.frameworks.framework_files import apply_framework, parse_framework
from recruit.services.frameworks.role_profiles import apply_role_profile, parse_role_profile
from recruit.services.frameworks.scales import apply_scales, parse_scales
from recruit.services.frameworks.yaml_files import FileProblems, Problem, load_yaml
from recruit.services.unit_of_work import unit_of_work


@dataclass
class SeedSummary:
    scales: int = 0
    frameworks: list[str] = field(default_factory=list)
    role_profiles: list[str] = field(default_factory=list)


def _read(path: Path, parse, problems: list[Problem], root: Path, **kwargs):
    try:
        return parse(load_yaml(path.read_bytes()), **kwargs)
    except FileProblems as error:
        name = path.relative_to(root.parent) if root.parent in path.parents else path
        problems.extend(Problem(f"{name}: {p.path}" if p.path else str(name), p.message) for p in error.problems)
        return None


def seed(seeds_dir: str | Path) -> SeedSummary:
    """Validate and apply every seed file in one transaction; raise FileProblems and change nothing on error."""
    root = Path(seeds_dir)
    problems: list[Problem] = []
    scales = _read(root / "scales.yaml", parse_scales, problems, root)
    frameworks = [_read(p, parse_framework, problems, root) for p in sorted((root / "frameworks").glob("*.yaml"))]
    if problems:
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
        roles = [_read(p, parse_role_profile, problems, root) for p in sorted((root / "roles").glob("*.yaml"))]
        if problems:
            raise FileProblems(problems)
        for spec in roles:
            apply_role_profile(spec)
            summary.role_profiles.append(spec.slug)
    return summary
