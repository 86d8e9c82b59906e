import ipaddress

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse

from mesoclinic.audit.context import RequestOrigin, RequestReads, current_origin, current_reads
from mesoclinic.audit.models import AuditEvent


def client_ip_address(request: HttpRequest) -> str | None:
    """The client's address: from the configured proxy header if set, else the socket's."""
    header = settings.AUDIT_CLIENT_IP_HEADER
    raw = request.headers.get(header, "") if header else ""
    # A proxy appends to the header: the left-most entry is the original client.
    candidate = raw.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


class AuditContextMiddleware:
    """Gives the audit log each request's origin, and writes the request's reads at its end."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        origin = RequestOrigin(
            ip_address=client_ip_address(request),
            user_agent=request.headers.get("User-Agent", "")[:300],
            path=request.path[:300],
        )
        reads = RequestReads(transaction_depth=len(connection.atomic_blocks))
        origin_token, reads_token = current_origin.set(origin), current_reads.set(reads)
        try:
            return self.get_response(request)
        finally:
            current_reads.reset(reads_token)
            current_origin.reset(origin_token)
            # The response leaves only once the reads it shows are in the audit log; if
            # this insert fails, the client gets an error instead of the page.
            write_events(reads.events)


def write_events(events: list[AuditEvent]) -> None:
    """Insert a request's read events in one statement.

    Most requests read one thing. Its row is saved alone: `bulk_create` wraps even one
    row in BEGIN and COMMIT, two more round trips to the database on every page.
    """
    if len(events) == 1:
        events[0].save()
    else:
        AuditEvent.objects.bulk_create(events)
