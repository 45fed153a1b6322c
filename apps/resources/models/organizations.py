"""HSDS 3's core: organizations, their programs and services, locations, and where a service is
offered (plus the admin's proxy entry points on organizations).
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Organization(models.Model):
    class Partnership(models.TextChoices):
        FORMAL = "formal", _("Formal agreement")
        INFORMAL = "informal", _("Informal partnership")
        NONE = "none", _("No partnership")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(max_length=255)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(max_length=500, blank=True)
    tax_status = models.CharField(max_length=255, blank=True)
    tax_id = models.CharField(max_length=255, blank=True)
    year_incorporated = models.IntegerField(null=True, blank=True)
    legal_status = models.CharField(max_length=255, blank=True)
    logo = models.CharField(max_length=500, blank=True)
    uri = models.CharField(max_length=500, blank=True)
    parent_organization = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="child_organizations"
    )
    # The program's relationship with this organization (not part of HSDS; never exported).
    partnership_status = models.CharField(max_length=10, choices=Partnership.choices, default=Partnership.NONE)
    agreement_start = models.DateField(null=True, blank=True)
    agreement_end = models.DateField(null=True, blank=True)
    liaison_contacts = models.ManyToManyField(
        "Contact", blank=True, related_name="liaison_for", help_text=_("Who at the partner the program talks to.")
    )
    partnership_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def partnership_active_on(self, day) -> bool:
        if self.partnership_status == self.Partnership.NONE:
            return False
        if self.agreement_start and day < self.agreement_start:
            return False
        return not (self.agreement_end and day > self.agreement_end)


class Program(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="programs")
    name = models.CharField(max_length=255)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Defunct")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="services")
    program = models.ForeignKey(Program, null=True, blank=True, on_delete=models.SET_NULL, related_name="services")
    name = models.CharField(max_length=255)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    email = models.EmailField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    interpretation_services = models.TextField(blank=True)
    application_process = models.TextField(blank=True)
    fees_description = models.TextField(blank=True)
    wait_time = models.CharField(max_length=255, blank=True)
    fees = models.TextField(blank=True)
    accreditations = models.TextField(blank=True)
    eligibility_description = models.TextField(blank=True)
    minimum_age = models.IntegerField(null=True, blank=True)
    maximum_age = models.IntegerField(null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.EmailField(blank=True)
    licenses = models.TextField(blank=True)
    alert = models.TextField(blank=True)
    last_modified = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "name"])]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    location_type = models.CharField(max_length=20, default="physical")
    url = models.CharField(max_length=500, blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="locations"
    )
    name = models.CharField(max_length=255, blank=True)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    transportation = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.CharField(max_length=255, blank=True)
    external_identifier_type = models.CharField(max_length=255, blank=True)

    class Meta:
        indexes = [models.Index(fields=["latitude", "longitude"])]

    def __str__(self) -> str:
        return self.name or str(self.id)


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.service_id} at {self.location_id}"


class MissingPartnershipsReport(Organization):
    """Admin entry point only: the report of needs no active partner could take."""

    class Meta:
        proxy = True
        verbose_name = _("missing partnerships report")
        verbose_name_plural = _("missing partnerships report")


class DirectoryImport(Organization):
    """Admin entry point only: upload an HSDS datapackage (zip)."""

    class Meta:
        proxy = True
        verbose_name = _("HSDS datapackage import")
        verbose_name_plural = _("HSDS datapackage import")
