from django.urls import path

from mesoclinic.formulary import views

app_name = "formulary"

urlpatterns = [
    path("stock/", views.stock, name="stock"),
    path("stock/discard/", views.stock_discard, name="discard"),
    path("templates/", views.templates, name="templates"),
    path("templates/<int:template_id>/stop/", views.template_stop, name="template-stop"),
    path("patients/<int:patient_id>/new/", views.formulation_create, name="create"),
    path("<int:formulation_id>/", views.formulation_detail, name="detail"),
    path("<int:formulation_id>/stop/", views.formulation_stop, name="stop"),
]
