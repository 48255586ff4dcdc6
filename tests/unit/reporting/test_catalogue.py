"""Loading the requirement catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.reporting.catalogue import (
    REQUIREMENT_ID,
    CatalogueError,
    Requirement,
    load_catalogue,
    parse_catalogue,
)

ROOT = Path(__file__).resolve().parents[3]


def _doc(*requirements: dict[str, object], group: str = "AC-ANS") -> dict[str, object]:
    return {
        "catalogue": "t",
        "groups": [{"group": group, "title": "a title", "requirements": list(requirements)}],
    }


def test_the_project_catalogue_loads() -> None:
    catalogue = load_catalogue(ROOT / "fixtures" / "requirements.yaml")
    ids = [r.id for r in catalogue.requirements()]
    assert len(ids) == len(set(ids)) > 100
    assert ids[0] == "AC-ANS-1"
    first = catalogue.get("AC-ANS-1")
    assert first is not None
    assert first.group == "AC-ANS"
    assert first.statement.startswith("When an agent answers an incoming call")
    assert first.reference_choice is False
    in_1 = catalogue.get("AC-IN-1")
    assert in_1 is not None and in_1.reference_choice is True
    harness_group = catalogue.group("H")
    assert harness_group is not None
    assert all(r.group == "H" for r in harness_group.requirements)
    assert all(REQUIREMENT_ID.match(i) for i in ids)


def test_parse_keeps_order_and_fields() -> None:
    catalogue = parse_catalogue(
        _doc(
            {"id": "AC-ANS-2", "statement": " second ", "reference_choice": True},
            {"id": "AC-ANS-1", "statement": "first"},
        )
    )
    assert list(catalogue.requirements()) == [
        Requirement("AC-ANS-2", "second", "AC-ANS", True),
        Requirement("AC-ANS-1", "first", "AC-ANS", False),
    ]
    assert catalogue.get("AC-ANS-3") is None
    assert catalogue.group("AC-ANS") is not None
    assert catalogue.group("nope") is None


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "mapping"),
        ({"groups": {}}, "'groups' must be a list"),
        (_doc({"id": "AC-ANS-1"}), "'statement'"),
        (_doc({"id": "ANS-1", "statement": "x"}), "not a requirement ID"),
        (_doc({"id": "AC-ANS-1", "statement": "x", "reference_choice": "yes"}), "true or false"),
        (
            _doc({"id": "AC-ANS-1", "statement": "x"}, {"id": "AC-ANS-1", "statement": "y"}),
            "listed twice",
        ),
    ],
)
def test_malformed_catalogues_are_refused(document: object, message: str) -> None:
    with pytest.raises(CatalogueError, match=message):
        parse_catalogue(document)


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "requirements.yaml"
    path.write_text("groups: [unclosed\n")
    with pytest.raises(CatalogueError, match="not valid YAML"):
        load_catalogue(path)


@pytest.mark.parametrize(
    ("tag", "matches"),
    [
        ("AC-ANS-1", True),
        ("H-SEC-4", True),
        ("CC-AH-19", True),
        ("needs:faults", False),
        ("AC-ANS", False),
        ("XX-ANS-1", False),
        ("ac-ans-1", False),
    ],
)
def test_requirement_id_shape(tag: str, matches: bool) -> None:
    assert bool(REQUIREMENT_ID.match(tag)) is matches
