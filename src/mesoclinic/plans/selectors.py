from mesoclinic.accounts.models import User
from mesoclinic.accounts.permissions import Permission, require_permission
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import TreatmentPlan


def plans_for_patient(*, user: User, patient: Patient) -> list[TreatmentPlan]:
    """A patient's plans, newest first, in one query. Shown on the patient's record,
    whose read is audited already."""
    require_permission(user=user, permission=Permission.PATIENT_VIEW, patient=patient)
    return list(TreatmentPlan.objects.filter(patient=patient).select_related("protocol"))
