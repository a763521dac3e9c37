from django.shortcuts import render
from django.utils.translation import gettext as _


def index(request):
    return render(
        request,
        "eregion/coming_soon.html",
        {
            "heading": _("Справочник на институциите"),
            "intro": _(
                "Административните структури на шестте области: адреси, работно време, услуги."
            ),
        },
    )
