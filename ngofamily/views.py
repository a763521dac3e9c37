from django.shortcuts import render
from django.utils.translation import gettext as _


def index(request):
    return render(
        request,
        "eregion/coming_soon.html",
        {
            "heading": _("Граждански организации"),
            "intro": _("Каталог на НПО и фамилията НПО на Южен централен район."),
        },
    )
