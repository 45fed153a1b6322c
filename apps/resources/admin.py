"""Supervisor admin for the resource directory: organizations and partnerships, services, need codes,
the HSDS datapackage upload and the missing-partnerships report (the last two are entries in the
app index that open their own page).
"""

import tempfile
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from apps.audit.models import Door
from apps.audit.services import audit_record
from apps.common.admin import PageAdmin, ServiceSaveMixin, SupervisorAdmin, SupervisorInline
from apps.common.errors import ApplicationError
from apps.resources import conf, services
from apps.resources.exporter import export_hsds, zip_folder
from apps.resources.importer import RowError
from apps.resources.models import (
    DirectoryImport,
    Location,
    Organization,
    Program,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    Taxonomy,
    TaxonomyTerm,
)

PARTNERSHIP_FIELDS = ("partnership_status", "agreement_start", "agreement_end", "partnership_notes")


class OrganizationForm(forms.ModelForm):
    """Asks the partnership service's rules while the form can still show them beside the field."""

    class Meta:
        model = Organization
        fields = PARTNERSHIP_FIELDS  # the admin adds the rest of its fieldsets

    def clean(self):
        data = super().clean()
        if "partnership_status" in data:
            try:
                services.partnership_checked(
                    status=data["partnership_status"],
                    agreement_start=data.get("agreement_start"),
                    agreement_end=data.get("agreement_end"),
                )
            except ApplicationError as error:
                for field, texts in (error.extra or {"__all__": [error.message]}).items():
                    self.add_error(None if field == "__all__" else field, texts)
        return data


@admin.register(Organization)
class OrganizationAdmin(ServiceSaveMixin, SupervisorAdmin):
    form = OrganizationForm
    list_display = ("name", "partnership_status", "agreement_start", "agreement_end")
    list_filter = ("partnership_status",)
    search_fields = ("name", "alternate_name")
    fieldsets = (
        (None, {"fields": ("name", "alternate_name", "description", "email", "website", "parent_organization")}),
        ("Partnership with the program", {"fields": (*PARTNERSHIP_FIELDS, "liaison_contacts")}),
        ("More HSDS fields", {"classes": ("collapse",), "fields": ("tax_status", "tax_id", "year_incorporated",
                                                                   "legal_status", "logo", "uri")}),
    )  # fmt: skip
    raw_id_fields = ("parent_organization", "liaison_contacts")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        partnership_changed = any(f in form.changed_data for f in PARTNERSHIP_FIELDS)
        wanted = {f: getattr(obj, f) for f in PARTNERSHIP_FIELDS}
        if change and partnership_changed:
            # Only the service writes the partnership: keep the stored one until it has checked and audited.
            stored = Organization.objects.filter(pk=obj.pk).values(*PARTNERSHIP_FIELDS).get()
            for field, value in stored.items():
                setattr(obj, field, value)
        super().save_model(request, obj, form, change)
        if partnership_changed:
            # A refusal raises out of the change form's transaction, so nothing above stays written.
            updated = self.call_service(
                services.partnership_update,
                actor=request.user,
                organization_id=obj.pk,
                status=wanted["partnership_status"],
                agreement_start=wanted["agreement_start"],
                agreement_end=wanted["agreement_end"],
                notes=wanted["partnership_notes"],
            )
            for field in PARTNERSHIP_FIELDS:
                setattr(obj, field, getattr(updated, field))


class CapacityInline(SupervisorInline):
    model = ServiceCapacity
    fields = ("available", "total", "unit", "updated_at", "updated_by")
    readonly_fields = fields


class ServiceAtLocationInline(SupervisorInline):
    model = ServiceAtLocation
    fields = ("location", "description")
    readonly_fields = fields


@admin.register(Service)
class ServiceAdmin(SupervisorAdmin):
    list_display = ("name", "organization", "status", "capacity_display")
    list_filter = ("status",)
    search_fields = ("name", "organization__name")
    list_select_related = ("organization", "capacity")
    raw_id_fields = ("organization", "program")
    inlines = [CapacityInline, ServiceAtLocationInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("Capacity"))
    def capacity_display(self, obj):
        try:
            capacity = obj.capacity
        except ServiceCapacity.DoesNotExist:
            return "—"
        return f"{capacity.available}/{capacity.total or '?'} {capacity.unit}"


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(SupervisorAdmin):
    list_display = ("name", "code", "taxonomy", "need_code")
    list_editable = ("need_code",)
    list_filter = ("need_code",)
    search_fields = ("name", "code")
    raw_id_fields = ("parent", "taxonomy_detail")


@admin.register(Taxonomy)
class TaxonomyAdmin(SupervisorAdmin):
    list_display = ("name", "version")


@admin.register(Location)
class LocationAdmin(SupervisorAdmin):
    list_display = ("name", "location_type", "latitude", "longitude")
    search_fields = ("name",)
    raw_id_fields = ("organization",)


@admin.register(Program)
class ProgramAdmin(SupervisorAdmin):
    list_display = ("name", "organization")
    raw_id_fields = ("organization",)


@admin.register(Schedule)
class ScheduleAdmin(SupervisorAdmin):
    list_display = ("id", "service", "freq", "byday", "opens_at", "closes_at")
    raw_id_fields = ("service", "location", "service_at_location")


class UploadForm(forms.Form):
    package = forms.FileField(label=_("HSDS datapackage (.zip with datapackage.json and CSVs)"))

    def clean_package(self):
        package = self.cleaned_data["package"]
        limit = conf.hsds_max_upload_bytes()
        if package.size > limit:
            raise forms.ValidationError(
                _("The file is larger than the %(megabytes)d MB an import may be (FIRSTLINE_HSDS_MAX_UPLOAD_BYTES).")
                % {"megabytes": limit // 2**20 or 1}
            )
        return package


@admin.register(DirectoryImport)
class DirectoryImportAdmin(PageAdmin):
    title = "Import an HSDS datapackage"

    def page_view(self, request):
        if request.method == "GET" and request.GET.get("download") == "zip":
            return self._download(request)
        result = None
        if request.method == "POST" and _declared_length(request) > conf.hsds_max_upload_bytes() + 64 * 1024:
            # Refused before the body is parsed: an oversized upload is never unpacked.
            self.message_user(request, _("The file is larger than an import may be."), level=messages.ERROR)
            return TemplateResponse(
                request,
                "resources/admin_import.html",
                self.context(request, form=UploadForm(), result=None),
                status=413,
            )
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            with tempfile.TemporaryDirectory() as tmp:
                target = Path(tmp) / "upload.zip"
                with target.open("wb") as handle:
                    for chunk in form.cleaned_data["package"].chunks():
                        handle.write(chunk)
                result = self._import(request, target)
        return TemplateResponse(request, "resources/admin_import.html", self.context(request, form=form, result=result))

    def _download(self, request):
        """The whole directory as an HSDS datapackage zip (what export_hsds writes)."""
        with tempfile.TemporaryDirectory(prefix="hsds-export-") as tmp:
            counts = export_hsds(Path(tmp) / "package")
            content = zip_folder(Path(tmp) / "package", Path(tmp) / "directory-hsds.zip").read_bytes()
        audit_record(
            actor=request.user,
            action="resources.export",
            object_type="resources.directory",
            detail={"rows": sum(counts.values())},
            door=Door.EXPORT,
        )
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="directory-hsds.zip"'
        return response

    def _import(self, request, target):
        try:
            result = services.directory_import(actor=request.user, path=target, door=Door.ADMIN)
        except RowError as error:
            self.message_user(
                request, _("The file could not be read: %(error)s") % {"error": error}, level=messages.ERROR
            )
            return None
        totals = result.totals()
        self.message_user(
            request,
            _(
                "Import finished: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                "%(rejected)d rejected."
            )
            % totals,
            level=messages.WARNING if totals["rejected"] else messages.SUCCESS,
        )
        return result


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
