from django.urls import path

from mesoclinic.plans import views

app_name = "plans"

urlpatterns = [
    path("patients/<int:patient_id>/new/", views.plan_create, name="create"),
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:plan_id>/status/", views.plan_transition, name="transition"),
    path("<int:plan_id>/book/", views.plan_book_course, name="book"),
]
