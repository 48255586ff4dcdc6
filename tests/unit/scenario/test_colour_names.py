"""The pop-up's button colours, named as a person would."""

from __future__ import annotations

import pytest

from harness.sut.reference_desktop import colour_name


@pytest.mark.parametrize(
    ("css", "name"),
    [
        ("rgb(26, 127, 55)", "green"),
        ("rgb(207, 34, 46)", "red"),
        ("rgb(239, 239, 239)", ""),
        ("rgba(0, 0, 0, 0)", ""),
        ("transparent", ""),
    ],
)
def test_css_colours_are_named(css: str, name: str) -> None:
    assert colour_name(css) == name
