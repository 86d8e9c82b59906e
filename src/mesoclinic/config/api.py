"""The JSON API at /api/v1/: authentication, error shapes, and each app's router.

Errors share one shape, the one django-ninja uses for malformed input:
HTTP 422 {"detail": [{"loc": ["body", "birth_date"], "msg": "…"}]}.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import SessionAuth

from mesoclinic.accounts.api import ApiTokenAuth
from mesoclinic.accounts.api import router as accounts_router
from mesoclinic.assessments.api import router as assessments_router
from mesoclinic.audit.api import router as audit_router
from mesoclinic.formulary.api import patient_router as formulations_router
from mesoclinic.formulary.api import router as formulary_router
from mesoclinic.outcomes.api import router as outcomes_router
from mesoclinic.patients.api import router as patients_router
from mesoclinic.plans.api import router as plans_router
from mesoclinic.safety.api import router as safety_router
from mesoclinic.scheduling.api import router as booking_router
from mesoclinic.screening.api import router as screening_router
from mesoclinic.screening.case import CaseError
from mesoclinic.treatments.api import router as sessions_router

# Model field names that the API calls by another name.
API_FIELD_NAMES = {"location": "location_id", "practitioner": "practitioner_id"}

api = NinjaAPI(
    title="mesoclinic API",
    version="1",
    urls_namespace="api-v1",
    auth=[ApiTokenAuth(), SessionAuth()],
    docs_url="/docs",
)
api.add_router("/", accounts_router)
api.add_router("/patients", patients_router)
api.add_router("/audit", audit_router)
api.add_router("/screening", screening_router)
api.add_router("/", assessments_router)
api.add_router("/formulary", formulary_router)
api.add_router("/", formulations_router)
api.add_router("/", plans_router)
api.add_router("/", booking_router)
api.add_router("/", sessions_router)
api.add_router("/", safety_router)
api.add_router("/", outcomes_router)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    if hasattr(error, "error_dict"):
        detail = [
            {"loc": ["body", *API_FIELD_NAMES.get(field, field).split(".")], "msg": message}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    else:
        detail = [{"loc": ["body"], "msg": message} for message in error.messages]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(error) or "You may not do this."}, status=403
    )


@api.exception_handler(CaseError)
def malformed_case(request: HttpRequest, error: CaseError) -> HttpResponse:
    detail = [{"loc": ["body", *location], "msg": message} for location, message in error.problems]
    return api.create_response(request, {"detail": detail}, status=422)
