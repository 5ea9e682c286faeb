"""Reading input files: what was found, what could not be read and why (English)."""

LABELS: dict[str, str] = {
    # rows kept out of a table's data
    'exclusion.total_row': 'total rows, not counted as data ({detail})',
    'exclusion.before_header': 'rows above the header ({detail})',
    'exclusion.note': 'notes beside the header, not data ({detail})',
    # where a table came from
    'read.origin_table': "{file}, sheet '{sheet}', table {table}",
    'read.origin_sheet': "{file}, sheet '{sheet}'",
    'read.origin_csv': '{file} ({detected})',
    'read.origin_frame': "table '{key}'",
    # the file itself
    'read.not_found': 'No such file or folder: {path}',
    'read.no_such_workbook': 'No such workbook: {path}',
    'read.cannot_open': 'Cannot open {path}: {reason}',
    'read.not_regular': ('{path} is not a regular file (a folder, a pipe or a device); '
                         'give the path of a workbook, a CSV file or a folder of CSV files'),
    'read.file_too_big': ('{file} is {size:,} bytes, more than the {limit:,} bytes the reader '
                          'accepts (Limits.max_file_bytes)'),
    'read.convert_to_xlsx': ('{file}: {kind} files are not read. Open it in Excel and save it '
                             'as "Excel Workbook (*.xlsx)", then use the .xlsx file'),
    'read.looks_empty': '{file} is empty (0 bytes); it may not have been saved completely',
    'read.looks_xls': ('{file} is not an .xlsx workbook: it looks like an old Excel 97-2003 '
                       '(.xls) file. Open it in Excel and save it as "Excel Workbook (*.xlsx)"'),
    'read.looks_encrypted': ('{file} is protected with a password (encrypted), so it cannot '
                             'be read. Open it in Excel, remove the password (File > Info > '
                             'Protect Workbook > Encrypt with Password, clear it) and save it '
                             'again'),
    'read.looks_ole': ('{file} is not an .xlsx workbook: it looks like an old Office document. '
                       'Open it in Excel and save it as "Excel Workbook (*.xlsx)"'),
    'read.looks_csv': ('{file} is not an .xlsx workbook: it looks like a CSV text file. Rename '
                       'it to .csv (named after its table, e.g. orders.csv) or open it in Excel '
                       'and save it as "Excel Workbook (*.xlsx)"'),
    'read.looks_html': ('{file} is not an .xlsx workbook: it is a web page (HTML) saved with a '
                        'spreadsheet name, as some systems export. Open it in Excel and save '
                        'it as "Excel Workbook (*.xlsx)"'),
    'read.looks_xml2003': ('{file} is not an .xlsx workbook: it is an "XML Spreadsheet 2003" '
                           'file. Open it in Excel and save it as "Excel Workbook (*.xlsx)"'),
    'read.looks_ods': ('{file} is not an .xlsx workbook: it is an OpenDocument spreadsheet '
                       '(.ods, as LibreOffice Calc saves it). Open it and save it as "Excel '
                       '2007-365 (.xlsx)" / "Excel Workbook (*.xlsx)"'),
    'read.looks_unknown': ('{file} is not an .xlsx workbook (its content is not a spreadsheet '
                           'package; the download may be incomplete or the file damaged)'),
    # the package
    'read.zip_damaged': ('{file} is damaged and cannot be opened as a workbook ({detail}); '
                         'the download may be incomplete — get the file again'),
    'read.too_many_parts': ('{file} holds {count:,} parts, more than the {limit:,} the reader '
                            'accepts (Limits.max_members)'),
    'read.duplicate_part': ('{file} is damaged: the part {part} is stored twice, so it is not '
                            'clear which one Excel would use'),
    'read.part_encrypted': '{file}: the part {part} is encrypted and cannot be read',
    'read.part_method': ('{file}: the part {part} uses a compression method ({method}) that '
                         'Excel does not write; save the workbook again in Excel'),
    'read.part_too_big': ('{file}: the part {part} unpacks to {size:,} bytes, more than the '
                          '{limit:,} bytes the reader accepts (Limits.max_member_bytes)'),
    'read.part_ratio': ('{file}: the part {part} is compressed {ratio:,}-fold, more than the '
                        '{limit:,.0f}-fold the reader accepts (Limits.max_ratio); real workbooks '
                        'compress about 5–20-fold, so the file is refused as a possible zip '
                        'bomb'),
    'read.package_too_big': ('{file} unpacks to {size:,} bytes, more than the {limit:,} bytes '
                             'the reader accepts (Limits.max_total_bytes)'),
    'read.part_missing': '{file} is damaged: the part {part} is missing',
    'read.part_damaged': '{file} is damaged: the part {part} cannot be read ({detail})',
    'read.part_doctype': ('{file}: the part {part} declares a DTD or entities, which Excel '
                          'never writes; the file is refused'),
    'read.part_truncated': ('{file} is damaged: the part {part} ends in the middle (it was cut '
                            'off); save the workbook again in Excel'),
    'read.part_depth': ('{file}: the part {part} nests elements more than {limit} levels deep '
                        '(Limits.max_depth); the file is refused'),
    'read.no_workbook': ('{file} is not a workbook: its package has no workbook part '
                         '(xl/workbook.xml)'),
    'read.no_sheets': '{file} has no worksheets',
    'read.sheet_part_missing': ("{file} is damaged: the sheet '{sheet}' is listed but its part "
                                '{part} is missing'),
    'read.no_tables': ('{file}: no kpi_xl input tables. Expected Excel tables or sheets '
                       'named {expected}; sheets found: {sheets}'),
    'read.table_twice': ('the same table was found twice: {first} and {second}; only the first '
                         'was read — delete or rename the other'),
    # cells
    'read.duplicate_header': ("two columns have the header '{header}' (columns {first} and "
                              '{second})'),
    'read.duplicate_header_hint': 'rename one of them so that each header appears once',
    'read.data_above_header': 'row {row} above the header (row {header}) looks like data',
    'read.data_above_header_hint': ('move it below the header, or delete it if it is not '
                                    'data'),
    'read.stray_cell': "sheet '{sheet}', cell {cell} is filled but belongs to no table",
    'read.stray_more': ("sheet '{sheet}': {count:,} more filled cells belong to no table"),
    'read.stray_cell_hint': ('move it into the table (or next to it, under a header), to '
                             'another sheet, or delete it'),
    'read.sheet_too_large': ("{file}: the tables of sheet '{sheet}' span {cells:,} cells, more "
                             'than the {limit:,} the reader holds at once '
                             '(Limits.max_sheet_cells)'),
    'read.sheet_partial': ("sheet '{sheet}': its used range {used} is too large to read "
                           'whole; only {read} (the tables\' columns) was read and checked'),
    # CSV
    'read.detected': '{encoding}, {delimiter}',
    'read.enc_utf8_bom': 'UTF-8 (BOM)',
    'read.enc_utf8': 'UTF-8',
    'read.enc_utf16': 'UTF-16 (Unicode text)',
    'read.enc_cp932': 'Shift_JIS (CP932)',
    'read.enc_other': '{name}',
    'read.delim_comma': 'comma-separated',
    'read.delim_tab': 'tab-separated',
    'read.delim_semicolon': 'semicolon-separated',
    'read.csv_empty': '{file} is empty (0 bytes): there is no header row to read',
    'read.csv_encoding': ('{file} starts as {encoding} text but is not valid {encoding} at '
                          'byte {position:,}; save it again from Excel'),
    'read.csv_syntax': '{file}, line {line}: the file cannot be read as CSV ({detail})',
    'read.csv_undecodable': ('a cell in column {column} is not valid {encoding} text '
                             '(the rest of the file is); it was probably pasted from a file in '
                             'another encoding'),
    'read.csv_undecodable_hint': ('retype the cell, or save the whole file again as '
                                  '"CSV UTF-8 (comma delimited)"; the value shown is how it '
                                  'reads in the other encoding'),
    'read.csv_fields': ('this row has {count} fields but the header has {expected} '
                        '(a comma or tab inside a value that is not in quotes?)'),
    'read.csv_fields_hint': ('put values that contain the separator in double quotes, or '
                             'remove the extra separator'),
    'read.csv_unknown_table': ('{file}: the file name does not name a kpi_xl table; name it '
                               'after one of: {expected}'),
    'read.no_csv_tables': ('{folder} holds no table CSV files. Name each file after its table '
                           '(e.g. orders.csv, 受注実績.csv); expected: {expected}; files found: '
                           '{found}'),
    'read.csv_twice': ('{table} is given twice: {files}; keep one file per table (or combine '
                       'them into one)'),
    'read.unknown_kind': ('{file} is neither a workbook (.xlsx, .xlsm) nor a CSV file (.csv, '
                          '.tsv, .txt) nor a folder of CSV files'),
    'read.api_source': ('read_source: source must be a workbook path, a CSV file, a folder of '
                        'CSV files or a dict of DataFrames, not {type}'),
    'read.api_limits': 'read_source: limits must be a kpi_xl.read.Limits, not {type}',
    'read.api_unknown_table': ('read_source: {key!r} is not a kpi_xl table name; use one of '
                               '{expected}'),
    'read.api_not_frame': ('read_source: the value for {key!r} must be a pandas DataFrame, '
                           'not {type}'),
    'read.api_duplicate_columns': ('read_source: the DataFrame for {key!r} has repeated column '
                                   'names: {columns}; give each column one name'),
    # the Python API
    'read.limit_invalid': 'Limits.{name} must be a positive number, not {value!r}',
    # kpi-xl import: the export files
    'import.fields': ('{file}: the header has {expected} fields but {rows}; the values would '
                      'land in the wrong columns. Put values that contain the separator in '
                      'double quotes, or remove the extra separators, then import again'),
    'import.fields_row': 'line {line} has {count}',
}
