"""The current request, for the audit log, without passing the request down: where it
comes from, and the reads it has made so far.

The middleware sets both for each web request; code run from the command line leaves
them empty, so its audit rows carry no address and are written at once.
"""

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RequestOrigin:
    ip_address: str | None
    user_agent: str
    path: str


NO_ORIGIN = RequestOrigin(ip_address=None, user_agent="", path="")

current_origin: ContextVar[RequestOrigin] = ContextVar("audit_request_origin", default=NO_ORIGIN)


@dataclass
class RequestReads:
    """The audit rows of a request's reads, written together before its response leaves.

    `transaction_depth` is how deep in transactions the request began (a test runs in
    one): a read recorded deeper is inside a write's transaction and is written with it.
    """

    transaction_depth: int
    events: list[Any] = field(default_factory=list)


current_reads: ContextVar[RequestReads | None] = ContextVar("audit_request_reads", default=None)
