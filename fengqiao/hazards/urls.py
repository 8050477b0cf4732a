from django.urls import path

from fengqiao.hazards.views import field, places, register

app_name = "hazards"
urlpatterns = [
    path("", register.hazard_list, name="list"),
    path("new/", register.hazard_new, name="new"),
    path("export/", register.hazard_export, name="export"),
    path("<int:pk>/", register.hazard_detail, name="detail"),
    path("<int:pk>/do/<str:action>/", register.hazard_action, name="action"),
    path("<int:pk>/photos/<int:photo>/", register.hazard_photo, name="photo"),
    path("places/", places.place_list, name="places"),
    path("places/new/", places.place_new, name="place_new"),
    path("places/<int:pk>/", places.place_detail, name="place"),
    path("places/<int:pk>/close/", places.place_close, name="place_close"),
    path("places/<int:pk>/cases/", places.project_link, name="project_link"),
    path(
        "places/<int:pk>/cases/<int:link>/evaluate/",
        places.project_evaluate,
        name="project_evaluate",
    ),
    path("plans/", places.plan_list, name="plans"),
    path("plans/<int:pk>/deactivate/", places.plan_deactivate, name="plan_deactivate"),
    path("measures/", places.measures, name="measures"),
    path("field/", field.my_tasks, name="field_tasks"),
    path("field/tasks/<int:pk>/", field.inspect, name="field_inspect"),
    path("field/places/<int:pk>/", field.inspect_place, name="field_inspect_place"),
]
