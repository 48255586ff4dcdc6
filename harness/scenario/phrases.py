"""How the features name things: lists of names and the parties of a call, read from step text."""

from __future__ import annotations

import re

from harness.scenario.cast import CUSTOMER


def names(text: str) -> list[str]:
    """'"Alice" and "Bruno"' or 'Alice, Bruno' -> ['Alice', 'Bruno']."""
    quoted = re.findall(r'"([^"]+)"', text)
    if quoted:
        return quoted
    return [n.strip() for n in re.split(r",|\band\b", text) if n.strip()]


def party_name(text: str) -> str:
    """'the customer' -> the customer's cast name; '"Alice"' -> 'Alice'."""
    return CUSTOMER if text == "the customer" else text.strip('"')
