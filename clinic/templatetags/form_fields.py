"""`{% bootstrap_field field %}`: a form field in the markup crispy-forms' Bootstrap 5 pack writes.

crispy-forms draws each field through a dozen nested templates, a millisecond or more a field:
most of the time of the booking and registration pages, which the desk opens all day. This tag
writes the same markup (ids, classes, label, required marker, help text, errors and the ARIA
links between them) in Python; the widget itself is still Django's.
"""

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _errors(field: forms.BoundField) -> SafeString:
    if not field.errors:
        return SafeString("")
    paragraphs = format_html_join(
        "",
        '<p id="error_{}_{}"><strong>{}</strong></p>',
        ((number, field.auto_id, error) for number, error in enumerate(field.errors, start=1)),
    )
    return format_html('<div id="{}_error" class="invalid-feedback">{}</div>', field.auto_id, paragraphs)


def _help(field: forms.BoundField) -> SafeString:
    if not field.help_text:
        return SafeString("")
    # Help texts are written by us, not typed by users: crispy-forms shows them unescaped too.
    return format_html('<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, mark_safe(field.help_text))  # noqa: S308


def _required(field: forms.BoundField) -> tuple[str, SafeString]:
    if field.field.required:
        return " requiredField", SafeString('<span class="asteriskField">*</span>')
    return "", SafeString("")


# Django's templates for these widgets only include input.html, which _input() writes without a template
# (half a millisecond a field). Selects, text areas and the rest still go through Django's templates.
PLAIN_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{kind}.html" for kind in ("text", "email", "date", "time", "number", "url", "checkbox")
)


SELECT_TEMPLATE = "django/forms/widgets/select.html"
SELECT_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _widget(field: forms.BoundField, css: str) -> str:
    """Django's widget, with crispy's classes: the widget's name ("textinput") and Bootstrap's."""
    widget = field.field.widget
    own = widget.attrs.get("class")
    name = type(widget).__name__.lower()
    invalid = " is-invalid" if field.errors else ""
    classes = f"{own} {name} {css}{invalid}" if own else f"{name} {css}{invalid}"
    if widget.template_name in PLAIN_INPUT_TEMPLATES and not field.field.localize:
        return _input(field, {"class": classes})
    if widget.template_name == SELECT_TEMPLATE and widget.option_template_name == SELECT_OPTION_TEMPLATE:
        return _select(field, {"class": classes})
    # Django adds aria-invalid and aria-describedby (help text, errors) itself.
    return field.as_widget(attrs={"class": classes})


def _widget_context(field: forms.BoundField, attrs: dict) -> dict:
    """The context BoundField.as_widget() gives the widget's template."""
    widget = field.field.widget
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    return widget.get_context(field.html_name, field.value(), attrs)["widget"]


def _input(field: forms.BoundField, attrs: dict) -> SafeString:
    """What django/forms/widgets/input.html makes, attribute for attribute."""
    context = _widget_context(field, attrs)
    value = format_html(' value="{}"', context["value"]) if context["value"] is not None else ""
    return format_html(
        '<input type="{}" name="{}"{}{}>', context["type"], context["name"], value, _attributes(context["attrs"])
    )


def _select(field: forms.BoundField, attrs: dict) -> SafeString:
    """What django/forms/widgets/select.html and select_option.html make (one template include per option)."""
    context = _widget_context(field, attrs)
    groups = []
    for group_name, options, _index in context["optgroups"]:
        html = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((option["value"], _attributes(option["attrs"]), option["label"]) for option in options),
        )
        groups.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, html) if group_name else html)
    return format_html(
        '<select name="{}"{}>{}</select>',
        context["name"],
        _attributes(context["attrs"]),
        mark_safe("".join(groups)),  # noqa: S308 (each group built by format_html)
    )


def _attributes(attrs: dict) -> SafeString:
    """As django/forms/widgets/attrs.html writes them: False left out, True as a bare name."""
    return format_html_join(
        "",
        " {}",
        (
            (name if value is True else format_html('{}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _choices(field: forms.BoundField) -> SafeString:
    """Radios (or checkboxes) in a fieldset whose legend is the label; errors after the last option."""
    invalid = " is-invalid" if field.errors else ""
    options = list(field.subwidgets)
    rows = []
    for index, option in enumerate(options):
        data = option.data
        rows.append(
            format_html(
                '<div class="form-check"><input type="{}" class="form-check-input{}" name="{}" value="{}"{}>'
                '<label for="{}" class="form-check-label">{}</label>{}</div>',
                data["type"],
                invalid,
                field.html_name,
                data["value"],
                _attributes(data["attrs"]),
                data["attrs"].get("id", ""),
                data["label"],
                _errors(field) if index == len(options) - 1 else "",
            )
        )
    required_class, marker = _required(field)
    described = format_html(' aria-describedby="{}"', field.aria_describedby) if field.aria_describedby else ""
    return format_html(
        '<div id="div_{}" class="mb-3"><fieldset{}><legend class="form-label{} fs-6">{}{}</legend>'
        "<div>{}</div>{}</fieldset></div>",
        field.auto_id,
        described,
        required_class,
        field.label,
        marker,
        mark_safe("".join(rows)),  # noqa: S308 (each row built by format_html)
        _help(field),
    )


@register.simple_tag
def bootstrap_field(field: forms.BoundField) -> SafeString:
    widget = field.field.widget
    if field.is_hidden:
        return SafeString(str(field))
    required_class, marker = _required(field)
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return _choices(field)
    if isinstance(widget, forms.CheckboxInput):
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check">{}'
            '<label for="{}" class="form-check-label{}">{}{}</label>{}{}</div></div>',
            field.auto_id,
            mark_safe(_widget(field, "form-check-input")),  # noqa: S308 (Django's widget rendering escapes)
            field.id_for_label,
            required_class,
            field.label,
            marker,
            _errors(field),
            _help(field),
        )
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label{}">{}{}</label>{}{}{}</div>',
        field.auto_id,
        field.id_for_label,
        required_class,
        field.label,
        marker,
        mark_safe(_widget(field, css)),  # noqa: S308 (Django's widget rendering escapes)
        _errors(field),
        _help(field),
    )
