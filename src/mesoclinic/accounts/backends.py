"""The signed-in user of each request, from the cache rather than the database.

Every request of a signed-in user needs the user and the locations they work at. Both
are kept in the cache for a minute (accounts/signed_in.py), so a request reads neither
table. Saving a user drops their cached copy at once; the minute is the backstop for a
write that bypasses `User.save`, and for a cache that is not shared by every server.
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from mesoclinic.accounts.signed_in import SIGNED_IN_USER_SECONDS, signed_in_user_key


class CachedUserBackend(ModelBackend):
    """Django's model backend, with `get_user` (once per request) served from the cache."""

    def get_user(self, user_id: Any) -> Any:
        key = signed_in_user_key(user_id)
        user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is None:
                return None
            user.location_ids  # noqa: B018 (read now, so the cached copy carries it)
            cache.set(key, user, SIGNED_IN_USER_SECONDS)
        return user
