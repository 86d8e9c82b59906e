from django.urls import path

from mesoclinic.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("report/", views.report, name="report"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("plans/<int:plan_id>/", views.plan_outcomes, name="plan"),
    path("plans/<int:plan_id>/review/", views.review, name="review"),
    path("plans/<int:plan_id>/hair-estimate/", views.hair_estimate, name="hair_estimate"),
    path("plans/<int:plan_id>/photos/", views.photos, name="photos"),
    path("plans/<int:plan_id>/photos/add/", views.photo_add, name="photo_add"),
    path("photos/<int:photo_id>/<str:size>.jpg", views.photo_file, name="photo_file"),
    path("plans/<int:plan_id>/summary.pdf", views.summary_pdf, name="summary_pdf"),
    path("plans/<int:plan_id>/charts/<str:measure_id>.svg", views.chart, name="chart"),
]
