from django.urls import path

from mesoclinic.patients import views

app_name = "patients"

urlpatterns = [
    path("", views.patient_list, name="list"),
    path("new/", views.patient_create, name="create"),
    path("<int:patient_id>/", views.patient_detail, name="detail"),
    path("<int:patient_id>/edit/", views.patient_edit, name="edit"),
    path("<int:patient_id>/<str:kind>/", views.history_add, name="history-add"),
    path(
        "<int:patient_id>/<str:kind>/<int:entry_id>/remove/",
        views.history_remove,
        name="history-remove",
    ),
]
