from django.urls import path

from mesoclinic.safety import views

app_name = "safety"

urlpatterns = [
    path("report/", views.safety_report, name="report"),
    path(
        "patients/<int:patient_id>/events/new/", views.report_for_patient, name="report_for_patient"
    ),
    path(
        "sessions/<int:session_id>/events/new/", views.report_for_session, name="report_for_session"
    ),
    path("mine/new/", views.report_mine, name="report_mine"),
    path("events/<int:event_id>/", views.event_detail, name="event"),
    path("events/<int:event_id>/follow-up/", views.event_follow_up, name="follow_up"),
    path("events/<int:event_id>/clear/", views.event_clear, name="clear"),
    path("alerts/<int:alert_id>/seen/", views.alert_seen, name="alert_seen"),
]
