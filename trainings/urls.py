from django.urls import path

from . import views

app_name = "trainings"

urlpatterns = [
    path("", views.index, name="index"),
    path("calendar.ics", views.sessions_ical, name="ical"),
    path("results/", views.results, name="results"),
    path("results.csv", views.results_csv, name="results-csv"),
    path("my/", views.my_trainings, name="my"),
    path("my/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("my/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("enrolments/<str:token>/calendar.ics", views.enrolment_ical, name="enrolment-ical"),
    path("courses/<slug:slug>/", views.course, name="course"),
    path("sessions/<int:pk>/", views.session, name="session"),
    path("sessions/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("sessions/<int:pk>/roll-call/", views.roll_call, name="roll-call"),
    path(
        "sessions/<int:pk>/participants.<str:fmt>",
        views.participants_export,
        name="participants",
    ),
    path("feedback/", views.feedback_summary, name="feedback-summary"),
    path("certificates/<str:code>/", views.certificate, name="certificate"),
    path("certificates/<str:code>/pdf/", views.certificate_pdf, name="certificate-pdf"),
]
