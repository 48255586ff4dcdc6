"""Locale-aware E.164 numbers that never collide between scenarios."""

from __future__ import annotations

import itertools
import os
import random
import threading

# Country code and national significant number length for a few locales the seeds speak of.
_PLANS = {"fr_FR": ("33", 9), "es_ES": ("34", 9), "vi_VN": ("84", 9), "en_US": ("1", 10)}
_lock = threading.Lock()
_counter = itertools.count()


def e164(locale: str = "fr_FR", rng: random.Random | None = None) -> str:
    """A valid E.164 number, unique in this process and very likely across workers.

    The last digits carry a per-process counter; the process id seeds the rest, so two xdist
    workers sharing one SUT do not hand out the same number.
    """
    cc, length = _PLANS.get(locale, _PLANS["fr_FR"])
    # By default the module's generator, which the run's seed reseeds before every scenario.
    rng = rng or random.Random(random.getrandbits(64))
    with _lock:
        n = next(_counter)
    tail = f"{os.getpid() % 1000:03d}{n % 10000:04d}"
    head_len = length - len(tail)
    head = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(head_len - 1))
    return f"+{cc}{head}{tail}"
