"""The batch planner, on problems small enough to know the best answer."""

import random

import pytest

from mesoclinic.plans.windows import Interval
from mesoclinic.scheduling.optimiser import (
    CourseRequest,
    Problem,
    check_answer,
    plan_cp_sat,
    plan_greedy,
)

WEEKLY = Interval(6, 9)


def course(key, *, sessions=1, first=(0, 0), practitioners=(1,), **preferences):
    return CourseRequest(
        key=key,
        intervals=(None,) + (WEEKLY,) * (sessions - 1),
        minutes=30,
        first_day=first[0],
        first_latest=first[1],
        practitioners=practitioners,
        **preferences,
    )


def test_the_solver_places_what_earliest_fit_cannot():
    # One 30-minute slot a day. Greedy gives course 1 day 0 and leaves course 2, which
    # could only go on day 0, without a place; the solver moves course 1 to day 1.
    problem = Problem(
        courses=[course(1, first=(0, 1)), course(2, first=(0, 0))],
        days=2,
        first_weekday=0,
        free_minutes={(1, 0): 30, (1, 1): 30},
    )

    greedy = plan_greedy(problem)
    solved = plan_cp_sat(problem, time_limit=5)

    assert greedy.sessions_placed() == 1
    assert solved.sessions_placed() == 2
    assert {key: answer.days for key, answer in solved.courses.items()} == {1: [1], 2: [0]}
    assert solved.method == "cp-sat (optimal)"
    assert solved.gap(problem) == 0


def test_the_solver_prefers_the_patients_weekday_and_practitioner():
    problem = Problem(
        courses=[
            course(
                1,
                sessions=3,
                first=(0, 6),
                practitioners=(2, 1),
                preferred_weekdays=frozenset({3}),  # Thursday
                has_preferred_practitioner=True,
            )
        ],
        days=28,
        first_weekday=0,  # day 0 is a Monday
        free_minutes={(p, d): 60 for p in (1, 2) for d in range(28) if d % 7 < 5},
    )

    solved = plan_cp_sat(problem, time_limit=5)

    assert solved.courses[1].practitioner == 2
    assert solved.courses[1].days == [3, 10, 17]
    assert solved.preference_score(problem) == 6
    assert plan_greedy(problem).courses[1].days == [0, 7, 14]  # Mondays (day 6 is a Sunday)


@pytest.mark.parametrize("seed", range(4))
def test_every_answer_keeps_windows_and_capacity_and_the_solver_never_does_worse(seed):
    rng = random.Random(seed)
    practitioners = (1, 2, 3)
    problem = Problem(
        courses=[
            course(
                key,
                sessions=rng.randint(1, 6),
                first=(start := rng.randrange(14), start + rng.randrange(7)),
                practitioners=tuple(rng.sample(practitioners, 2)),
                preferred_weekdays=frozenset(rng.sample(range(5), 2)),
                has_preferred_practitioner=rng.random() < 0.5,
            )
            for key in range(40)
        ],
        days=70,
        first_weekday=0,
        free_minutes={(p, d): 90 for p in practitioners for d in range(70) if d % 7 < 5},
    )

    greedy = plan_greedy(problem)
    solved = plan_cp_sat(problem, time_limit=2)

    assert check_answer(problem, greedy) == []
    assert check_answer(problem, solved) == []
    assert solved.objective(problem) >= greedy.objective(problem)
    assert solved.bound is not None
    assert solved.objective(problem) <= solved.bound
