"""The community resource directory, shaped like Open Referral HSDS 3 (ids are HSDS UUIDs).

Field names follow the HSDS 3 tables so import, export and the read API map one to one. What HSDS
does not describe (capacity, partnerships, the need code of a taxonomy term) lives beside it and is
never overwritten by an import.

The models live in the modules of this package by sub-domain; every one is imported here, where
Django and the rest of the code find it.
"""

from apps.resources.models.contacts import Address, Contact, Phone, Schedule
from apps.resources.models.details import (
    NEED_CHOICES,
    Accessibility,
    Attribute,
    CostOption,
    Funding,
    Language,
    OrganizationIdentifier,
    RequiredDocument,
    ServiceArea,
    ServiceCapacity,
    Taxonomy,
    TaxonomyTerm,
)
from apps.resources.models.organizations import (
    DirectoryImport,
    Location,
    MissingPartnershipsReport,
    Organization,
    Program,
    Service,
    ServiceAtLocation,
)

__all__ = [
    "NEED_CHOICES",
    "Accessibility",
    "Address",
    "Attribute",
    "Contact",
    "CostOption",
    "DirectoryImport",
    "Funding",
    "Language",
    "Location",
    "MissingPartnershipsReport",
    "Organization",
    "OrganizationIdentifier",
    "Phone",
    "Program",
    "RequiredDocument",
    "Schedule",
    "Service",
    "ServiceArea",
    "ServiceAtLocation",
    "ServiceCapacity",
    "Taxonomy",
    "TaxonomyTerm",
]
