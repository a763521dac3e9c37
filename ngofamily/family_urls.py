"""The NGO family: membership, areas of joint work, work plan (mounted at /family/)."""

from django.urls import path

from . import family_views as views

app_name = "family"

urlpatterns = [
    path("", views.index, name="index"),
    path("charter/", views.charter, name="charter"),
    path("apply/", views.apply, name="apply"),
    path("leave/<slug:slug>/", views.leave, name="leave"),
    path("areas/", views.areas, name="areas"),
    path("areas/<slug:slug>/", views.area, name="area"),
    path("areas/<slug:slug>/join/", views.area_join, name="area-join"),
    path("areas/<slug:slug>/leave/", views.area_leave, name="area-leave"),
    path("plan/", views.plan, name="plan"),
    path("plan/calendar.ics", views.plan_ical, name="plan-ical"),
    path("plan/<int:pk>/", views.item, name="item"),
    path("plan/<int:pk>/progress/", views.progress, name="progress"),
]
