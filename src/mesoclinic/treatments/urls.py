from django.urls import path

from mesoclinic.treatments import views

app_name = "treatments"

urlpatterns = [
    path("visits/<int:visit_id>/open/", views.session_open, name="open"),
    path("<int:session_id>/", views.session_detail, name="session"),
    path("<int:session_id>/checklist/", views.checklist_save, name="checklist"),
    path("<int:session_id>/complete/", views.session_complete, name="complete"),
    path("<int:session_id>/addenda/", views.addendum_add, name="addendum"),
    path("<int:session_id>/aftercare/", views.aftercare, name="aftercare"),
    path("lots/<int:lot_id>/recipients/", views.lot_recall, name="recall"),
]
