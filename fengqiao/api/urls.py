from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from fengqiao.api import views
from fengqiao.api.actions import ACTIONS

app_name = "api"

urlpatterns = [
    path("cases/", views.CaseListView.as_view(), name="cases"),
    path("cases/measures/", views.CaseMeasuresView.as_view(), name="case-measures"),
    path("cases/review/", views.ReplyReviewListView.as_view(), name="case-review"),
    path("cases/<str:number>/", views.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<str:number>/timeline/", views.TimelineView.as_view(), name="case-timeline"),
    path(
        "cases/<str:number>/attachments/",
        views.AttachmentListView.as_view(),
        name="case-attachments",
    ),
    path(
        "cases/<str:number>/attachments/<int:pk>/",
        views.AttachmentDownloadView.as_view(),
        name="case-attachment",
    ),
    *[
        path(
            f"cases/<str:number>/actions/{name}/",
            views.action_view(spec).as_view(),
            name=f"case-action-{name}",
        )
        for name, spec in ACTIONS.items()
    ],
    path("categories/", views.CategoryListView.as_view(), name="categories"),
    path("regions/", views.RegionListView.as_view(), name="regions"),
    path("regions/<str:code>/", views.RegionDetailView.as_view(), name="region-detail"),
    path("units/", views.UnitListView.as_view(), name="units"),
    path("mediation/", include("fengqiao.mediation.api_urls")),
    path("alerts/", include("fengqiao.alerts.api_urls")),
    path("hazards/", include("fengqiao.hazards.api_urls")),
    path("notices/", include("fengqiao.notifications.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
]
