"""Two runs of the pages benchmark side by side: how each endpoint changed.

    .venv/bin/python bench/compare.py BEFORE.json AFTER.json

For a code change, BEFORE and AFTER are runs at the same scale; for growth, runs of the
same code at two scales (e.g. --patients 2000 and 20000 at 5 locations: 10x the rows per
location). Each line gives both runs' queries, median and requests/s, and the ratio of
the medians; the ratio of each run's share of its own /healthz ceiling is printed too,
because timings on a shared machine drift between runs.
"""

import json
import pathlib
import sys

from results_table import markdown


def main(before_path: str, after_path: str) -> int:
    before, after = (
        json.loads(pathlib.Path(path).read_text()) for path in (before_path, after_path)
    )
    by_key = {(row["database"], row["endpoint"]): row for row in before["rows"]}
    rows = []
    for row in after["rows"]:
        old = by_key.get((row["database"], row["endpoint"]))
        if old is None:
            continue
        rows.append(
            {
                "database": row["database"],
                "endpoint": row["endpoint"],
                "queries": f"{old['queries']} → {row['queries']}",
                "median_ms": f"{old['median_ms']} → {row['median_ms']}",
                "req_per_s": f"{old['req_per_s']} → {row['req_per_s']}",
                "median_ratio": round(row["median_ms"] / old["median_ms"], 2),
                "ceiling_share_ratio": round(row["vs_ceiling_pct"] / old["vs_ceiling_pct"], 2),
            }
        )
    sys.stdout.write(f"{_scale(before)} → {_scale(after)}\n\n{markdown(rows)}\n")
    return 0


def _scale(run: dict) -> str:
    unit = "patients" if "patients" in run else "sessions"  # a run is sized by either
    return f"{run['when']} ({run[unit]:,} {unit}, {run['locations']} locations)"


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: bench/compare.py BEFORE.json AFTER.json")
    sys.exit(main(*sys.argv[1:]))
