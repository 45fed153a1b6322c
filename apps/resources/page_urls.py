"""Pages and non-/api/v1 endpoints of this app, mounted at the site root: the HSDS 3 read API and
the capacity page."""

from django.urls import path

from apps.resources import hsds_apis as h
from apps.resources import pages


def both(route: str, view, name: str) -> list:
    """The HSDS paths have no trailing slash; accept one as well, since clients differ."""
    return [path(f"api/hsds/{route}", view, name=name), path(f"api/hsds/{route}/", view)]


urlpatterns = [
    path("resources/capacity/", pages.capacity_page, name="resources-capacity"),
    path("api/hsds/", h.RootApi.as_view(), name="hsds-root"),
    *both("services", h.ServiceListApi.as_view(), "hsds-services"),
    *both("services/<uuid:service_id>", h.ServiceDetailApi.as_view(), "hsds-service"),
    *both("organizations", h.OrganizationListApi.as_view(), "hsds-organizations"),
    *both("organizations/<uuid:organization_id>", h.OrganizationDetailApi.as_view(), "hsds-organization"),
    *both("service_at_locations", h.ServiceAtLocationListApi.as_view(), "hsds-service-at-locations"),
    *both("service_at_locations/<uuid:sal_id>", h.ServiceAtLocationDetailApi.as_view(), "hsds-service-at-location"),
    *both("taxonomies", h.TaxonomyListApi.as_view(), "hsds-taxonomies"),
    *both("taxonomies/<uuid:taxonomy_id>", h.TaxonomyDetailApi.as_view(), "hsds-taxonomy"),
    *both("taxonomy_terms", h.TaxonomyTermListApi.as_view(), "hsds-taxonomy-terms"),
    *both("taxonomy_terms/<uuid:term_id>", h.TaxonomyTermDetailApi.as_view(), "hsds-taxonomy-term"),
]
