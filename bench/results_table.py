"""One table format and one place for every benchmark's results: printed as Markdown,
and written as Markdown and JSON under bench/results/ so later runs can be compared."""

import datetime
import json
import os
import pathlib
import platform
import sys

RESULTS = pathlib.Path(__file__).parent / "results"


def markdown(rows: list[dict]) -> str:
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += [
        "| " + " | ".join("-" if r[h] is None else str(r[h]) for h in header) + " |" for r in rows
    ]
    return "\n".join(lines)


def publish(benchmark: str, title: str, rows: list[dict], **settings) -> None:
    """Print the table and keep it, stamped, with the settings and the machine."""
    table = markdown(rows)
    sys.stdout.write(table + "\n")
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H%M%SZ")
    meta = {
        "benchmark": benchmark,
        "when": stamp,
        **settings,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    (RESULTS / f"{benchmark}-{stamp}.json").write_text(json.dumps({**meta, "rows": rows}, indent=2))
    (RESULTS / f"{benchmark}-{stamp}.md").write_text(
        f"# {title}, {stamp}\n\n{json.dumps(meta)}\n\n{table}\n"
    )
