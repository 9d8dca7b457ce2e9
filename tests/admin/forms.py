"""Build the POST data a browser would send for an admin change page."""


def page_post_data(response):
    """The main form and every inline formset of a rendered admin change page, as POST data."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    adminform = response.context.get("adminform")
    if adminform is not None:
        add(adminform.form)
    for inline in response.context.get("inline_admin_formsets", []):
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def add_inline_row(data, prefix, **fields):
    """Append a row to the formset `prefix`; returns its index."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = value
    return index
