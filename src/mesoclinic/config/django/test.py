"""Tests: fast hashing, in-memory email, static files from the apps."""

from mesoclinic.config.django.local import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Each test closes its connections, so the test database can be dropped at the end.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: the browser tests' server threads then get connections of their own,
    # and tests see the same WAL journal as production.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-mesoclinic.sqlite3")}  # noqa: F405
# One cache per test process, emptied before each test (conftest.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
