"""URLs of the prevention API, included under /api/v1/hazards/ by ``fengqiao.api.urls``."""

from django.urls import path

from fengqiao.hazards import api

urlpatterns = [
    path("", api.HazardListView.as_view(), name="hazards"),
    path("<int:pk>/", api.HazardDetailView.as_view(), name="hazard-detail"),
    *[
        path(
            f"<int:pk>/actions/{name}/",
            api.hazard_action_view(name).as_view(),
            name=f"hazard-action-{name}",
        )
        for name in api.HAZARD_ACTIONS
    ],
    path("places/", api.PlaceListView.as_view(), name="hazard-places"),
    path("tasks/", api.TaskListView.as_view(), name="hazard-tasks"),
    path("tasks/<int:pk>/inspection/", api.InspectionView.as_view(), name="hazard-inspection"),
    path(
        "measures/inspections/",
        api.InspectionMeasuresView.as_view(),
        name="hazard-measures-inspections",
    ),
    path("measures/projects/", api.ProjectMeasuresView.as_view(), name="hazard-measures-projects"),
]
