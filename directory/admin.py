from django.contrib import admin

from .models import Mayoralty, Municipality, Province, Settlement


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "name_latin", "nuts3", "ekatte")
    search_fields = ("name", "name_latin", "code")
    readonly_fields = ("name_latin",)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "province", "name_latin")
    list_filter = ("province",)
    search_fields = ("name", "name_latin", "code")
    list_select_related = ("province",)
    readonly_fields = ("name_latin",)


@admin.register(Mayoralty)
class MayoraltyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "municipality")
    list_filter = ("municipality__province",)
    search_fields = ("name", "name_latin", "code")
    list_select_related = ("municipality",)
    readonly_fields = ("name_latin",)


@admin.register(Settlement)
class SettlementAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "ekatte", "municipality", "postal_code", "name_latin")
    list_filter = ("kind", "municipality__province")
    search_fields = ("name", "name_latin", "ekatte", "postal_code")
    list_select_related = ("municipality",)
    readonly_fields = ("name_latin", "search_key")
