from django.urls import path

from fengqiao.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox_page, name="inbox"),
    path("seen/", views.mark_seen, name="seen"),
]
