from django.urls import path

from . import views

app_name = "ngofamily"

urlpatterns = [
    path("", views.index, name="index"),
]
