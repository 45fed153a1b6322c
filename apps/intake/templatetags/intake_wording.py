"""`{{ reason|screening_reason }}`: a stored screening reason in the reader's language."""

from django import template

from apps.intake.wording import reason_text

register = template.Library()


@register.filter
def screening_reason(reason):
    return reason_text(reason)
