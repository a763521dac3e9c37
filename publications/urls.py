from django.urls import path

from . import views

app_name = "publications"

urlpatterns = [
    path("", views.index, name="index"),
    path("builds/<int:pk>/status/", views.build_status, name="build-status"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/cover.png", views.cover, name="cover"),
    path("<slug:slug>/<str:variant>.pdf", views.download, name="download"),
    path("<slug:slug>/builds/<int:pk>.pdf", views.download_build, name="download-build"),
]
