"""Profile one framework on one scenario with cProfile and print where the time goes.

Usage, from the repository root::

    python -m benchmarks.hotpath                      # resourceful, GET / returning text
    python -m benchmarks.hotpath --scenario json --calls 20000 --sort cumulative

The app is checked first (as in ``run.py``), then called ``--calls`` times
with prebuilt environs under the profiler. Profiling inflates the cost of
small functions; read the shares, not the absolute times.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the ``benchmarks`` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.apps import FRAMEWORKS, load
from benchmarks.run import check, time_batch
from benchmarks.scenarios import SCENARIOS, SCENARIOS_BY_NAME


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.hotpath", description=__doc__)
    parser.add_argument("--framework", default="resourceful", choices=FRAMEWORKS)
    parser.add_argument("--scenario", default="text", choices=[s.name for s in SCENARIOS])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--sort", default="tottime", help="pstats sort key (tottime, cumulative)")
    parser.add_argument("--limit", type=int, default=30, help="rows to print")
    parser.add_argument("--output", metavar="PATH", help="also save the raw profile (pstats)")
    args = parser.parse_args(argv)

    scenario = SCENARIOS_BY_NAME[args.scenario]
    framework = load(args.framework)
    app = framework.apps.get(scenario.app)
    if app is None:
        print(
            f"{args.framework} has no {scenario.app!r} app: "
            f"{framework.missing_reason(scenario.app)}",
            file=sys.stderr,
        )
        return 1
    problem = check(app, scenario)
    if problem is not None:
        print(f"{args.framework} answers {scenario.name} wrongly: {problem}", file=sys.stderr)
        return 1
    environ = scenario.environs()
    time_batch(app, environ, scenario.body, 200)  # warm up caches before profiling

    profiler = cProfile.Profile()
    profiler.enable()
    time_batch(app, environ, scenario.body, args.calls)
    profiler.disable()
    if args.output:
        profiler.dump_stats(args.output)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats(args.sort).print_stats(args.limit)
    print(f"{args.framework}, {scenario.description}, {args.calls} calls\n{out.getvalue()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
