"""URL map of the whole site."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from fengqiao.core import views as core_views

admin.site.site_header = _("枫桥 · 基层社会治理平台 管理")
admin.site.site_title = _("枫桥管理")
admin.site.index_title = _("系统配置")

handler404 = "fengqiao.core.views.page_not_found"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("regions/", include("fengqiao.regions.urls")),
    path("cases/", include("fengqiao.cases.urls")),
    path("mediation/", include("fengqiao.mediation.urls")),
    path("grid/", include("fengqiao.fieldwork.urls")),
    path("alerts/", include("fengqiao.alerts.urls")),
    path("hazards/", include("fengqiao.hazards.urls")),
    path("notices/", include("fengqiao.notifications.urls")),
    path("r/", include("fengqiao.portal.urls")),
    path("api/v1/", include("fengqiao.api.urls")),
    path("open311/v2/", include("fengqiao.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
