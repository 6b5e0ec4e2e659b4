"""Vehicle pages (namespace ``vehicles``).

/c/<code>/lanes/ (lanes and their last passage), /c/<code>/lanes/<lane>/ (the guard's screen, polling
latest.json), /c/<code>/passages/ (search, export.xlsx; also /passages/ across communities),
/c/<code>/passages/<pk>/override/ and …/<plate|scene>.jpg, /c/<code>/vehicles-inside/,
/c/<code>/vehicles/{residents,blacklist,lanes,passes}/… (the lists).
"""

from django.urls import path

from anfang.vehicles import views as v

app_name = "vehicles"

C = "c/<str:code>"
V = f"{C}/vehicles"

urlpatterns = [
    path(f"{C}/lanes/", v.lane_list, name="lane_list"),
    path(f"{C}/lanes/<str:lane>/", v.lane_view, name="lane"),
    path(f"{C}/lanes/<str:lane>/latest.json", v.lane_latest, name="lane_latest"),
    path(f"{C}/passages/", v.passages, name="passages"),
    path(f"{C}/passages/export.xlsx", v.passages_export, name="passages_export"),
    path(f"{C}/passages/<int:pk>/override/", v.override, name="override"),
    path(f"{C}/passages/<int:pk>/<str:kind>.jpg", v.passage_picture, name="picture"),
    path("passages/", v.passages, name="passages_all"),
    path("passages/export.xlsx", v.passages_export, name="passages_export_all"),
    path(f"{C}/vehicles-inside/", v.inside, name="inside"),
    path(f"{V}/residents/", v.ResidentListView.as_view(), name="resident_list"),
    path(f"{V}/residents/new/", v.ResidentEditView.as_view(), name="resident_create"),
    path(f"{V}/residents/<int:pk>/edit/", v.ResidentEditView.as_view(), name="resident_edit"),
    path(f"{V}/residents/<int:pk>/delete/", v.ResidentDeleteView.as_view(), name="resident_delete"),
    path(f"{V}/blacklist/", v.BlacklistView.as_view(), name="blacklist"),
    path(f"{V}/blacklist/new/", v.BlacklistEditView.as_view(), name="blacklist_create"),
    path(f"{V}/blacklist/<int:pk>/edit/", v.BlacklistEditView.as_view(), name="blacklist_edit"),
    path(f"{V}/blacklist/<int:pk>/delete/", v.BlacklistDeleteView.as_view(), name="blacklist_delete"),
    path(f"{V}/lanes/new/", v.LaneEditView.as_view(), name="lane_create"),
    path(f"{V}/lanes/<int:pk>/edit/", v.LaneEditView.as_view(), name="lane_edit"),
    path(f"{V}/lanes/<int:pk>/delete/", v.LaneDeleteView.as_view(), name="lane_delete"),
    path(f"{V}/passes/", v.pass_list, name="pass_list"),
    path(f"{V}/passes/new/", v.PassCreateView.as_view(), name="pass_create"),
    path(f"{V}/passes/<int:pk>/revoke/", v.pass_revoke, name="pass_revoke"),
]
