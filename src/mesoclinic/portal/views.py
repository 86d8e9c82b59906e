from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from mesoclinic.portal.forms import ContactRequestForm, SelfAssessmentForm
from mesoclinic.portal.self_assessment import answer_for, case_from_answers
from mesoclinic.portal.services import contact_request_create


def self_assessment(request: HttpRequest) -> HttpResponse:
    """Public: answers are screened in memory and nothing is stored."""
    form = SelfAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        answer = answer_for(case_from_answers(form.answers(), today=form.today()))
        contact_form = ContactRequestForm(
            initial={"outcome_token": ContactRequestForm.token_for(answer.outcome)}
        )
        return render(
            request, "portal/answer.html", {"answer": answer, "contact_form": contact_form}
        )
    return render(request, "portal/self_assessment.html", {"form": form})


@require_POST
def contact_request(request: HttpRequest) -> HttpResponse:
    form = ContactRequestForm(request.POST)
    if form.is_valid():
        contact = form.save(commit=False)
        contact.outcome = form.cleaned_data["outcome_token"]
        contact_request_create(request=contact)
        return render(request, "portal/contact_thanks.html", {"contact": contact})
    return render(request, "portal/contact_form.html", {"contact_form": form})
