"""Choosing the SUT adapter: ``reference`` (default) or a vendor's ``package.module:factory``."""

from __future__ import annotations

import importlib
from typing import Any, cast

from harness.sut.contract import CAPABILITIES, AdapterFactory

BUILTIN = {"reference": "harness.sut.reference_adapter:ReferenceAdapter"}


class AdapterNotFound(LookupError):
    """The ``--sut`` value names no adapter that can be loaded."""


def resolve(spec: str) -> AdapterFactory:
    """Return the adapter factory named by ``spec``, or raise :class:`AdapterNotFound`."""
    target = BUILTIN.get(spec, spec)
    if ":" not in target:
        known = ", ".join(sorted(BUILTIN))
        raise AdapterNotFound(
            f"unknown SUT {spec!r}: use one of [{known}] or 'package.module:factory'"
        )
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise AdapterNotFound(
            f"SUT adapter module {module_name!r} cannot be imported: {exc}"
        ) from exc
    factory: Any = getattr(module, attr, None)
    if factory is None or not callable(factory):
        raise AdapterNotFound(f"{module_name!r} has no callable {attr!r} for the SUT adapter")
    return cast(AdapterFactory, factory)


def declared_capabilities(factory: AdapterFactory) -> frozenset[str]:
    """Capabilities an adapter declares (class attribute ``capabilities``), checked."""
    caps = frozenset(getattr(factory, "capabilities", frozenset()))
    unknown = caps - set(CAPABILITIES)
    if unknown:
        raise AdapterNotFound(f"adapter declares unknown capabilities {sorted(unknown)}")
    return caps
