"""The requirement catalogue: groups of documented requirements, each with a stable ID.

The catalogue lives in ``fixtures/requirements.yaml``::

    catalogue: <title>
    groups:
    - group: AC-ANS
      title: an answered call really connects
      seed: <source document>
      requirements:
      - id: AC-ANS-1
        statement: ...
        reference_choice: false

Scenarios carry requirement IDs as Gherkin tags; the report joins the two so that a
requirement no scenario covers shows up as a gap.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

#: What a requirement ID looks like when used as a tag (and therefore a pytest marker).
REQUIREMENT_ID = re.compile(r"^(AC|ZT|SG|CC|H)-[A-Z]+-\d+$")


class CatalogueError(ValueError):
    """The catalogue file is not shaped as documented in this module."""


@dataclass(frozen=True)
class Requirement:
    """One documented rule, identified by ``id`` (e.g. ``AC-ANS-1``)."""

    id: str
    statement: str
    group: str
    reference_choice: bool


@dataclass(frozen=True)
class Group:
    """A set of requirements drawn from one source document."""

    id: str
    title: str
    seed: str
    requirements: tuple[Requirement, ...]


@dataclass(frozen=True)
class Catalogue:
    """All groups, in file order, with lookup by requirement ID."""

    title: str
    groups: tuple[Group, ...]
    _by_id: dict[str, Requirement] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id: dict[str, Requirement] = {}
        for requirement in self.requirements():
            if requirement.id in by_id:
                raise CatalogueError(f"requirement {requirement.id} is listed twice")
            by_id[requirement.id] = requirement
        # Frozen dataclass: the index is derived once, here.
        object.__setattr__(self, "_by_id", by_id)

    def requirements(self) -> Iterator[Requirement]:
        """Every requirement, group by group, in file order."""
        for group in self.groups:
            yield from group.requirements

    def get(self, requirement_id: str) -> Requirement | None:
        """The requirement with this ID, or None when the catalogue does not list it."""
        return self._by_id.get(requirement_id)

    def group(self, group_id: str) -> Group | None:
        """The group with this ID, or None."""
        for group in self.groups:
            if group.id == group_id:
                return group
        return None

    def selection(self, text: str) -> tuple[str, ...]:
        """Comma-separated group IDs (``AC-ANS``, ``H``), ID prefixes (``H-SEC``) or ``all``,
        each checked against the catalogue; ValueError names the first unknown one."""
        chosen = tuple(part.strip() for part in text.split(",") if part.strip())
        if not chosen:
            raise ValueError("name at least one requirement group")
        known = {group.id for group in self.groups}
        ids = [requirement.id for requirement in self.requirements()]
        for name in chosen:
            if (
                name != "all"
                and name not in known
                and not any(i.startswith(name + "-") for i in ids)
            ):
                raise ValueError(
                    f"no requirement group or ID prefix {name!r} in the catalogue (groups: "
                    f"{', '.join(sorted(known)) or 'none'}; or 'all')"
                )
        return chosen

    @classmethod
    def empty(cls) -> Catalogue:
        """A catalogue with no requirement, for runs without a catalogue file."""
        return cls(title="", groups=())


def _text(data: Mapping[str, object], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(f"{where}: '{key}' must be a non-empty string")
    return value.strip()


def parse_catalogue(data: object) -> Catalogue:
    """Build a :class:`Catalogue` from the YAML document already loaded as Python data."""
    if not isinstance(data, Mapping):
        raise CatalogueError("the catalogue must be a mapping with 'groups'")
    raw_groups = data.get("groups")
    if not isinstance(raw_groups, list):
        raise CatalogueError("'groups' must be a list")
    groups = []
    for index, raw_group in enumerate(raw_groups):
        if not isinstance(raw_group, Mapping):
            raise CatalogueError(f"groups[{index}] must be a mapping")
        group_id = _text(raw_group, "group", f"groups[{index}]")
        raw_requirements = raw_group.get("requirements")
        if not isinstance(raw_requirements, list):
            raise CatalogueError(f"group {group_id}: 'requirements' must be a list")
        requirements = []
        for raw in raw_requirements:
            if not isinstance(raw, Mapping):
                raise CatalogueError(f"group {group_id}: each requirement must be a mapping")
            requirement_id = _text(raw, "id", f"group {group_id}")
            if not REQUIREMENT_ID.match(requirement_id):
                raise CatalogueError(f"{requirement_id}: not a requirement ID")
            choice = raw.get("reference_choice", False)
            if not isinstance(choice, bool):
                raise CatalogueError(f"{requirement_id}: 'reference_choice' must be true or false")
            requirements.append(
                Requirement(
                    id=requirement_id,
                    statement=_text(raw, "statement", requirement_id),
                    group=group_id,
                    reference_choice=choice,
                )
            )
        groups.append(
            Group(
                id=group_id,
                title=str(raw_group.get("title", "")).strip(),
                seed=str(raw_group.get("seed", "")).strip(),
                requirements=tuple(requirements),
            )
        )
    return Catalogue(title=str(data.get("catalogue", "")).strip(), groups=tuple(groups))


def load_catalogue(path: Path) -> Catalogue:
    """Read and validate the catalogue file at ``path``."""
    with path.open(encoding="utf-8") as stream:
        try:
            data = yaml.safe_load(stream)
        except yaml.YAMLError as exc:
            raise CatalogueError(f"{path}: not valid YAML: {exc}") from exc
    return parse_catalogue(data)
