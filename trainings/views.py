from django.shortcuts import render
from django.utils.translation import gettext as _


def index(request):
    return render(
        request,
        "eregion/coming_soon.html",
        {
            "heading": _("Обучения"),
            "intro": _(
                "Обучения за представители на неправителствени организации "
                "и за екипа на РСО „Марица“."
            ),
        },
    )
