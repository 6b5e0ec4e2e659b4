"""Compliance URLs: per-community report and finding history, police ranking of a station."""

from django.urls import path

from anfang.compliance import views, views_history

app_name = "compliance"

urlpatterns = [
    path("c/<str:code>/compliance/", views.community_report, name="community"),
    path("c/<str:code>/compliance/run/", views.run_check, name="run"),
    path("c/<str:code>/compliance/report.json", views.report_json, name="report_json"),
    path("c/<str:code>/compliance/report.pdf", views.report_pdf, name="report_pdf"),
    path("c/<str:code>/compliance/history/", views_history.history_view, name="history"),
    path("police/communities/", views_history.police_ranking, name="police_ranking"),
]
