"""Bad requests for every route of the SUT's API: each must get a 4xx JSON error naming the culprit.

The requests start from the sample bodies and paths of the authorisation table
(:mod:`harness.audit.http_table`) and spoil one thing at a time:

* malformed JSON, and a body above the stated limit (the error names ``body``);
* one member of the body with a value of the wrong type, for every member, nested ones too
  (the error names the member, e.g. ``widgets[0].ring_time``);
* one member the route does not know (the error names it);
* one identifier in the path replaced by a traversal (``..``, ``%2e%2e``, ``..%2f..``, a NUL):
  the error names the path parameter.

Each is sent by a caller the table allows on that route, so authorisation cannot be what
refuses it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from harness.audit.http_table import OK, RouteSpec

UNKNOWN_FIELD = "unexpected_member"
MALFORMED_JSON = b'{"name": "unterminated'
TRAVERSALS = ("..", "%2e%2e", "..%2f..", "%2E%2E%2Fetc%2Fpasswd", "%00", "usr%00x", "..%5c..")
BODY_LIMIT = 64 * 1024  # the limit the reference states (harness/reference/api/body.py)
OVERSIZED = BODY_LIMIT + 4096
DEFECTS = ("malformed JSON", "a wrong type", "an unknown field", "an oversized body", "a traversal")


@dataclass(frozen=True)
class BadRequest:
    """One spoiled request and what the answer must be."""

    route: RouteSpec
    principal: str
    defect: str
    path: str  # already encoded: sent as is
    raw: bytes | None  # the body's bytes (None: no body)
    status: int  # the status the answer must have
    field: str  # what the error must name

    def __str__(self) -> str:
        return f"{self.route.key} with {self.defect} ({self.field})"


def caller_for(route: RouteSpec) -> str | None:
    """The caller the table lets through on ``route`` (the account key, else the operator)."""
    for principal in ("account_key", "operator"):
        if route.expect.get(principal) == OK:
            return principal
    return None


def bad_requests(
    route: RouteSpec, defect: str, path: str, body: Any, raw_params: Mapping[str, str]
) -> Iterator[BadRequest]:
    """The spoiled variants of one route for ``defect``.

    ``path`` and ``body`` are the route's filled sample; ``raw_params`` the filled value of each
    path parameter, so that one of them can be swapped for a traversal.
    """
    principal = caller_for(route)
    if principal is None:
        return
    takes_body = isinstance(body, dict)
    if defect == "malformed JSON" and takes_body:
        yield BadRequest(route, principal, defect, path, MALFORMED_JSON, 400, "body")
    elif defect == "an oversized body" and takes_body:
        big = json.dumps({**body, UNKNOWN_FIELD: "x" * OVERSIZED}).encode()
        yield BadRequest(route, principal, defect, path, big, 413, "body")
    elif defect == "an unknown field" and takes_body:
        spoiled = json.dumps({**body, UNKNOWN_FIELD: 1}).encode()
        yield BadRequest(route, principal, defect, path, spoiled, 400, UNKNOWN_FIELD)
    elif defect == "a wrong type" and takes_body:
        for name, spoiled in wrong_types(body):
            yield BadRequest(
                route, principal, defect, path, json.dumps(spoiled).encode(), 400, name
            )
    elif defect == "a traversal":
        for param, value in raw_params.items():
            for traversal in TRAVERSALS:
                bad_path = _replace_segment(path, value, traversal)
                raw = json.dumps(body).encode() if takes_body else None
                yield BadRequest(route, principal, defect, bad_path, raw, 400, param)


def wrong_types(body: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """For each member (nested too): its API name and ``body`` with only it of the wrong type."""
    if isinstance(body, dict):
        for key, value in body.items():
            name = f"{where}.{key}" if where else key
            yield name, {**body, key: _wrong(value)}
            for inner, spoiled in wrong_types(value, name):
                yield inner, {**body, key: spoiled}
    elif isinstance(body, list):
        for index, value in enumerate(body):
            name = f"{where}[{index}]"
            yield name, [*body[:index], _wrong(value), *body[index + 1 :]]
            for inner, spoiled in wrong_types(value, name):
                yield inner, [*body[:index], spoiled, *body[index + 1 :]]


def _wrong(value: Any) -> Any:
    """A JSON value of another type than ``value``."""
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, int | float):
        return "twelve"
    if isinstance(value, str):
        return 12345
    if isinstance(value, list):
        return "not an array"
    return ["not", "an", "object"]


def _replace_segment(path: str, value: str, replacement: str) -> str:
    segments = path.split("/")
    return "/".join(replacement if s == value else s for s in segments)
