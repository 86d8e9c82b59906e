def test_the_health_check_answers_without_a_login_or_a_query(
    db, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(0):
        response = client.get("/healthz")

    assert response.json() == {"status": "ok"}


def test_a_group_manager_sees_the_most_urgent_stock_warnings_and_how_many_more(
    db, client, clinic_now, monkeypatch
):
    from mesoclinic.accounts.models import User
    from mesoclinic.dashboard import views
    from mesoclinic.dashboard.selectors import stock_warnings_at_a_glance
    from mesoclinic.demo.generator import seed_clinic

    clinic_now("2026-11-22T08:00")
    seed_clinic(patient_count=60, seed=5)  # three locations, each with lots near expiry
    manager = User.objects.get(username="manager")
    urgent_first = stock_warnings_at_a_glance(user=manager)
    monkeypatch.setattr(views, "STOCK_WARNING_LOCATIONS", 1)
    client.force_login(manager)

    page = client.get("/").content.decode()

    assert len(urgent_first) == 3
    soonest = [min(line.days_to_expiry for line in w.expiring) for w in urgent_first]
    assert soonest == sorted(soonest)
    assert page.count("Stock warnings ·") == 1
    assert f"Stock warnings · {urgent_first[0].location.name}" in page
    assert "Stock warnings at 2 more locations." in page
    assert "Registered in the last 30 days" in page
