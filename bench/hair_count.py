"""The trichoscopy hair-count estimate against generated images with known counts.

    python bench/hair_count.py [--images 20] [--seed 7]

Prints, for each number of hairs in the field, the mean count, the mean and worst error
(and writes the table under bench/results/).
"""

import argparse
import random
import statistics
import sys
import time

from results_table import publish

from mesoclinic.outcomes.hair_count import count_hairs, synthetic_trichoscopy

HAIRS_IN_FIELD = (10, 20, 30, 40, 60, 80, 100)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=20, help="images per row")
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    rows = []
    for hairs in HAIRS_IN_FIELD:
        counts, started = [], time.perf_counter()
        for _ in range(arguments.images):
            counts.append(count_hairs(synthetic_trichoscopy(rng, hairs)))
        elapsed_ms = 1000 * (time.perf_counter() - started) / arguments.images
        errors = [abs(count - hairs) / hairs for count in counts]
        rows.append(
            {
                "hairs in field": hairs,
                "images": arguments.images,
                "mean estimate": round(statistics.mean(counts), 1),
                "mean error %": round(100 * statistics.mean(errors), 1),
                "worst error %": round(100 * max(errors), 1),
                "ms per image": round(elapsed_ms),
            }
        )
    publish("hair_count", "Trichoscopy hair-count estimate", rows, seed=arguments.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
