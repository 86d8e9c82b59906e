"""Benchmark of the batch planner: N courses into 20 practitioners over 26 weeks.

    .venv/bin/python bench/schedule.py [--sizes 100 1000 10000] [--time-limit 30]

Prints one table (and writes it as Markdown and JSON under bench/results/) comparing
greedy earliest fit with CP-SAT: sessions placed inside their windows, preference
score, time, and the gap to the solver's bound. The calendar is synthetic and seeded:
Monday to Friday, 8 hours a day, 30-minute sessions; courses start over the first 13
weeks on the shipped protocols, each with two preferred weekdays, a preferred
practitioner for half of them, and three practitioners who may treat it.
"""

import argparse
import random
import sys

from results_table import publish

from mesoclinic.plans.protocols import protocol_book
from mesoclinic.plans.windows import session_intervals
from mesoclinic.scheduling.optimiser import (
    Answer,
    CourseRequest,
    Problem,
    check_answer,
    plan_cp_sat,
    plan_greedy,
)

PRACTITIONERS = 20
WEEKS = 26
MINUTES_A_DAY = 8 * 60


def build_problem(courses: int, seed: int) -> Problem:
    rng = random.Random(seed)
    protocols = [p for p in protocol_book().protocols.values() if p.code != "maintenance"]
    days = WEEKS * 7
    requests = []
    for key in range(courses):
        protocol = rng.choice(protocols)
        start = rng.randrange(13 * 7)
        practitioners = tuple(rng.sample(range(PRACTITIONERS), 3))
        requests.append(
            CourseRequest(
                key=key,
                intervals=tuple(session_intervals(protocol.phases)),
                minutes=30,
                first_day=start,
                first_latest=start + 13,
                practitioners=practitioners,
                preferred_weekdays=frozenset(rng.sample(range(5), 2)),
                has_preferred_practitioner=rng.random() < 0.5,
            )
        )
    free = {
        (practitioner, day): MINUTES_A_DAY
        for practitioner in range(PRACTITIONERS)
        for day in range(days)
        if day % 7 < 5
    }
    return Problem(courses=requests, days=days, first_weekday=0, free_minutes=free)


def row(size: int, problem: Problem, answer: Answer) -> dict:
    errors = check_answer(problem, answer)
    if errors:
        sys.exit(f"{answer.method} broke a rule: {errors[0]}")
    gap = answer.gap(problem)
    return {
        "courses": size,
        "method": answer.method,
        "sessions_requested": problem.sessions_requested,
        "sessions_in_window": answer.sessions_placed(),
        "in_window_pct": round(100 * answer.sessions_placed() / problem.sessions_requested, 1),
        "preference_score": answer.preference_score(problem),
        "seconds": round(answer.seconds, 2),
        "gap_to_bound_pct": None if gap is None else round(100 * gap, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--time-limit", type=float, default=30.0, help="CP-SAT seconds per size")
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args()
    rows = []
    for size in arguments.sizes:
        problem = build_problem(size, arguments.seed)
        rows.append(row(size, problem, plan_greedy(problem)))
        rows.append(row(size, problem, plan_cp_sat(problem, time_limit=arguments.time_limit)))
        sys.stderr.write(f"{size} courses: done\n")
    publish(
        "schedule",
        "Batch planner",
        rows,
        practitioners=PRACTITIONERS,
        weeks=WEEKS,
        time_limit_s=arguments.time_limit,
    )


if __name__ == "__main__":
    main()
