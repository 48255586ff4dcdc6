"""UserAgent keeps one public face: no other module of the harness uses its private members.

The inbound router and the asyncio transport name the user agent ``ua`` or ``self.ua``;
the call objects hold it as ``_core``, typed as one of the small interfaces of
harness/sip/core.py. Any ``<that>._name`` where ``_name`` is a private member of
:class:`~harness.sip.useragent.UserAgent` is a reach past its public methods.
"""

from __future__ import annotations

import ast
from pathlib import Path

from harness.sip.txlayer import TransactionLayer
from harness.sip.useragent import UserAgent

HARNESS = Path(__file__).resolve().parents[3] / "harness"
# The user agent itself and the transaction layer it is built on.
OWNERS = {HARNESS / "sip" / "useragent.py", HARNESS / "sip" / "txlayer.py"}
AGENT_NAMES = {"ua", "_ua", "_core", "core"}


def private_members() -> set[str]:
    """Single-underscore names of UserAgent: its methods and its instance attributes."""
    names = {n for cls in (UserAgent, TransactionLayer) for n in vars(cls)}
    names |= set(vars(UserAgent(("127.0.0.1", 5060))))
    return {n for n in names if n.startswith("_") and not n.startswith("__")}


def names_agent(node: ast.expr) -> bool:
    """``ua``, ``self._core``, ``self.ua``, ``s._core``, ``self.session._core``..."""
    if isinstance(node, ast.Name):
        return node.id in AGENT_NAMES
    return isinstance(node, ast.Attribute) and node.attr in AGENT_NAMES


def private_uses(source: str, private: set[str]) -> list[tuple[int, str]]:
    """Line and name of each ``<agent>._private`` in ``source``."""
    return [
        (node.lineno, node.attr)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and node.attr in private and names_agent(node.value)
    ]


def test_the_private_member_list_is_not_empty() -> None:
    private = private_members()
    assert {"_stamp", "_start_client", "_server", "_dialogs", "_events"} <= private


def test_the_check_sees_a_reach_into_the_agent() -> None:
    source = "def f(s, ua):\n    s._ua._stamp(x)\n    ua._server.get(k)\n    ua.stamp(x)\n"
    assert private_uses(source, private_members()) == [(2, "_stamp"), (3, "_server")]


def test_no_module_outside_the_user_agent_touches_its_private_members() -> None:
    private = private_members()
    found = [
        f"{path.relative_to(HARNESS.parent)}:{line}: {name}"
        for path in sorted(HARNESS.rglob("*.py"))
        if path not in OWNERS
        for line, name in private_uses(path.read_text(encoding="utf-8"), private)
    ]
    assert found == [], "use UserAgent's public methods instead:\n" + "\n".join(found)
