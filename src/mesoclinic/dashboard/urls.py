from django.urls import path

from mesoclinic.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
]
