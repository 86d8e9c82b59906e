from django.http import HttpRequest
from ninja import Router

from mesoclinic.screening.case import ScreeningCase, parse_case
from mesoclinic.screening.engine import screen

router = Router(tags=["screening"])


@router.post(
    "",
    auth=None,
    summary="Screen a case against the rulebook",
    description=(
        "Stores nothing and reads no record: the case in the body is all it sees, so it is "
        "open to the public self-assessment. Unknown keys and wrong types are refused (422)."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": ScreeningCase.model_json_schema()}},
        }
    },
)
def screen_case(request: HttpRequest) -> dict:
    # The same strict parser as `mesoclinic screen`; a CaseError becomes a 422 (config/api.py).
    return screen(parse_case(request.body)).as_contract()
