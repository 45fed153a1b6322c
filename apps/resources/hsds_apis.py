"""The Open Referral HSDS 3 read API at /api/hsds/ (paths, filters and pages as its OpenAPI says).

Whether anyone may read it or only signed-in users is a program setting (FIRSTLINE_HSDS_PUBLIC).
Read-only; the directory holds organizations and services, never a person's record.
"""

import json
import math
import uuid
from datetime import UTC, datetime

from django.db.models import Q
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.errors import ApplicationError, NotFound
from apps.common.schema import ok
from apps.resources import conf
from apps.resources.hsds import HSDS_PROFILE, HSDS_VERSION
from apps.resources.hsds_payloads import Graph, flat, values_for
from apps.resources.models import Attribute, Organization, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from apps.resources.openapi import HSDS_OBJECT, HSDS_PAGE, HSDS_ROOT

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 500
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
HSDS_PAGE_RESPONSES = {
    (200, "application/json"): OpenApiResponse(HSDS_PAGE),
    (200, "application/x-ndjson"): OpenApiResponse(HSDS_OBJECT),
}
HSDS_PAGE_PARAMETERS = [
    OpenApiParameter("page", int),
    OpenApiParameter("per_page", int),
    OpenApiParameter("format", str, enum=["json", "ndjson"]),
    OpenApiParameter("search", str),
    OpenApiParameter("modified_after", str),
]


class HsdsReadAccess(BasePermission):
    def has_permission(self, request, view) -> bool:
        return conf.hsds_public() or bool(request.user and request.user.is_authenticated)


class JsonOnly(BaseContentNegotiation):
    """HSDS uses ?format=json|ndjson itself, so DRF must not read it as a renderer choice."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class HsdsApi(APIView):
    permission_classes = [HsdsReadAccess]
    content_negotiation_class = JsonOnly

    def initial(self, request, *args, **kwargs):
        """Every filter here is matched against text columns, and PostgreSQL text cannot hold a NUL."""
        super().initial(request, *args, **kwargs)
        for name, value in request.query_params.items():
            if "\x00" in value:
                raise ApplicationError(_("Invalid value."), extra={name: [_("Must not contain NUL characters.")]})

    @staticmethod
    def one_row(entity: str, queryset, missing: str) -> list[dict]:
        """The single row a detail door answers with, as a one-item list for the Graph builders."""
        rows = list(values_for(entity, queryset))
        if not rows:
            raise NotFound(missing)
        return rows

    def searched(self, queryset, *fields: str):
        """The spec's `search`: a case-insensitive match in any of `fields`."""
        search = self.request.query_params.get("search", "").strip()
        if not search:
            return queryset
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": search})
        return queryset.filter(condition)

    def flag(self, name: str) -> bool:
        value = self.request.query_params.get(name, "")
        if value.lower() in ("", "0", "false", "no"):
            return False
        if value.lower() in ("1", "true", "yes"):
            return True
        raise ApplicationError(_("Invalid value."), extra={name: [_("Must be true or false.")]})

    def uuid_param(self, name: str):
        value = self.request.query_params.get(name)
        if value in (None, ""):
            return None
        try:
            return uuid.UUID(value)
        except ValueError:
            raise ApplicationError(_("Invalid value."), extra={name: [_("Must be a UUID.")]}) from None

    def positive_int(self, name: str, default: int) -> int:
        value = self.request.query_params.get(name)
        if value in (None, ""):
            return default
        try:
            number = int(value)
        except ValueError:
            number = 0
        if number < 1:
            raise ApplicationError(_("Invalid value."), extra={name: [_("Must be a whole number of 1 or more.")]})
        return number

    def modified_after(self):
        value = self.request.query_params.get("modified_after")
        if not value:
            return None
        try:
            if "T" in value:
                moment = parse_datetime(value.replace("Z", "+00:00").replace(" ", "+"))
            else:
                day = parse_date(value)
                moment = datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None
        except ValueError:
            moment = None
        if moment is None:
            raise ApplicationError(_("Invalid value."), extra={"modified_after": [_("Must be an ISO 8601 date-time.")]})
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=UTC)
        return moment

    def page(self, queryset, build) -> Response | StreamingHttpResponse:
        """Answer one page in the HSDS envelope, or every row as NDJSON when format=ndjson."""
        fmt = self.request.query_params.get("format", "json")
        if fmt == "ndjson":
            return StreamingHttpResponse(self._ndjson(queryset, build), content_type="application/x-ndjson")
        if fmt != "json":
            raise ApplicationError(_("Invalid value."), extra={"format": [_("Must be json or ndjson.")]})
        per_page = min(self.positive_int("per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
        number = self.positive_int("page", 1)
        total = queryset.count()
        total_pages = math.ceil(total / per_page)
        start = (number - 1) * per_page
        contents = build(list(queryset[start : start + per_page])) if start < total else []
        return Response(
            {
                "total_items": total,
                "total_pages": total_pages,
                "page_number": number,
                "size": len(contents),
                "first_page": number == 1,
                "last_page": number >= total_pages,
                "empty": not contents,
                "contents": contents,
            }
        )

    def _ndjson(self, queryset, build):
        chunk = 200
        total = queryset.count()
        for start in range(0, total, chunk):
            for item in build(list(queryset[start : start + chunk])):
                yield json.dumps(item) + "\n"


def _term_filters(qs, view: HsdsApi, entity_field: str = "pk"):
    term_id = view.uuid_param("taxonomy_term_id")
    taxonomy_id = view.uuid_param("taxonomy_id")
    links = Attribute.objects.filter(link_entity="service")
    if term_id:
        qs = qs.filter(**{f"{entity_field}__in": links.filter(taxonomy_term_id=term_id).values("link_id")})
    if taxonomy_id:
        in_taxonomy = links.filter(taxonomy_term__taxonomy_detail_id=taxonomy_id).values("link_id")
        qs = qs.filter(**{f"{entity_field}__in": in_taxonomy})
    return qs


def _modified_filter(prefix: str, moment) -> Q:
    return Q(**{f"{prefix}last_modified__gte": moment}) | Q(
        **{f"{prefix}last_modified__isnull": True, f"{prefix}updated_at__gte": moment}
    )


class RootApi(HsdsApi):
    @extend_schema(summary="HSDS API version and profile", responses=ok(200, HSDS_ROOT))
    def get(self, request):
        return Response({"version": HSDS_VERSION, "profile": HSDS_PROFILE, "openapi_url": OPENAPI_URL})


class ServiceListApi(HsdsApi):
    @extend_schema(summary="HSDS services (paginated)", parameters=HSDS_PAGE_PARAMETERS, responses=HSDS_PAGE_RESPONSES)
    def get(self, request):
        qs = Service.objects.order_by("name", "id")
        qs = self.searched(qs, "name", "alternate_name", "description")
        qs = _term_filters(qs, self)
        organization_id = self.uuid_param("organization_id")
        if organization_id:
            qs = qs.filter(organization_id=organization_id)
        moment = self.modified_after()
        if moment:
            qs = qs.filter(_modified_filter("", moment))
        graph = Graph()
        if self.flag("minimal"):
            return self.page(qs.values("id", "name", "status", "last_modified", "updated_at"), _minimal)
        full = self.flag("full")
        return self.page(values_for("service", qs), graph.services_full if full else graph.service_list_items)


def _minimal(rows):
    return [
        {
            "id": str(r["id"]),
            "name": r["name"],
            "status": r["status"],
            "last_modified": (r["last_modified"] or r["updated_at"]).isoformat().replace("+00:00", "Z"),
        }
        for r in rows
    ]


class ServiceDetailApi(HsdsApi):
    @extend_schema(summary="One HSDS service, fully nested", responses=ok(200, HSDS_OBJECT))
    def get(self, request, service_id):
        rows = self.one_row("service", Service.objects.filter(pk=service_id), "No such service.")
        return Response(Graph().services_full(rows)[0])


class OrganizationListApi(HsdsApi):
    @extend_schema(
        summary="HSDS organizations (paginated)", parameters=HSDS_PAGE_PARAMETERS, responses=HSDS_PAGE_RESPONSES
    )
    def get(self, request):
        qs = Organization.objects.order_by("name", "id")
        qs = self.searched(qs, "name", "description")
        full, full_service = self.flag("full"), self.flag("full_service")
        rows = values_for("organization", qs)
        graph = Graph()
        if full or full_service:
            return self.page(rows, lambda page: graph.organizations_full(page, full_service=full_service))
        return self.page(rows, lambda page: [flat("organization", r) for r in page])


class OrganizationDetailApi(HsdsApi):
    @extend_schema(summary="One HSDS organization, fully nested", responses=ok(200, HSDS_OBJECT))
    def get(self, request, organization_id):
        rows = self.one_row("organization", Organization.objects.filter(pk=organization_id), "No such organization.")
        return Response(Graph().organizations_full(rows, full_service=self.flag("full_service"))[0])


class ServiceAtLocationListApi(HsdsApi):
    @extend_schema(
        summary="HSDS services at locations (paginated)", parameters=HSDS_PAGE_PARAMETERS, responses=HSDS_PAGE_RESPONSES
    )
    def get(self, request):
        qs = ServiceAtLocation.objects.order_by("service__name", "id")
        qs = self.searched(qs, "service__name", "service__description", "location__name", "description")
        qs = _term_filters(qs, self, "service_id")
        organization_id = self.uuid_param("organization_id")
        if organization_id:
            qs = qs.filter(service__organization_id=organization_id)
        moment = self.modified_after()
        if moment:
            qs = qs.filter(_modified_filter("service__", moment))
        postcode = request.query_params.get("postcode", "").strip()
        if postcode:
            qs = qs.filter(location__addresses__postal_code__iexact=postcode).distinct()
        graph = Graph()
        rows = values_for("service_at_location", qs)
        return self.page(
            rows, graph.service_at_locations_full if self.flag("full") else graph.service_at_location_list_items
        )


class ServiceAtLocationDetailApi(HsdsApi):
    @extend_schema(summary="One HSDS service at a location, fully nested", responses=ok(200, HSDS_OBJECT))
    def get(self, request, sal_id):
        rows = self.one_row(
            "service_at_location", ServiceAtLocation.objects.filter(pk=sal_id), "No such service at location."
        )
        return Response(Graph().service_at_locations_full(rows)[0])


class TaxonomyListApi(HsdsApi):
    @extend_schema(
        summary="HSDS taxonomies (paginated)", parameters=HSDS_PAGE_PARAMETERS, responses=HSDS_PAGE_RESPONSES
    )
    def get(self, request):
        qs = Taxonomy.objects.order_by("name", "id")
        qs = self.searched(qs, "name", "description")
        return self.page(values_for("taxonomy", qs), lambda page: [flat("taxonomy", r) for r in page])


class TaxonomyDetailApi(HsdsApi):
    @extend_schema(summary="One HSDS taxonomy", responses=ok(200, HSDS_OBJECT))
    def get(self, request, taxonomy_id):
        rows = self.one_row("taxonomy", Taxonomy.objects.filter(pk=taxonomy_id), "No such taxonomy.")
        return Response(flat("taxonomy", rows[0]))


class TaxonomyTermListApi(HsdsApi):
    @extend_schema(
        summary="HSDS taxonomy terms (paginated)", parameters=HSDS_PAGE_PARAMETERS, responses=HSDS_PAGE_RESPONSES
    )
    def get(self, request):
        qs = TaxonomyTerm.objects.order_by("name", "id")
        qs = self.searched(qs, "name", "code", "description")
        taxonomy_id = self.uuid_param("taxonomy_id")
        if taxonomy_id:
            qs = qs.filter(taxonomy_detail_id=taxonomy_id)
        parent_id = self.uuid_param("parent_id")
        if parent_id:
            qs = qs.filter(parent_id=parent_id)
        if self.flag("top_only"):
            qs = qs.filter(parent__isnull=True)
        graph = Graph()
        rows = values_for("taxonomy_term", qs)

        def build(page):
            terms = graph.terms([r["id"] for r in page])
            return [terms[r["id"]] for r in page]

        return self.page(rows, build)


class TaxonomyTermDetailApi(HsdsApi):
    @extend_schema(summary="One HSDS taxonomy term", responses=ok(200, HSDS_OBJECT))
    def get(self, request, term_id):
        terms = Graph().terms([term_id])
        if term_id not in terms:
            raise NotFound(_("No such taxonomy term."))
        return Response(terms[term_id])
