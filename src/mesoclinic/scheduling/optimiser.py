"""Laying many courses at once: which practitioner treats each course and on which day
each session falls, to place as many sessions inside their windows as the calendar
holds and, among such plans, to suit the patients' preferences best.

Pure Python over day numbers (day 0 is the first day planned), so the benchmark can run
it at any scale without a database. Two planners share one problem and one scoring:
`plan_greedy` (earliest fit, course by course) and `plan_cp_sat` (OR-Tools CP-SAT with a
time limit, warm-started from the greedy answer, so it never reports worse). Times of
day are chosen afterwards, against the real calendar (`services.courses_schedule`).

The score: every placed session is worth more than all preferences together, so the
solver never gives up a session for a preference; then one point per session on a
preferred weekday and one per session with the preferred practitioner.
"""

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from mesoclinic.plans.windows import Interval

WEEK = 7


@dataclass(frozen=True)
class CourseRequest:
    key: int  # the plan's id
    intervals: tuple[Interval | None, ...]  # one per session still to lay; see session_intervals
    minutes: int  # per session
    first_day: int  # the first session's window, as day numbers
    first_latest: int
    practitioners: tuple[int, ...]  # who may treat it; the first is the preferred one
    preferred_weekdays: frozenset[int] = frozenset()  # 0 = Monday
    has_preferred_practitioner: bool = False


@dataclass(frozen=True)
class Problem:
    courses: Sequence[CourseRequest]
    days: int  # the horizon: day numbers 0 … days-1
    first_weekday: int  # weekday of day 0
    free_minutes: dict[tuple[int, int], int]  # (practitioner, day) -> minutes free

    @property
    def sessions_requested(self) -> int:
        return sum(len(course.intervals) for course in self.courses)

    def weekday(self, day: int) -> int:
        return (self.first_weekday + day) % WEEK


@dataclass
class CourseAnswer:
    practitioner: int
    days: list[int]  # the placed sessions, a prefix of the course


@dataclass
class Answer:
    method: str  # "greedy", or "cp-sat" with the solver's status
    courses: dict[int, CourseAnswer] = field(default_factory=dict)
    seconds: float = 0.0
    bound: int | None = None  # the solver's proof: no plan scores above this

    def sessions_placed(self) -> int:
        return sum(len(answer.days) for answer in self.courses.values())

    def preference_score(self, problem: Problem) -> int:
        by_key = {course.key: course for course in problem.courses}
        score = 0
        for key, answer in self.courses.items():
            course = by_key[key]
            score += sum(problem.weekday(day) in course.preferred_weekdays for day in answer.days)
            if course.has_preferred_practitioner and answer.practitioner == course.practitioners[0]:
                score += len(answer.days)
        return score

    def objective(self, problem: Problem) -> int:
        return session_weight(problem) * self.sessions_placed() + self.preference_score(problem)

    def gap(self, problem: Problem) -> float | None:
        if self.bound is None or self.bound == 0:
            return None
        return max(0.0, (self.bound - self.objective(problem)) / self.bound)


def session_weight(problem: Problem) -> int:
    """Worth more than the most preference points a whole plan could earn."""
    return 2 * problem.sessions_requested + 1


def check_answer(problem: Problem, answer: Answer) -> list[str]:
    """Everything wrong with an answer; the tests and the benchmark both run it."""
    errors = []
    used: dict[tuple[int, int], int] = defaultdict(int)
    by_key = {course.key: course for course in problem.courses}
    for key, placed in answer.courses.items():
        course = by_key[key]
        if placed.practitioner not in course.practitioners:
            errors.append(f"course {key}: practitioner {placed.practitioner} may not treat it")
        for number, day in enumerate(placed.days):
            interval = course.intervals[number]
            previous = placed.days[number - 1] if number else None
            if interval is None or previous is None:
                if not course.first_day <= day <= course.first_latest:
                    errors.append(f"course {key} session 1 on day {day}: outside its window")
            elif not interval.days_min <= day - previous <= interval.days_max:
                errors.append(f"course {key} session {number + 1} on day {day}: outside window")
            used[placed.practitioner, day] += course.minutes
    for (practitioner, day), minutes in used.items():
        if minutes > problem.free_minutes.get((practitioner, day), 0):
            errors.append(f"practitioner {practitioner} day {day}: {minutes} min booked")
    return errors


def plan_greedy(problem: Problem) -> Answer:
    """Earliest fit: course by course, each session on the first day in its window
    where the course's practitioner has the minutes free; a course stops at the first
    session that does not fit (the ones after depend on it)."""
    started = time.perf_counter()
    free = dict(problem.free_minutes)
    answer = Answer(method="greedy")
    for course in sorted(problem.courses, key=lambda c: (c.first_day, c.key)):
        best: CourseAnswer | None = None
        for practitioner in course.practitioners:
            days = _lay_earliest(course, practitioner, free, problem.days)
            if best is None or len(days) > len(best.days):
                best = CourseAnswer(practitioner, days)
            if len(days) == len(course.intervals):
                break
        if best is not None and best.days:
            for day in best.days:
                free[best.practitioner, day] -= course.minutes
            answer.courses[course.key] = best
    answer.seconds = time.perf_counter() - started
    return answer


def _lay_earliest(
    course: CourseRequest, practitioner: int, free: dict[tuple[int, int], int], horizon: int
) -> list[int]:
    days: list[int] = []
    for interval in course.intervals:
        if interval is None or not days:
            earliest, latest = course.first_day, course.first_latest
        else:
            earliest, latest = days[-1] + interval.days_min, days[-1] + interval.days_max
        day = next(
            (
                day
                for day in range(earliest, min(latest, horizon - 1) + 1)
                if free.get((practitioner, day), 0) >= course.minutes
            ),
            None,
        )
        if day is None:
            break
        days.append(day)
    return days


def plan_cp_sat(problem: Problem, *, time_limit: float, workers: int = 2) -> Answer:
    """The best plan CP-SAT finds within the time limit, warm-started from the greedy one;
    the greedy answer itself when the solver finds nothing better in time."""
    started = time.perf_counter()
    greedy = plan_greedy(problem)
    model = cp_model.CpModel()
    weight = session_weight(problem)
    objective = []
    chosen: dict[int, dict[int, cp_model.IntVar]] = {}
    session_days: dict[int, list[cp_model.IntVar]] = {}
    present: dict[int, list[cp_model.IntVar]] = {}
    demands: dict[int, list[tuple[cp_model.IntervalVar, int]]] = defaultdict(list)
    last = problem.days - 1
    for course in problem.courses:
        # The greedy answer for this course, given to the solver as its first guess.
        guess = greedy.courses.get(course.key) or CourseAnswer(course.practitioners[0], [])
        chosen[course.key] = {p: model.new_bool_var("") for p in course.practitioners}
        model.add_exactly_one(chosen[course.key].values())
        for practitioner, is_chosen in chosen[course.key].items():
            model.add_hint(is_chosen, practitioner == guess.practitioner)
        days: list[cp_model.IntVar] = []
        flags: list[cp_model.IntVar] = []
        low, high = course.first_day, course.first_latest
        for number, interval in enumerate(course.intervals):
            if number and interval is not None:
                low, high = low + interval.days_min, high + interval.days_max
            day = model.new_int_var(min(low, last), min(high, last), "")
            flag = model.new_bool_var("")
            guessed_day = guess.days[number] if number < len(guess.days) else None
            model.add_hint(flag, guessed_day is not None)
            model.add_hint(day, min(low, last) if guessed_day is None else guessed_day)
            if number:
                model.add_implication(flag, flags[-1])
                if interval is not None:
                    gap = day - days[-1]
                    model.add(gap >= interval.days_min).only_enforce_if(flag)
                    model.add(gap <= interval.days_max).only_enforce_if(flag)
            objective.append(weight * flag)
            preferred_days = [
                d
                for d in range(low, min(high, last) + 1)
                if problem.weekday(d) in course.preferred_weekdays
            ]
            if preferred_days:
                on_preferred = model.new_bool_var("")
                model.add_implication(on_preferred, flag)
                model.add_linear_expression_in_domain(
                    day, cp_model.Domain.from_values(preferred_days)
                ).only_enforce_if(on_preferred)
                model.add_hint(on_preferred, guessed_day in preferred_days)
                objective.append(on_preferred)
            for practitioner, is_chosen in chosen[course.key].items():
                treats = model.new_bool_var("")
                model.add_bool_and([flag, is_chosen]).only_enforce_if(treats)
                model.add_bool_or([flag.Not(), is_chosen.Not()]).only_enforce_if(treats.Not())
                model.add_hint(
                    treats, guessed_day is not None and practitioner == guess.practitioner
                )
                visit = model.new_optional_fixed_size_interval_var(day, 1, treats, "")
                demands[practitioner].append((visit, course.minutes))
                if course.has_preferred_practitioner and practitioner == course.practitioners[0]:
                    objective.append(treats)
            days.append(day)
            flags.append(flag)
        session_days[course.key], present[course.key] = days, flags
    _add_capacity(model, problem, demands)
    model.maximize(sum(objective))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit - (time.perf_counter() - started))
    solver.parameters.num_workers = workers
    # Probing in presolve costs seconds per thousand courses and gains little here.
    solver.parameters.cp_model_probing_level = 0
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        greedy.method = f"greedy (cp-sat: {solver.status_name(status).lower()})"
        greedy.seconds = time.perf_counter() - started
        return greedy
    answer = Answer(method=f"cp-sat ({solver.status_name(status).lower()})")
    for course in problem.courses:
        placed = [
            solver.value(day)
            for day, flag in zip(session_days[course.key], present[course.key], strict=True)
            if solver.boolean_value(flag)
        ]
        if placed:
            practitioner = next(
                p for p, var in chosen[course.key].items() if solver.boolean_value(var)
            )
            answer.courses[course.key] = CourseAnswer(practitioner, placed)
    bound = int(solver.best_objective_bound)
    if answer.objective(problem) < greedy.objective(problem):
        answer = greedy  # the solver ran out of time before it caught up with its guess
        answer.method = f"greedy (cp-sat {solver.status_name(status).lower()}, below it)"
    answer.bound = bound
    answer.seconds = time.perf_counter() - started
    return answer


def _add_capacity(model, problem: Problem, demands) -> None:
    """Per practitioner, the minutes booked on a day stay within the minutes free. The
    cumulative constraint wants one capacity, so each day's unavailable minutes are a
    fixed block of demand."""
    for practitioner, visits in demands.items():
        capacity = max(
            (problem.free_minutes.get((practitioner, day), 0) for day in range(problem.days)),
            default=0,
        )
        blocks = [
            (model.new_fixed_size_interval_var(day, 1, ""), capacity - free)
            for day in range(problem.days)
            if (free := problem.free_minutes.get((practitioner, day), 0)) < capacity
        ]
        everything = visits + blocks
        model.add_cumulative(
            [interval for interval, _ in everything],
            [demand for _, demand in everything],
            capacity,
        )
