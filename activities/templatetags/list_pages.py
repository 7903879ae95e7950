"""Tags of the list pages (roster, activities, access log): their page links and their
filter fields, both rendered at a cost that does not grow with the list (issue 18)."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.forms.widgets import Input
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def elided_page_range(paginator, number):
    """The page numbers to link around page ``number`` of ``paginator`` (a Django Paginator):
    the first and last pages and two either side of ``number``, with ``paginator.ELLIPSIS``
    ("…") where pages are left out. An iterator of ints and strings; at most 9 items, however
    many pages there are (issue 18: the roster of 13,200 members rendered 264 links)."""
    return paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)


@register.simple_tag
def filter_field(field):
    """One field of a list's filter form (a BoundField), as crispy-bootstrap5 renders it: the
    same markup (div_id_…, form-label, form-select / form-control, is-invalid, the error in
    an invalid-feedback with aria-describedby), written directly instead of through crispy's
    dozen nested templates, which were a fifth of the roster's CPU time; the select and input
    themselves as Django's widget templates write them, without a template per option (see
    _widget). A widget other than a plain input or a select, or a required field, is left to
    crispy (returns safe HTML)."""
    widget = field.field.widget
    if isinstance(widget, forms.Select):
        css = "form-select"
    elif isinstance(widget, Input) and widget.input_type not in ("checkbox", "radio", "file"):
        css = "form-control"
    else:
        return as_crispy_field(field)
    if field.field.required or field.is_hidden:
        return as_crispy_field(field)
    auto_id = field.auto_id
    errors = field.errors
    classes = [widget.attrs.get("class"), type(widget).__name__.lower(), css]
    described_by = {}
    if errors:
        classes.append("is-invalid")
        described_by["aria-describedby"] = f"{auto_id}_error"
    attrs = {"class": " ".join(c for c in classes if c)}
    help_html = (
        format_html('<div id="{}_helptext" class="form-text">{}</div>', auto_id, field.help_text)
        if field.help_text
        else ""
    )
    errors_html = (
        format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            auto_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((n, auto_id, e) for n, e in enumerate(errors, 1)),
            ),
        )
        if errors
        else ""
    )
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}</label>{}{}{}</div>',
        auto_id,
        field.id_for_label,
        field.label,
        _widget(field, attrs, described_by),
        help_html,
        errors_html,
    )


def _attrs(attrs):
    """HTML attributes as django/forms/widgets/attrs.html writes them (True bare, False left
    out, a space before each)."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


def _widget(field, attrs, after=None):
    """``field.as_widget(attrs=attrs)`` (``after``: attributes put after Django's own): a
    select without option groups or a plain input is written here from the widget's own
    context (the same attributes, values and selection) instead of rendering a template for
    every option and every attribute list (the forms renderer rendered 90 small templates for
    the roster's filters). Anything else goes to as_widget. Returns safe HTML."""
    widget = field.field.widget
    attrs = {**field.build_widget_attrs(attrs, widget), **(after or {})}  # crispy's order
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    if isinstance(widget, forms.Select) and context["template_name"].endswith("/select.html"):
        options = []
        for group_name, choices, _index in context["optgroups"]:
            if group_name:
                return field.as_widget(attrs=attrs)
            options.extend(
                format_html(
                    '\n  <option value="{}"{}>{}</option>',
                    str(option["value"]),
                    _attrs(option["attrs"]),
                    option["label"],
                )
                for option in choices
            )
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            context["name"],
            _attrs(context["attrs"]),
            mark_safe("".join(options)),
        )
    if isinstance(widget, Input) and context["template_name"].endswith(
        ("/input.html", "/text.html", "/date.html", "/search.html", "/number.html")
    ):
        value = (
            format_html(' value="{}"', str(context["value"]))
            if context["value"] is not None
            else ""
        )
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            context["type"],
            context["name"],
            value,
            _attrs(context["attrs"]),
        )
    return field.as_widget(attrs=attrs)
