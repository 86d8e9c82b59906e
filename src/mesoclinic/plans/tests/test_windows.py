import datetime

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from mesoclinic.plans.protocols import parse_protocols, protocol_book
from mesoclinic.plans.windows import Phase, Window, lay_course, session_intervals

MONDAY = datetime.date(2026, 11, 23)


def days_after_start(laid) -> list[int]:
    return [(session.day - laid[0].day).days for session in laid]


def earliest(_number, window):
    return window.earliest


def test_the_dutasteride_nappage_protocol_falls_on_weeks_0_1_2_3_5_7_11():
    phases = protocol_book().protocols["dutasteride_nappage_men"].phases

    def nominal_day(_number, window):  # one day after the earliest: 7, 14 or 28 days
        return min(window.earliest + datetime.timedelta(days=1), window.latest)

    laid = lay_course(phases, done=[], first_window=Window(MONDAY, MONDAY), pick=nominal_day)

    assert [days // 7 for days in days_after_start(laid)] == [0, 1, 2, 3, 5, 7, 11]


def test_moftah_2013_is_12_sessions_over_16_weeks():
    protocol = protocol_book().protocols["moftah_2013_dutasteride"]
    assert protocol.session_count == 12
    assert (
        sum(interval.days_max for interval in session_intervals(protocol.phases) if interval)
        >= 16 * 7
    )


def test_later_sessions_follow_the_day_a_session_was_actually_done():
    phases = [Phase(sessions=4, interval_days_min=6, interval_days_max=9)]
    done = [MONDAY, MONDAY + datetime.timedelta(days=9)]  # the second came late

    laid = lay_course(phases, done=done, first_window=Window(MONDAY, MONDAY), pick=earliest)

    assert [session.number for session in laid] == [3, 4]
    assert laid[0].window == Window(
        done[1] + datetime.timedelta(6), done[1] + datetime.timedelta(9)
    )
    assert laid[1].day == laid[0].day + datetime.timedelta(days=6)


def test_laying_stops_where_the_calendar_has_no_free_day():
    phases = [Phase(sessions=3, interval_days_min=6, interval_days_max=9)]

    laid = lay_course(
        phases,
        done=[MONDAY],
        first_window=Window(MONDAY, MONDAY),
        pick=lambda number, window: None if number == 2 else window.earliest,
    )

    assert [(s.number, s.day) for s in laid] == [(2, None)]


def test_no_session_is_laid_in_the_past_and_a_closed_window_reopens_marked_late():
    phases = [Phase(sessions=3, interval_days_min=6, interval_days_max=9)]
    done = [MONDAY]

    inside = lay_course(
        phases,
        done=done,
        first_window=Window(MONDAY, MONDAY),
        pick=earliest,
        not_before=MONDAY + datetime.timedelta(days=8),
    )
    closed = lay_course(
        phases,
        done=done,
        first_window=Window(MONDAY, MONDAY),
        pick=earliest,
        not_before=MONDAY + datetime.timedelta(days=20),
    )

    assert inside[0].window == Window(
        MONDAY + datetime.timedelta(8), MONDAY + datetime.timedelta(9)
    )
    assert not inside[0].is_late
    assert closed[0].window == Window(
        MONDAY + datetime.timedelta(20), MONDAY + datetime.timedelta(23)
    )
    assert [s.is_late for s in closed] == [True, False]
    assert closed[1].window.earliest == closed[0].day + datetime.timedelta(days=6)


phase_lists = st.lists(
    st.tuples(st.integers(1, 6), st.integers(1, 40), st.integers(0, 30)).map(
        lambda t: Phase(sessions=t[0], interval_days_min=t[1], interval_days_max=t[1] + t[2])
    ),
    min_size=1,
    max_size=4,
)


@given(phases=phase_lists, choices=st.lists(st.floats(0, 1), min_size=30, max_size=30))
def test_every_laid_session_is_inside_its_window_after_the_one_before(phases, choices):
    def anywhere(number, window):
        days = window.days()
        return days[int(choices[number % len(choices)] * (len(days) - 1))]

    laid = lay_course(phases, done=[], first_window=Window(MONDAY, MONDAY), pick=anywhere)

    intervals = session_intervals(phases)
    assert len(laid) == len(intervals) == sum(phase.sessions for phase in phases)
    for previous, session, interval in zip(laid[:-1], laid[1:], intervals[1:], strict=True):
        gap = (session.day - previous.day).days
        assert session.day in session.window
        assert interval.days_min <= gap <= interval.days_max


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"interval_days_min": 0}, "phase 1: intervals need 1 <= interval_days_min"),
        ({"interval_days_min": 12}, "phase 1: intervals need 1 <= interval_days_min"),
        ({"sessions": 0}, "phase 1: a phase has one session at least"),
        ({"sessions": "two"}, "phase 1: whole numbers only"),
        ({"weeks": 3}, "phase 1 needs exactly sessions"),
    ],
)
def test_a_broken_protocol_file_names_the_protocol_and_phase(change, message):
    phase = {"sessions": 4, "interval_days_min": 6, "interval_days_max": 9, **change}
    document = {
        "version": "1",
        "protocols": [
            {
                "id": "weekly",
                "name": "Weekly",
                "indication": "hair_loss",
                "modality": "cocktail",
                "phases": [phase],
                "source": "a source",
                "evidence": "practice",
            }
        ],
    }
    with pytest.raises(ImproperlyConfigured, match="protocols.yaml: protocol weekly: " + message):
        parse_protocols(yaml.safe_dump(document), origin="protocols.yaml")


def test_every_shipped_protocol_has_a_source_and_an_evidence_level():
    book = protocol_book()
    assert set(book.protocols) >= {
        "weekly_8",
        "moftah_2013_dutasteride",
        "dutasteride_nappage_men",
        "prp_monthly_3",
        "maintenance",
    }
    assert all(
        p.source and p.evidence in {"published", "practice"} for p in book.protocols.values()
    )
