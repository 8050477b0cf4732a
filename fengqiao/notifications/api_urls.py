"""/api/v1/notices/ (included from fengqiao/api/urls.py)."""

from django.urls import path

from fengqiao.notifications import api

urlpatterns = [
    path("", api.NoticeListView.as_view(), name="notices"),
    path("seen/", api.SeenView.as_view(), name="notices-seen"),
]
