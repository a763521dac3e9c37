from django.shortcuts import render
from django.utils.translation import gettext as _


def index(request):
    return render(
        request,
        "eregion/coming_soon.html",
        {
            "heading": _("Издания"),
            "intro": _(
                "Наръчник, справочници за шестте области и каталог на НПО — за четене и за печат."
            ),
        },
    )
