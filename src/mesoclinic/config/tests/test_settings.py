import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from mesoclinic.config.django.base import database_from_environment
from mesoclinic.config.env import env_bool


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    database = database_from_environment()
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert "PRAGMA journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert database["OPTIONS"]["timeout"] == 20
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_database_url_selects_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://clinic:secret@db.internal:5433/mesoclinic")
    database = database_from_environment()
    assert (database["ENGINE"], database["HOST"], database["PORT"], database["NAME"]) == (
        "django.db.backends.postgresql",
        "db.internal",
        5433,
        "mesoclinic",
    )


def test_passwords_are_hashed_with_argon2_in_production():
    from mesoclinic.config.django import production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert production.DEBUG is False


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("false", False), ("", False)])
def test_boolean_settings_read_plain_words(monkeypatch, raw, value):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", default=not value) is value


def test_a_misspelt_boolean_setting_stops_start_up(monkeypatch):
    monkeypatch.setenv("DEBUG", "ture")
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false"):
        env_bool("DEBUG", default=False)


def test_the_tests_run_with_debug_off():
    assert settings.DEBUG is False
