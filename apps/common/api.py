"""Shared pieces of the REST doors: the error shape every endpoint answers with."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.common.errors import ApplicationError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, but a document nested deeper than Python can recurse is a 400, not a crash."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise exceptions.ParseError(_("JSON parse error - the document is nested too deeply.")) from exc


def validation_error_detail(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {"detail": " ".join(str(m) for m in error.messages)}


def exception_handler(exc, context):
    """Map service errors to `{"detail": ...}` or field errors; never let a rule become a 500."""
    if isinstance(exc, ApplicationError):
        body = {"detail": exc.message, **exc.extra}
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        return Response(validation_error_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)
