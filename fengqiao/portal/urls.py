"""Resident pages, mounted at /r/ (short enough to print on a notice or a QR code)."""

from django.urls import path

from fengqiao.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.report, name="report"),
    path("done/<str:code>/", views.done, name="done"),
    path("track/", views.track, name="track"),
    path("t/<str:code>/", views.status, name="status"),
    path("t/<str:code>/rate/", views.rate, name="rate"),
    path("t/<str:code>/reopen/", views.reopen, name="reopen"),
    path("boundaries.geojson", views.boundaries, name="boundaries"),
]
