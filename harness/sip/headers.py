"""An immutable, ordered, case-insensitive multi-map of SIP header fields (RFC 3261 7.3).

Names are normalised once: compact forms become their full name (``i`` -> ``Call-ID``,
section 7.3.3 and the extension RFCs) and well-known names get their canonical spelling,
so ``cseq`` and ``CSeq`` are the same key and print the same way. Unknown names keep the
peer's spelling but still compare case-insensitively.

Each entry holds one value: comma-separated lists of the headers RFC 3261 defines as lists
(Via, Contact, Route, Allow, ...) are split into one entry per value, on parse and on
construction alike, so ``get_all("Via")`` is the list of Via values whatever the line
layout was.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from harness.sip.grammar import SipParseError, split_outside

__all__ = ["COMPACT_FORMS", "MULTI_VALUE", "Headers", "canonical_name"]

COMPACT_FORMS = {
    "i": "Call-ID",
    "m": "Contact",
    "f": "From",
    "t": "To",
    "v": "Via",
    "l": "Content-Length",
    "c": "Content-Type",
    "k": "Supported",
    "s": "Subject",
    "e": "Content-Encoding",
    "o": "Event",  # RFC 6665
    "r": "Refer-To",  # RFC 3515
    "b": "Referred-By",  # RFC 3892
    "u": "Allow-Events",  # RFC 6665
    "x": "Session-Expires",  # RFC 4028
    "a": "Accept-Contact",  # RFC 3841
    "j": "Reject-Contact",  # RFC 3841
    "d": "Request-Disposition",  # RFC 3841
    "y": "Identity",  # RFC 8224
}

_CANONICAL = {
    name.lower(): name
    for name in (
        *COMPACT_FORMS.values(),
        "Accept",
        "Accept-Encoding",
        "Accept-Language",
        "Alert-Info",
        "Allow",
        "Authentication-Info",
        "Authorization",
        "Call-ID",
        "Call-Info",
        "Content-Disposition",
        "Content-Language",
        "CSeq",
        "Date",
        "Error-Info",
        "Expires",
        "In-Reply-To",
        "Max-Forwards",
        "MIME-Version",
        "Min-Expires",
        "Organization",
        "P-Asserted-Identity",
        "Path",
        "Priority",
        "Proxy-Authenticate",
        "Proxy-Authorization",
        "Proxy-Require",
        "RAck",
        "Reason",
        "Record-Route",
        "Reply-To",
        "Require",
        "Retry-After",
        "Route",
        "RSeq",
        "Server",
        "Timestamp",
        "Unsupported",
        "User-Agent",
        "Warning",
        "WWW-Authenticate",
    )
}

MULTI_VALUE = frozenset(
    name.lower()
    for name in (
        "Via",
        "Contact",
        "Route",
        "Record-Route",
        "Path",
        "Allow",
        "Allow-Events",
        "Supported",
        "Require",
        "Proxy-Require",
        "Unsupported",
        "Accept",
        "Accept-Encoding",
        "Accept-Language",
        "Content-Encoding",
        "Content-Language",
        "Alert-Info",
        "Call-Info",
        "Error-Info",
        "In-Reply-To",
        "Warning",
        "Reason",
        "P-Asserted-Identity",
    )
)
"""Lower-cased names whose values are comma-separated lists (RFC 3261 section 7.3.1)."""


@lru_cache(maxsize=1024)
def canonical_name(name: str) -> str:
    """Full, canonically spelt header name for ``name`` (compact forms expanded)."""
    if len(name) == 1:
        full = COMPACT_FORMS.get(name.lower())
        if full is not None:
            return full
    return _CANONICAL.get(name.lower(), name)


@lru_cache(maxsize=1024)
def _key_of(name: str) -> str:
    """The name every spelling of a header is looked up by: canonical, lower-cased."""
    return canonical_name(name.strip()).lower()


class Headers:
    """Ordered multi-map of header fields. Every "modifying" method returns a new object.

    Raises ValueError (SipParseError for a list with an empty element) on a bad value.
    """

    __slots__ = ("_items", "_keys")

    _items: tuple[tuple[str, str], ...]
    _keys: tuple[str, ...]  # each item's lookup name, kept beside it for fast lookups

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        pairs = []
        for name, value in items:
            if not isinstance(name, str) or not isinstance(value, str):
                raise TypeError(f"header name and value must be str, got {name!r}: {value!r}")
            if "\r" in value or "\n" in value:
                raise ValueError(f"header {name} value must not contain line breaks")
            cname = canonical_name(name.strip())
            if _key_of(cname) not in MULTI_VALUE:
                pairs.append((cname, value.strip()))
                continue
            if not value.strip():
                # RFC 3261 section 25.1 lets Accept, Accept-Encoding, Allow, Supported... be
                # empty ("nothing"); only an empty element inside a list is malformed.
                pairs.append((cname, ""))
                continue
            parts = [part.strip() for part in split_outside(value, ",")]
            if not all(parts):
                raise SipParseError(f"empty element in {cname} list {value!r}")
            pairs += [(cname, part) for part in parts]
        self._set(tuple(pairs))

    def _set(self, items: tuple[tuple[str, str], ...]) -> None:
        object.__setattr__(self, "_items", items)
        object.__setattr__(self, "_keys", tuple([_key_of(item[0]) for item in items]))

    @classmethod
    def _checked(cls, items: tuple[tuple[str, str], ...]) -> Headers:
        """Headers from items taken from another Headers, which checked them already."""
        headers = object.__new__(cls)
        headers._set(items)
        return headers

    @classmethod
    def copied(
        cls, copied: Iterable[tuple[str, str]], added: Iterable[tuple[str, str]] = ()
    ) -> Headers:
        """Headers of values ``copied`` from other Headers (which checked them already, under
        their canonical names and one value each), then ``added`` ones, checked here."""
        return cls._checked(tuple(copied) + Headers(added)._items)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Headers is immutable")

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Headers):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Headers({list(self._items)!r})"

    def _key(self) -> tuple[tuple[str, str], ...]:
        return tuple((n.lower(), v) for n, v in self._items)

    def get(self, name: str) -> str | None:
        """The first value of ``name``, or None."""
        key = _key_of(name)
        if key not in self._keys:
            return None
        return self._items[self._keys.index(key)][1]

    def get_all(self, name: str) -> list[str]:
        """Every value of ``name`` in order (empty list when absent)."""
        key = _key_of(name)
        if key not in self._keys:
            return []
        return [item[1] for k, item in zip(self._keys, self._items, strict=True) if k == key]

    def replace(self, name: str, value: str) -> Headers:
        """Set ``name`` to the single ``value`` where it first appeared (else at the end)."""
        new = Headers([(name, value)])._items
        key = _key_of(name)
        if key not in self._keys:
            return Headers._checked(self._items + new)
        at = self._keys.index(key)
        rest = zip(self._keys[at + 1 :], self._items[at + 1 :], strict=True)
        after = tuple(item for k, item in rest if k != key)
        return Headers._checked(self._items[:at] + new + after)

    def add(self, name: str, value: str, first: bool = False) -> Headers:
        """Add a value after the existing ones, or before them when ``first`` (a new top Via)."""
        new = Headers([(name, value)])._items
        key = _key_of(name)
        positions = [i for i, k in enumerate(self._keys) if k == key]
        if first:
            at = positions[0] if positions else 0
        else:
            at = positions[-1] + 1 if positions else len(self._items)
        return Headers._checked(self._items[:at] + new + self._items[at:])

    def remove(self, name: str) -> Headers:
        """Drop every value of ``name``."""
        key = _key_of(name)
        if key not in self._keys:
            return self
        kept = (item for k, item in zip(self._keys, self._items, strict=True) if k != key)
        return Headers._checked(tuple(kept))

    def remove_first(self, name: str) -> Headers:
        """Drop the first value of ``name`` (a proxy popping its own Via or Route)."""
        key = _key_of(name)
        if key not in self._keys:
            return self
        at = self._keys.index(key)
        return Headers._checked(self._items[:at] + self._items[at + 1 :])
