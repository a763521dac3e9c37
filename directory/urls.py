from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.index, name="index"),
    path("map/", views.map_view, name="map"),
    path("map/points.json", views.map_points, name="map-points"),
    path("map/municipalities.geojson", views.boundaries, name="boundaries"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("export.json", views.export_json, name="export-json"),
    path("open-data/", views.open_data, name="open-data"),
    path("provinces/<slug:slug>/", views.province_detail, name="province-detail"),
    path("municipalities/<slug:slug>/", views.municipality_detail, name="municipality-detail"),
    path("<slug:slug>/", views.structure_detail, name="structure-detail"),
    path("<slug:slug>/report/", views.report_inaccuracy, name="report"),
    path("<slug:slug>/vcard.vcf", views.structure_vcard, name="vcard"),
]
