"""python -m bench: run the benchmarks, write bench/results.json, print a short table.

    python -m bench                       # every benchmark at 1M tweets (peer 100k, Neo4j 20k)
    python -m bench --tweets 10000000 --only end_to_end     # the 10M run
    python -m bench --only load,communities
    python -m bench --quick --results /tmp/r.json --work /tmp/w   # tiny, for the tests
    python -m bench --markdown            # the README table, from bench/results.json
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import orjson
from rich.console import Console

from bench.render import markdown, print_table
from bench.suite import BENCHMARKS, RESULTS, Sizes, run_suite


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.markdown:
        sys.stdout.write(markdown(orjson.loads((args.results or RESULTS).read_bytes())))
        return 0
    names = _names(args.only) if args.only else list(BENCHMARKS)
    given = {"peer_tweets": args.peer_tweets, "neo4j_tweets": args.neo4j_tweets,
             "louvain_timeout": args.louvain_timeout, "work": args.work, "seed": args.seed}
    if args.quick:
        sizes = Sizes.quick(tweets=args.tweets, **given)
    else:
        sizes = Sizes.scaled(args.tweets or Sizes.tweets, **given)
    results = args.results or (sizes.work / "results-quick.json" if args.quick else RESULTS)
    doc = run_suite(names, sizes, results=results, quick=args.quick)
    print_table(doc, Console())
    Console(stderr=True).print(f"results written to {results}")
    return 1 if any(r["status"] == "error" for r in doc["results"].values()) else 0


def _names(only: str) -> list[str]:
    names = [n.strip() for n in only.split(",") if n.strip()]
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        raise SystemExit(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    return names


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tweets", type=int, help="simulated tweets (default 1,000,000; --quick 3,000)")
    p.add_argument("--peer-tweets", type=int, help="tweets for the peer benchmark (default tweets/10)")
    p.add_argument("--neo4j-tweets", type=int, help="tweets for the Neo4j load (default 3 tenths of tweets)")
    p.add_argument("--only", metavar="NAME[,NAME]", help=f"among {', '.join(BENCHMARKS)}")
    p.add_argument("--quick", action="store_true", help="everything at tiny size (for the tests)")
    p.add_argument("--results", type=Path,
                   help="results file (default bench/results.json; --quick: WORK/results-quick.json)")
    p.add_argument("--work", type=Path, help="work files (default bench/work)")
    p.add_argument("--louvain-timeout", type=float, help="seconds python-louvain may take")
    p.add_argument("--seed", type=int)
    p.add_argument("--markdown", action="store_true", help="print results as a markdown table")
    return p


if __name__ == "__main__":
    sys.exit(main())
