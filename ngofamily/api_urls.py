"""Open-data API routes (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from .api import OrganisationViewSet

router = SimpleRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")

urlpatterns = router.urls
