from django.urls import path

from mesoclinic.scheduling import views

app_name = "scheduling"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("visits/<int:visit_id>/move/", views.visit_move, name="move"),
    path("visits/<int:visit_id>/mark/", views.visit_mark, name="mark"),
    path("settings/", views.calendar_settings, name="settings"),
    path("settings/<int:location_id>/rooms/", views.room_add, name="room_add"),
    path("settings/rooms/<int:room_id>/", views.room_edit, name="room_edit"),
    path("settings/<int:location_id>/hours/", views.opening_hours, name="opening_hours"),
    path("settings/<int:location_id>/absences/", views.absence_add, name="absence_add"),
    path(
        "settings/<int:location_id>/absences/<int:absence_id>/remove/",
        views.absence_remove,
        name="absence_remove",
    ),
]
