from django.conf import settings


def site(request):
    """Values every page's frame needs."""
    return {"REGION_PROVINCES": settings.REGION_PROVINCES, "DEBUG": settings.DEBUG}
