from django.urls import path

from fengqiao.mediation import views

app_name = "mediation"
urlpatterns = [
    path("", views.my_list, name="list"),
    path("referrals/", views.referral_list, name="referrals"),
    path("measures/", views.measures_page, name="measures"),
    path("referrals/<int:pk>/do/<str:action>/", views.referral_action, name="referral_action"),
    path("case/<str:number>/", views.case_page, name="case"),
    path("case/<str:number>/do/<str:action>/", views.case_action, name="action"),
    path("case/<str:number>/parties.csv", views.export_parties, name="export_parties"),
    path("m/<int:pk>/session/", views.session_entry, name="session"),
    path("m/<int:pk>/record-<int:session>.pdf", views.document, {"kind": "record"}, name="record"),
    path("m/<int:pk>/<str:kind>.pdf", views.document, name="document"),
    path("party/<int:pk>/reveal/", views.reveal, name="reveal"),
]
