"""The site's one way with spreadsheets (docs/spreadsheets.md): every file it reads or writes.

    reader.py  the one file reader: size limits, formats (csv, xlsx, ods, json), problems
    writer.py  the one writer: how every cell is escaped and typed, streamed
    admin.py   both, plugged into django-import-export's admin

They import nothing from the apps; every app may use them.
"""
