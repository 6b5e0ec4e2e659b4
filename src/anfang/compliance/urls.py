"""Compliance URLs: per-community report and finding history, police ranking of a station."""

from django.urls import path

from anfang.compliance import views_history

app_name = "compliance"

urlpatterns = [
    path("c/<str:code>/compliance/history/", views_history.history_view, name="history"),
    path("police/communities/", views_history.police_ranking, name="police_ranking"),
]
