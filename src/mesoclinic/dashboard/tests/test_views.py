def test_the_health_check_answers_without_a_login_or_a_query(
    db, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(0):
        response = client.get("/healthz")

    assert response.json() == {"status": "ok"}
