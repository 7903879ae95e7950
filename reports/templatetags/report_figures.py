"""{{ share|percent }}: a rate as the report prints it everywhere (reports.numerals.percent)."""

from django import template

from reports.numerals import percent as percent_text

register = template.Library()


@register.filter
def percent(share):
    """A share between 0 and 1 (or None) as "72.7%" (or "—")."""
    return percent_text(share)
