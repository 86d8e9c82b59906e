"""The cached copy of a signed-in user (read by accounts/backends.py), and how to drop it.

Kept apart from the backend, which needs the user model loaded, so that the model itself
can drop its copy when it is saved.
"""

from typing import Any

from django.core.cache import cache
from django.db import transaction

SIGNED_IN_USER_SECONDS = 60


def signed_in_user_key(user_id: Any) -> str:
    return f"signed-in-user:{user_id}"


def forget_signed_in_user(user_id: Any) -> None:
    """Drop a user's cached copy now, and again once the transaction that changed them
    commits, so a request reading the old row in between does not keep it."""
    key = signed_in_user_key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
