"""Supervisor admin for landmarks (saved through the service) and a read-only view of address points."""

from django.contrib import admin

from apps.common.admin import ServiceSaveMixin, SupervisorAdmin
from apps.places import services
from apps.places.models import AddressPoint, PlaceAlias


@admin.register(PlaceAlias)
class PlaceAliasAdmin(ServiceSaveMixin, SupervisorAdmin):
    list_display = ("name", "address", "district", "latitude", "longitude", "active")
    list_filter = ("active", "district")
    search_fields = ("name", "address")
    fields = ("name", "address", "district", "latitude", "longitude", "active")

    def save_model(self, request, obj, form, change):
        self.call_service(services.place_alias_save, actor=request.user, alias=obj)


@admin.register(AddressPoint)
class AddressPointAdmin(SupervisorAdmin):
    read_only = True
    list_display = ("number", "street", "unit", "district", "postcode")
    list_select_related = ("street",)
    search_fields = ("street__label", "number")
    list_filter = ("district",)
    show_full_result_count = False
