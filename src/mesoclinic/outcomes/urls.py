from django.urls import path

from mesoclinic.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("plans/<int:plan_id>/", views.plan_outcomes, name="plan"),
    path("plans/<int:plan_id>/review/", views.review, name="review"),
    path("plans/<int:plan_id>/charts/<str:measure_id>.svg", views.chart, name="chart"),
]
