from django.urls import path

from . import news_views as views

app_name = "news"

urlpatterns = [
    path("", views.index, name="index"),
    path("feed.atom", views.articles_feed, name="feed"),
    path("events.ics", views.events_ical, name="ical"),
    path("media/", views.media, name="media"),
    path("newsletter/", views.subscribe, name="subscribe"),
    path("newsletter/confirm/<str:token>/", views.confirm, name="confirm"),
    path("newsletter/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<slug:slug>/", views.article, name="article"),
]
