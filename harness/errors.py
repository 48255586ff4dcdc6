"""The two kinds of error: misuse of the harness is a plain bug; a SUT breaking a rule is this."""

from __future__ import annotations


class ConformanceFailure(AssertionError):
    """The SUT broke a documented rule. Carries the requirement IDs and what was observed."""

    def __init__(self, requirements: str | tuple[str, ...], expected: str, observed: str) -> None:
        reqs = (requirements,) if isinstance(requirements, str) else requirements
        # Without IDs the scenario's own tags say which rule it exercises.
        prefix = f"[{', '.join(reqs)}] " if reqs else ""
        super().__init__(f"{prefix}expected {expected}; observed {observed}")
        self.requirements = reqs
        self.expected = expected
        self.observed = observed
