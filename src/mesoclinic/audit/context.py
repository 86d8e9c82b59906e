"""Where the current request comes from, for the audit log, without passing the request down.

The middleware sets it for each web request; code run from the command line leaves it
empty, and its audit rows carry no address.
"""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestOrigin:
    ip_address: str | None
    user_agent: str
    path: str


NO_ORIGIN = RequestOrigin(ip_address=None, user_agent="", path="")

current_origin: ContextVar[RequestOrigin] = ContextVar("audit_request_origin", default=NO_ORIGIN)
