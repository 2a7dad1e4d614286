"""Run every benchmark module in ``bench/`` and print one line per case."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).parent
    only = set(sys.argv[1:])
    for info in sorted(pkgutil.iter_modules([str(here)]), key=lambda i: i.name):
        if not info.name.startswith("bench_") or (only and info.name not in only):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        print(f"== {info.name}: {(module.__doc__ or '').strip().splitlines()[0]}", flush=True)
        module.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
