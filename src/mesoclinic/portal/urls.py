from django.urls import path

from mesoclinic.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.self_assessment, name="self-assessment"),
    path("contact/", views.contact_request, name="contact"),
]
