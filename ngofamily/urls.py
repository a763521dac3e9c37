"""The NGO catalogue (mounted at /ngos/)."""

from django.urls import path

from . import views

app_name = "ngofamily"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.csv", views.export_csv, name="export"),
    path("register/", views.register, name="register"),
    path("settlements/", views.settlement_search, name="settlement-search"),
    path("invites/<str:token>/", views.invite_accept, name="invite-accept"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/submit/", views.submit, name="submit"),
    path("<slug:slug>/claim/", views.claim, name="claim"),
    path("<slug:slug>/invite/", views.invite, name="invite"),
]
