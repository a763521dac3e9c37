"""The needs-assessment survey (mounted at /survey/)."""

from django.urls import path

from . import survey_views as views

app_name = "survey"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/start/", views.start, name="start"),
    path("<slug:slug>/public/", views.start_public, name="start-public"),
    path("<slug:slug>/responses/<int:pk>/<int:number>/", views.section, name="section"),
    path("<slug:slug>/responses/<int:pk>/review/", views.review, name="review"),
    path("<slug:slug>/results/", views.results, name="results"),
    path("<slug:slug>/export.<str:fmt>", views.export, name="export"),
]
