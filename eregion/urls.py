from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include("directory.api_urls")),
    path("api/v1/", include("ngofamily.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("about/data/", views.about_data, name="about-data"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("admin/", admin.site.urls),
    path("accounts/", include("eregion.account_urls")),
    path("directory/", include("directory.urls")),
    path("ngos/", include("ngofamily.urls")),
    path("family/", include("ngofamily.family_urls")),
    path("survey/", include("ngofamily.survey_urls")),
    path("trainings/", include("trainings.urls")),
    path("publications/", include("publications.urls")),
    path("news/", include("publications.news_urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# 400 and 403 use Django's handlers with the portal's templates (templates/4xx.html); 404 and
# 500 too, but in JSON under /api/.
handler404 = views.page_not_found
handler500 = views.server_error

admin.site.site_header = "e-Region — администрация"
admin.site.site_title = "e-Region"
admin.site.index_title = "РСО „Марица“"
