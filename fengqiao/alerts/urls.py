from django.urls import path

from fengqiao.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.alert_list, name="list"),
    path("map/", views.alert_map, name="map"),
    path("run/", views.run_detectors, name="run"),
    path("map/data.geojson", views.map_data, name="map_data"),
    path("key-periods/<int:pk>/", views.key_period, name="key_period"),
    path("<int:pk>/", views.alert_detail, name="detail"),
    path("<int:pk>/do/<str:name>/", views.alert_action, name="action"),
]
