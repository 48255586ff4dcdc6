"""The authorisation table: loading, checking, coverage against published routes; bad bodies."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.audit.http_bad import bad_requests, wrong_types
from harness.audit.http_matrix import Probe, ProbeResult
from harness.audit.http_table import (
    PRINCIPALS,
    RouteSpec,
    TableError,
    expand_path,
    fill,
    load,
    placeholders,
)
from harness.sut.model import ApiRoute

TABLE = Path(__file__).resolve().parents[3] / "fixtures" / "authorisation.yaml"
ALL_OK = "{" + ", ".join(f"{p}: ok" for p in PRINCIPALS) + "}"


def write(tmp_path: Path, routes: str) -> Path:
    path = tmp_path / "authorisation.yaml"
    path.write_text(
        "custom_role: {name: R, base: agent, permissions: []}\n"
        "defaults: {none: 401, malformed: 401, expired: 401, revoked: 401}\n"
        f"routes:\n{routes}"
    )
    return path


def test_the_projects_table_loads_and_states_every_caller_for_every_route():
    table = load(TABLE)
    assert len(table.routes) >= 30
    for spec in table.routes.values():
        assert set(spec.expect) == set(PRINCIPALS)


def test_a_published_route_missing_from_the_table_and_a_stale_entry_are_both_named(tmp_path):
    table = load(write(tmp_path, f"  GET /a:\n    expect: {ALL_OK}\n"))
    published = [ApiRoute("GET", "/b/{id}", "users.read")]
    assert table.coverage_problems(published) == [
        "route GET /b/{id} is not in authorisation.yaml: add the expected outcome for every caller",
        "authorisation.yaml lists GET /a, which the SUT does not publish (removed or renamed?)",
    ]
    assert table.coverage_problems([ApiRoute("GET", "/a", "public")]) == []


@pytest.mark.parametrize(
    ("routes", "message"),
    [
        (
            "  GET /a:\n    expect: {admin: ok}\n",
            "route GET /a: no expected outcome for other_account",
        ),
        ("  GET /a:\n    expect: {admin: 500}\n", "outcome for admin must be 'ok' or a 4xx status"),
        ("  GET /a:\n    expect: {boss: ok}\n", "unknown caller 'boss'"),
        (f"  GET /a/{{id}}:\n    expect: {ALL_OK}\n", "params must fill exactly ['id'], got []"),
        (f"  FETCH /a:\n    expect: {ALL_OK}\n", "the key must be 'METHOD /path'"),
        (f"  GET /a:\n    expect: {ALL_OK}\n    colour: red\n", "unknown keys ['colour']"),
    ],
)
def test_a_wrong_table_is_refused_naming_the_route_and_the_mistake(tmp_path, routes, message):
    with pytest.raises(TableError, match=message.replace("[", r"\[").replace("(", r"\(")):
        load(write(tmp_path, routes))


def test_placeholders_fill_paths_and_bodies():
    body = {"widgets": [{"members": [{"type": "user", "id": "{user}"}]}], "name": "P {label}"}
    assert placeholders(body) == {"user", "label"}
    assert fill(body, {"user": "usr_1", "label": "x"})["widgets"][0]["members"][0]["id"] == "usr_1"
    path = expand_path("/n/{id}/w/{index}", {"id": "{number}", "index": "0"}, {"number": "num_9"})
    assert path == "/n/num_9/w/0"
    with pytest.raises(TableError, match=r"unknown placeholder \{team\}"):
        fill("{team}", {})


def test_wrong_types_spoil_one_member_at_a_time_with_the_apis_names():
    body = {"name": "x", "widgets": [{"ring_time": 5, "members": [{"id": "u"}]}]}
    names = [name for name, _ in wrong_types(body)]
    assert names == [
        "name",
        "widgets",
        "widgets[0]",
        "widgets[0].ring_time",
        "widgets[0].members",
        "widgets[0].members[0]",
        "widgets[0].members[0].id",
    ]
    spoiled = dict(wrong_types(body))
    assert spoiled["widgets[0].ring_time"]["widgets"][0]["ring_time"] == "twelve"
    assert spoiled["name"]["name"] == 12345


def test_traversals_replace_one_path_identifier_and_expect_it_named():
    spec = RouteSpec("GET /users/{id}", {"account_key": "ok"}, {"id": "{user}"})
    requests = list(bad_requests(spec, "a traversal", "/users/usr_1", None, {"id": "usr_1"}))
    assert {r.path for r in requests} >= {"/users/%2e%2e", "/users/..%2f..", "/users/%00"}
    assert {(r.status, r.field, r.principal) for r in requests} == {(400, "id", "account_key")}
    assert list(bad_requests(spec, "malformed JSON", "/users/usr_1", None, {})) == []


def test_a_probe_result_names_route_caller_expectation_and_answer():
    spec = RouteSpec("GET /users", {"agent": 403})
    result = ProbeResult(Probe(spec, "agent", 403), 200)
    assert result.mismatch() == "GET /users as agent: expected 403, got 200"
    assert ProbeResult(Probe(spec, "agent", 403), 403, "lacks users.read").mismatch() is None
    ok = RouteSpec("GET /users", {"admin": "ok"})
    refused = ProbeResult(Probe(ok, "admin", "ok"), 401, "invalid token")
    assert refused.mismatch() == "GET /users as admin: expected ok, got 401 (invalid token)"
