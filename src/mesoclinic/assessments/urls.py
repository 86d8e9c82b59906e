from django.urls import path

from mesoclinic.assessments import views

app_name = "assessments"

urlpatterns = [
    path("patients/<int:patient_id>/consultations/new/", views.consultation_create, name="create"),
    path("consultations/<int:consultation_id>/", views.consultation_detail, name="detail"),
    path("consultations/<int:consultation_id>/edit/", views.consultation_edit, name="edit"),
    path("screenings/<int:screening_id>/override/", views.screening_override_view, name="override"),
]
