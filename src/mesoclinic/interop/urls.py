from django.urls import path

from mesoclinic.interop import views

app_name = "interop"

urlpatterns = [
    path("calendar/", views.calendar_feeds, name="feeds"),
    path("calendar/<int:feed_id>/revoke/", views.calendar_feed_revoke, name="revoke"),
    path("calendar/<str:secret>.ics", views.calendar_feed, name="feed"),
]
