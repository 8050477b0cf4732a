"""/api/v1/alerts/ (included from fengqiao/api/urls.py)."""

from django.urls import path

from fengqiao.alerts import api

urlpatterns = [
    path("", api.AlertListView.as_view(), name="alerts"),
    path("run/", api.RunDetectorsView.as_view(), name="alerts-run"),
    path("<int:pk>/", api.AlertDetailView.as_view(), name="alert-detail"),
    *[
        path(f"<int:pk>/actions/{name}/", api.action_view(name).as_view(), name=f"alert-{name}")
        for name in api.ACTION_NAMES
    ],
]
