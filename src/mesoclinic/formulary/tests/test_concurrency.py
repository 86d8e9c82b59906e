"""Two (or eight) people take the last vial at the same moment: exactly one succeeds."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from mesoclinic.formulary.models import StockMovement
from mesoclinic.formulary.selectors import stock_on_hand
from mesoclinic.formulary.services import stock_withdraw
from mesoclinic.formulary.tests.factories import make_product, receive

WORKERS = 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_withdrawals_of_the_last_vial_let_exactly_one_through(manager, location_a):
    lot = receive(manager, location_a, make_product(manager), quantity=1).lot
    start = threading.Barrier(WORKERS)
    outcomes: list[str] = []

    def withdraw():
        try:
            start.wait()
            stock_withdraw(actor=manager, location=location_a, lot=lot, quantity=1, kind="used")
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=withdraw) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["ok"] + ["refused"] * (WORKERS - 1)
    assert stock_on_hand(location=location_a, lot=lot) == 0
    assert StockMovement.objects.filter(kind="used").count() == 1
