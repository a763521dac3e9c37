"""Open-data API routes (mounted under /api/v1/); the router's root is the browsable index."""

from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("provinces", api.ProvinceViewSet, basename="province")
router.register("municipalities", api.MunicipalityViewSet, basename="municipality")
router.register("settlements", api.SettlementViewSet, basename="settlement")
router.register("structures", api.StructureViewSet, basename="structure")
router.register("services", api.ServiceViewSet, basename="service")

urlpatterns = router.urls
