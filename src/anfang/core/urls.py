from django.urls import path

from anfang.core import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
