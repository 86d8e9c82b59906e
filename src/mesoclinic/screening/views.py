from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mesoclinic.accounts.permissions import Permission, has_permission
from mesoclinic.screening.engine import resolve_policies
from mesoclinic.screening.rulebook import rulebook
from mesoclinic.screening.services import screening_policies_set
from mesoclinic.web import AuthenticatedHttpRequest


def coerce_like(example: Any) -> Callable[[str], Any]:
    """Turn a posted string back into the type of the policy's default (e.g. 16, not "16")."""
    kind = type(example)
    return lambda value: kind(value)


class PoliciesForm(forms.Form):
    """One choice per configurable rulebook item, limited to the values the rulebook allows."""

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for name, policy in rulebook().policies.items():
            self.fields[name] = forms.TypedChoiceField(
                label=name.replace("_", " ").capitalize(),
                choices=[(str(value), str(value).replace("_", " ")) for value in policy.allowed],
                coerce=coerce_like(policy.default),
                initial=str(current[name]),
                help_text=f"{_('Default')}: {policy.default}. {policy.source}",
            )


@login_required
def screening_policies(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not has_permission(user=user, permission=Permission.CLINIC_SETTINGS_EDIT):
        raise PermissionDenied("Only managers set the clinic's screening policies.")
    group = user.clinic_group
    current = resolve_policies(rulebook(), group.screening_policies if group else {})
    form = PoliciesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            screening_policies_set(actor=user, policies=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Screening policies saved; they apply from the next screening.")
            )
            return redirect("screening:policies")
    return render(request, "screening/policies.html", {"form": form, "group": group})
