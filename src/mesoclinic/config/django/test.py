"""Tests: fast hashing, in-memory email, static files from the apps."""

from mesoclinic.config.django.local import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
