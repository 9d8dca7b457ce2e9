"""Spreadsheet import and export in admin (issue 5).

The blueprint's rows become many assignments each, which django-import-export's
one-row-one-object model does not fit, so the item list gets two small admin
views of its own: export (unit, format → file) and import (upload → preview
with new/changed/unchanged/removed rows and a before/after diff → confirm).
Between preview and confirm the upload waits in import-export's MediaStorage
(default storage, not a local temp file, so the confirm may reach another
worker); the session remembers which stored file belongs to which user.

People and roles are plain one-row-one-object tables: they use
django-import-export's own admin (the resources in registry/admin/resources.py,
files written and read through digiansvar.spreadsheets.admin), with import limited to
organisation-wide managers.
"""

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.tmp_storages import MediaStorage

from digiansvar.spreadsheets.admin import SpreadsheetImportExportMixin
from digiansvar.spreadsheets.reader import FileProblems, max_bytes
from digiansvar.spreadsheets.writer import WRITE_FORMATS, spreadsheet_response
from organisation.models import Unit
from registry import versions
from registry.blueprint_file import blueprint_import
from registry.blueprint_file.format import (
    HEADERS,
    SHEET_TITLE,
    blueprint_filename,
    blueprint_rows,
)
from registry.blueprint_file.plan import can_edit_organisation_wide
from registry.blueprint_file.result import UNCHANGED
from registry.data_version import data_version
from registry.models import Item

SESSION_KEY = "blueprint_imports"
PREVIEW_LIMIT = 1000  # rows listed in the preview; the counts cover all


def can_import_blueprint(user):
    return (
        user.is_active
        and user.has_perm("registry.change_assignment")
        and Unit.objects.restrict(user, "change").exists()
    )


def can_export_blueprint(user):
    return user.is_active and user.has_perm("registry.view_item")


class ExportForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Enhet"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=gettext_lazy("Alla enheter jag får se"),
        to_field_name="slug",
    )
    file_format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=[(f, f) for f in WRITE_FORMATS], initial="xlsx"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.restrict(user)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fil"),
        help_text=gettext_lazy("csv (UTF-8, ; eller ,), xlsx, ods eller json i exportens format."),
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Enhet"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=gettext_lazy("Enheterna i filen"),
        to_field_name="slug",
        help_text=gettext_lazy("Välj en enhet för att bara tillåta rader för den."),
    )
    replace = forms.BooleanField(
        label=gettext_lazy("Ersätt: ta bort ansvariga som filen inte längre listar"),
        required=False,
        help_text=gettext_lazy(
            "Utan bocken läggs ansvariga bara till eller ändras; inget tas bort."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.restrict(user, "change")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(
                _("Filen är %(size)s byte, större än gränsen %(limit)s byte.")
                % {"size": upload.size, "limit": max_bytes()}
            )
        return upload


class BlueprintSpreadsheetMixin:
    """Adds "Exportera" and "Importera" for the blueprint table to an Item admin."""

    change_list_template = "admin/registry/item/change_list_spreadsheets.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "blueprint-export/",
                self.admin_site.admin_view(self.blueprint_export_view),
                name="{}_{}_blueprint_export".format(*info),
            ),
            path(
                "blueprint-import/",
                self.admin_site.admin_view(self.blueprint_import_view),
                name="{}_{}_blueprint_import".format(*info),
            ),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import_blueprint": can_import_blueprint(request.user),
            "can_export_blueprint": can_export_blueprint(request.user),
        }
        return super().changelist_view(request, extra_context)

    def _context(self, request, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "max_bytes": max_bytes(),
            **context,
        }

    def blueprint_export_view(self, request):
        if not can_export_blueprint(request.user):
            raise PermissionDenied
        form = ExportForm(request.GET or None, user=request.user)
        if not form.is_bound or not form.is_valid():
            return TemplateResponse(
                request,
                "registry/blueprint_export.html",
                self._context(
                    request,
                    form=form,
                    title=_("Exportera ansvarsfördelningen"),
                    # The text names the file's columns from the one list of them.
                    headers=HEADERS,
                ),
            )
        unit = form.cleaned_data["unit"]
        file_format = form.cleaned_data["file_format"]
        units = [unit] if unit else Unit.objects.restrict(request.user)
        rows = blueprint_rows(units=units, items=Item.objects.all(), organisation_wide=unit is None)
        if unit:
            # As the page header: the version in force and the changes at the unit since.
            header = versions.version_header(unit, data_version())
            blueprint = header["blueprint"]
            filename = blueprint_filename(
                unit.slug,
                version=blueprint.version if blueprint else "",
                changed=bool(header["changes_since"]),
            )
        else:
            # Units of any huvudman, each with its own version: only the day.
            filename = blueprint_filename("alla")
        return spreadsheet_response(
            rows, headers=HEADERS, file_format=file_format, filename=filename, title=SHEET_TITLE
        )

    def blueprint_import_view(self, request):
        if not can_import_blueprint(request.user):
            raise PermissionDenied
        if request.method == "POST" and "token" in request.POST:
            return self._blueprint_import_confirm(request)
        form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
        context = self._context(request, form=form, title=_("Importera ansvarsfördelningen"))
        if request.method != "POST" or not form.is_valid():
            return TemplateResponse(request, "registry/blueprint_import.html", context)

        upload = form.cleaned_data["file"]
        content = upload.read()
        options = {
            "filename": upload.name,
            "unit": form.cleaned_data["unit"].slug if form.cleaned_data["unit"] else "",
            "replace": form.cleaned_data["replace"],
        }
        result, problems = self._run(request, content, options, dry_run=True)
        context.update(result=result, problems=problems, options=options)
        if result and not problems and result.has_changes:
            token = uuid.uuid4().hex
            MediaStorage(name=token, MEDIA_FOLDER="blueprint-imports").save(content)
            # A new upload abandons the user's earlier previews: drop their files.
            pending = request.session.get(SESSION_KEY, {})
            for old_token in pending:
                MediaStorage(name=old_token, MEDIA_FOLDER="blueprint-imports").remove()
            pending = {token: options}
            request.session[SESSION_KEY] = pending
            context.update(
                token=token,
                changed_rows=[row for row in result.rows if row.status != UNCHANGED][
                    :PREVIEW_LIMIT
                ],
                preview_limit=PREVIEW_LIMIT,
            )
        return TemplateResponse(request, "registry/blueprint_import.html", context)

    def _blueprint_import_confirm(self, request):
        token = request.POST["token"]
        options = request.session.get(SESSION_KEY, {}).get(token)
        if options is None:
            # Not this user's upload, or already imported.
            raise PermissionDenied
        storage = MediaStorage(name=token, MEDIA_FOLDER="blueprint-imports")
        pending = request.session[SESSION_KEY]
        del pending[token]
        request.session[SESSION_KEY] = pending
        try:
            content = storage.read()
        except OSError:
            problems = [_("Den uppladdade filen finns inte längre; ladda upp den igen.")]
        else:
            result, problems = self._run(request, content, options, dry_run=False)
            storage.remove()
        if problems:
            # The file vanished, or the database changed since the preview.
            context = self._context(
                request,
                form=ImportForm(user=request.user),
                title=_("Importera ansvarsfördelningen"),
                problems=problems,
                options=options,
            )
            return TemplateResponse(request, "registry/blueprint_import.html", context)
        summary = result.summary()
        messages.success(request, _("Importen är klar. %(summary)s") % {"summary": summary})
        return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))

    def _run(self, request, content, options, *, dry_run):
        """(result, problems): problems are file problems or row errors, as text."""
        units = Unit.objects.restrict(request.user, "change")
        unit = units.filter(slug=options["unit"]).first() if options["unit"] else None
        try:
            result = blueprint_import(
                content=content,
                filename=options["filename"],
                user=request.user,
                unit=unit,
                replace=options["replace"],
                dry_run=dry_run,
            )
        except FileProblems as error:
            return None, [str(problem) for problem in error.problems]
        return result, [str(problem) for problem in result.errors]


class OrganisationWideImportExportMixin(SpreadsheetImportExportMixin):
    """django-import-export's admin, importing only for organisation-wide managers.

    People and roles belong to the whole huvudman; a rektor (scoped to units)
    exports what the admin list shows them but does not import. Files are
    written and read through digiansvar.spreadsheets.admin (SpreadsheetImportExportMixin).
    """

    def has_import_permission(self, request):
        return super().has_import_permission(request) and (
            request.user.is_superuser or can_edit_organisation_wide(request.user)
        )

    def has_export_permission(self, request):
        # The scoped admin's view permission (organisation/admin_base.py);
        # the rows come from its scoped get_queryset.
        return super().has_export_permission(request) and self.has_view_permission(request)
