from django.urls import path

from fengqiao.fieldwork import views

app_name = "fieldwork"
urlpatterns = [
    path("", views.home, name="home"),
    path("report/", views.report, name="report"),
    path("report/<str:number>/", views.report_done, name="report_done"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("patrols/new/", views.patrol_new, name="patrol_new"),
    path("volunteers/", views.volunteers, name="volunteers"),
]
