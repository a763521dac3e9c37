from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EregionConfig(AppConfig):
    name = "eregion"
    verbose_name = _("Портал")

    def ready(self):
        from . import pagecache

        pagecache.connect_signals()
