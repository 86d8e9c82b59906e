from django.urls import path

from mesoclinic.scheduling import views

app_name = "scheduling"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("visits/<int:visit_id>/move/", views.visit_move, name="move"),
    path("visits/<int:visit_id>/mark/", views.visit_mark, name="mark"),
]
