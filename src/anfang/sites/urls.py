"""Sites UI: communities, their locations, perimeter and site plan (names: see ARCHITECTURE/preamble)."""

from django.urls import path

from anfang.sites import views, views_plan

app_name = "sites"

C = "c/<str:code>"

urlpatterns = [
    path("communities/", views.CommunityListView.as_view(), name="community_list"),
    path("communities/new/", views.CommunityCreateView.as_view(), name="community_create"),
    path(f"{C}/", views.CommunityDetailView.as_view(), name="community_detail"),
    path(f"{C}/edit/", views.CommunityEditView.as_view(), name="community_edit"),
    path("c/<str:code>/plan/", views_plan.site_plan, name="site_plan"),
    path(f"{C}/locations/", views.LocationListView.as_view(), name="location_list"),
    path(f"{C}/locations/new/", views.LocationCreateView.as_view(), name="location_create"),
    path(f"{C}/locations/<str:loc>/", views.LocationDetailView.as_view(), name="location_detail"),
    path(f"{C}/locations/<str:loc>/edit/", views.LocationEditView.as_view(), name="location_edit"),
    path(f"{C}/locations/<str:loc>/delete/", views.LocationDeleteView.as_view(), name="location_delete"),
    path(f"{C}/perimeter/", views.PerimeterListView.as_view(), name="perimeter_list"),
    path(f"{C}/perimeter/new/", views.PerimeterCreateView.as_view(), name="perimeter_create"),
    path(f"{C}/perimeter/<str:seg>/", views.PerimeterDetailView.as_view(), name="perimeter_detail"),
    path(f"{C}/perimeter/<str:seg>/edit/", views.PerimeterEditView.as_view(), name="perimeter_edit"),
    path(f"{C}/perimeter/<str:seg>/delete/", views.PerimeterDeleteView.as_view(), name="perimeter_delete"),
    path(f"{C}/teams/", views.TeamListView.as_view(), name="team_list"),
    path(f"{C}/teams/new/", views.TeamCreateView.as_view(), name="team_create"),
    path(f"{C}/teams/<int:pk>/edit/", views.TeamEditView.as_view(), name="team_edit"),
    path(f"{C}/teams/<int:pk>/delete/", views.TeamDeleteView.as_view(), name="team_delete"),
]
