from django.urls import path

from fengqiao.regions import views

app_name = "regions"
urlpatterns = [path("boundaries.geojson", views.boundaries, name="boundaries")]
