from django.urls import path

from fengqiao.mediation import api

urlpatterns = [
    path("disputes/<str:number>/", api.DisputeView.as_view(), name="mediation-dispute"),
    *[
        path(f"disputes/<str:number>/{name}/", view.as_view(), name=f"mediation-dispute-{name}")
        for name, view in api.DISPUTE_POSTS.items()
    ],
    *[
        path(f"mediations/<int:pk>/{name}/", view.as_view(), name=f"mediation-{name}")
        for name, view in api.MEDIATION_POSTS.items()
    ],
    path(
        "mediations/<int:pk>/documents/<str:kind>/",
        api.DocumentView.as_view(),
        name="mediation-document",
    ),
    path("parties/<int:pk>/reveal/", api.RevealView.as_view(), name="mediation-reveal"),
    path("referrals/", api.ReferralListView.as_view(), name="mediation-referrals"),
    *[
        path(f"referrals/<int:pk>/{name}/", view.as_view(), name=f"mediation-referral-{name}")
        for name, view in api.REFERRAL_POSTS.items()
    ],
    path("measures/", api.MeasuresView.as_view(), name="mediation-measures"),
]
