"""django-import-export in admin, through the one writer and the one reader.

The formats here (`SPREADSHEET_FORMATS`: csv, xlsx, ods, json) write with
digiansvar.spreadsheets.writer and read with digiansvar.spreadsheets.reader,
so an admin export escapes formula-like text and types its cells like every
other export, and an admin import is read (limits, formats, messages) like
every other import. Import-export admins derive from
`SpreadsheetImportExportMixin`, which offers only these formats and shows the
reader's Swedish message for a file it cannot read
(tests/spreadsheets/test_formula_exports.py fails for any that does not).

This module imports nothing from the apps; both may use it.
"""

import tablib
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest, PermissionDenied
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import SelectableFieldsExportForm

from digiansvar.spreadsheets.reader import FileProblems, read_table
from digiansvar.spreadsheets.writer import CONTENT_TYPES, spreadsheet_bytes


def dataset_from_table(rows):
    """A tablib.Dataset of read_table's rows: the first is the header."""
    (_number, header), rows = rows[0], rows[1:]
    dataset = tablib.Dataset(headers=header)
    for _number, row in rows:
        dataset.append((row + [""] * len(header))[: len(header)])
    return dataset


class SpreadsheetFormat:
    """An import-export format that writes with spreadsheet_chunks and reads with read_table."""

    FILE_FORMAT = ""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, str):
            in_stream = in_stream.encode("utf-8")
        return dataset_from_table(read_table(in_stream, f"upload.{self.FILE_FORMAT}"))

    def export_data(self, dataset, **kwargs):
        return spreadsheet_bytes(
            dataset,
            headers=dataset.headers or [],
            file_format=self.FILE_FORMAT,
            title=dataset.title or "",
        )

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def get_content_type(self):
        return CONTENT_TYPES[self.FILE_FORMAT]


class CSV(SpreadsheetFormat, base_formats.CSV):
    FILE_FORMAT = "csv"


class XLSX(SpreadsheetFormat, base_formats.XLSX):
    FILE_FORMAT = "xlsx"


class ODS(SpreadsheetFormat, base_formats.ODS):
    FILE_FORMAT = "ods"


class JSON(SpreadsheetFormat, base_formats.JSON):
    FILE_FORMAT = "json"


SPREADSHEET_FORMATS = [CSV, XLSX, ODS, JSON]


class ExportForm(SelectableFieldsExportForm):
    """The export's field choices named as the file's columns ("Kod"), not the attribute
    in English with the column after it ("Code (Kod)")."""

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        return (
            field.column_name
            if field and field.column_name
            else super()._get_field_label(resource, field_name)
        )


class SpreadsheetImportExportMixin(ImportExportMixin):
    """django-import-export's admin with this module's formats, typed cells and messages."""

    formats = SPREADSHEET_FORMATS
    export_form_class = ExportForm

    def get_export_queryset(self, request):
        try:
            return super().get_export_queryset(request)
        except IncorrectLookupParameters as error:
            # A filter the list does not have (an edited URL): bad input, not a 500.
            raise BadRequest(str(error)) from error

    def get_export_data(self, file_format, request, queryset, **kwargs):
        # The library types cells only for its own binary formats; ours type them all.
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(request, queryset, force_native_type=True, **kwargs)
        return file_format.export_data(data)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, FileProblems):
            for problem in e.problems:
                form.add_error("import_file", str(problem))
        else:
            super().add_data_read_fail_error_to_form(form, e)
