"""A program's own address data: streets, their address points, and landmarks by name.

Rows come from `import_addresses` (apps/places/services.py) and the admin (landmarks); the
geocoder (apps/places/selectors.py) only reads them. Keys are apps/places/parsing.py's spellings.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

LAT = [MinValueValidator(-90), MaxValueValidator(90)]
LON = [MinValueValidator(-180), MaxValueValidator(180)]


class Street(models.Model):
    """One street of a city, named in normal parts ("N", "ELM", "ST", "") so callers' spellings meet it."""

    city = models.CharField(max_length=100, blank=True)
    key = models.CharField(max_length=200, help_text=_("The normal spelling, e.g. 'N ELM ST'."))
    name_key = models.CharField(max_length=150, db_index=True, help_text=_("The name alone, e.g. 'ELM'."))
    predir = models.CharField(max_length=2, blank=True)
    street_type = models.CharField(max_length=10, blank=True)
    postdir = models.CharField(max_length=2, blank=True)
    label = models.CharField(max_length=200, help_text=_("As the source wrote it."))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["city", "key"], name="places_street_city_key")]
        # The trigram index on name_key is made by migration 0002 on PostgreSQL only.

    def __str__(self) -> str:
        return f"{self.label}, {self.city}" if self.city else self.label


class AddressPoint(models.Model):
    """One address point as the source gave it (the OpenAddresses columns), on its street."""

    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="points")
    number = models.CharField(max_length=20)
    number_value = models.IntegerField(null=True, blank=True, help_text=_("The number's leading digits."))
    unit = models.CharField(max_length=40, blank=True)
    latitude = models.FloatField(validators=LAT)
    longitude = models.FloatField(validators=LON)
    district = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=60, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    source_id = models.CharField(max_length=100, blank=True)
    source_hash = models.CharField(
        max_length=64, unique=True, help_text=_("The source's HASH (or a digest of the row): a re-import skips it.")
    )

    class Meta:
        indexes = [models.Index(fields=["street", "number_value"], name="places_point_street_number")]

    def __str__(self) -> str:
        unit = f" #{self.unit}" if self.unit else ""
        return f"{self.number} {self.street.label}{unit}"


class PlaceAlias(models.Model):
    """A landmark callers name instead of an address ("the library", "Union Station bus bay")."""

    name = models.CharField(max_length=200, help_text=_("What callers say, e.g. 'Riverton Public Library'."))
    name_key = models.CharField(max_length=200, unique=True, editable=False)
    address = models.CharField(max_length=200, blank=True, help_text=_("The address shown with it, if any."))
    latitude = models.FloatField(validators=LAT)
    longitude = models.FloatField(validators=LON)
    district = models.CharField(max_length=100, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("landmark")
        verbose_name_plural = _("landmarks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
