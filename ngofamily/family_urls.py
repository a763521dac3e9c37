"""The NGO family: membership, areas of joint work, work plan (mounted at /family/)."""

from django.urls import path

from . import views

app_name = "family"

urlpatterns = [
    path("", views.index, name="index"),
]
