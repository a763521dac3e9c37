from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NgofamilyConfig(AppConfig):
    name = "ngofamily"
    verbose_name = _("НПО")
