from django.urls import path

from fengqiao.cases.views import detail, entry, lists, measures, review

app_name = "cases"
urlpatterns = [
    path("", lists.case_list, name="list"),
    path("mine/", lists.my_work, name="my_work"),
    path("export/", lists.export, name="export"),
    path("bulk-dispatch/", lists.bulk_dispatch, name="bulk_dispatch"),
    path("overdue/", lists.overdue_board, name="overdue_board"),
    path("measures/", measures.measures_page, name="measures"),
    path("review/", review.review_page, name="review"),
    path("map/", lists.case_map, name="map"),
    path("map/data.geojson", lists.map_data, name="map_data"),
    path("new/", entry.new_case, name="new"),
    path("new/suggest-category/", entry.suggest, name="suggest_category"),
    path("<str:number>/", detail.case_detail, name="detail"),
    path("<str:number>/do/<str:action>/", detail.case_action, name="action"),
    path("<str:number>/attachments/<int:pk>/", detail.attachment, name="attachment"),
]
