"""Hand a subcommand over to another part of the harness (``module:main(argv)``)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence

from harness.cli.errors import CliError


def load_main(module_name: str, what: str) -> Callable[[list[str]], int | None]:
    """``module_name.main``, or a CliError when this checkout does not have the module.

    Only the absence of the module itself (or its package) becomes a CliError: an import
    failing inside it is a bug and keeps its traceback.
    """
    parents = {module_name.rsplit(".", i)[0] for i in range(module_name.count(".") + 1)}
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name not in parents:
            raise
        raise CliError(
            f"{what} ({module_name}) is not part of this checkout",
            "update the checkout, then run ./callproof again",
        ) from None
    main = getattr(module, "main", None)
    if not callable(main):
        raise CliError(f"{module_name} has no main(argv)", "update the checkout")
    return main


def delegate(module_name: str, what: str, argv: Sequence[str]) -> int:
    """Call ``module_name.main(argv)``; None counts as success."""
    code = load_main(module_name, what)(list(argv))
    return 0 if code is None else int(code)
