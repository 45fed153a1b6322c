"""What else HSDS 3 says about a service (languages, areas, taxonomy, costs...) and what Firstline
keeps beside it and an import never overwrites (capacity, the need code of a taxonomy term).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.incidents.vocab import NEEDS
from apps.resources.models.contacts import Phone
from apps.resources.models.organizations import Location, Organization, Service

NEED_CHOICES = sorted(NEEDS.items())


class Language(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="languages")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="languages")
    phone = models.ForeignKey(Phone, null=True, blank=True, on_delete=models.CASCADE, related_name="languages")
    name = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=20, blank=True, db_index=True)
    note = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name or self.code


class ServiceArea(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="service_areas")
    name = models.TextField(blank=True)
    description = models.TextField(blank=True)
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=20, blank=True)
    uri = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.name or str(self.id)


class Taxonomy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    uri = models.CharField(max_length=500, blank=True)
    version = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name_plural = _("taxonomies")

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    code = models.CharField(max_length=255, blank=True)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    taxonomy = models.CharField(max_length=255, blank=True, help_text=_("HSDS free-text taxonomy name."))
    language = models.CharField(max_length=20, blank=True)
    taxonomy_detail = models.ForeignKey(
        Taxonomy, null=True, blank=True, on_delete=models.SET_NULL, related_name="terms", db_column="taxonomy_id"
    )
    term_uri = models.CharField(max_length=500, blank=True)
    need_code = models.CharField(
        max_length=40,
        blank=True,
        choices=NEED_CHOICES,
        db_index=True,
        help_text=_(
            "Which of the program's needs this term answers (used by field search and the partnerships report)."
        ),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Attribute(models.Model):
    """HSDS 3's link between any record (link_entity + link_id) and a taxonomy term."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    link_id = models.UUIDField(db_index=True)
    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=models.CASCADE, related_name="attributes")
    link_type = models.CharField(max_length=255, blank=True)
    link_entity = models.CharField(max_length=50)
    value = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["link_entity", "link_id"])]

    def __str__(self) -> str:
        return f"{self.link_entity} {self.link_id} → {self.taxonomy_term_id}"


class Funding(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="funding"
    )
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="funding")
    source = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.source[:60]


class RequiredDocument(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="required_documents"
    )
    document = models.TextField(blank=True)
    uri = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.document[:60]


class Accessibility(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="accessibility"
    )
    description = models.TextField(blank=True)
    details = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name_plural = _("accessibility")

    def __str__(self) -> str:
        return self.description[:60]


class CostOption(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.TextField(blank=True)
    currency = models.CharField(max_length=3, blank=True)
    amount = models.FloatField(null=True, blank=True)
    amount_description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.option[:60] or str(self.id)


class OrganizationIdentifier(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="organization_identifiers")
    identifier_scheme = models.CharField(max_length=255, blank=True)
    identifier_type = models.CharField(max_length=255)
    identifier = models.CharField(max_length=255)

    def __str__(self) -> str:
        return f"{self.identifier_type} {self.identifier}"


class ServiceCapacity(models.Model):
    """How many places a service has free right now (beds, detox slots), and who said so when."""

    service = models.OneToOneField(Service, primary_key=True, on_delete=models.CASCADE, related_name="capacity")
    available = models.PositiveIntegerField(null=True, blank=True)
    total = models.PositiveIntegerField(null=True, blank=True)
    unit = models.CharField(max_length=40, default="beds")
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = _("service capacities")

    def __str__(self) -> str:
        return f"{self.available}/{self.total} {self.unit}"
