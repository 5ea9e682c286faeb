"""Writing workbooks: the package, the destination file, text written differently (English)."""

LABELS: dict[str, str] = {
    'package.xml_broken': '{part}: the XML of this part is broken ({detail})',
    'package.xml_depth': ('{part}: elements are nested too deeply to be a real workbook part; '
                          'refused ({detail})'),
    'package.xml_depth_limit': 'more than 256 levels',
    'package.xml_entity': ('{part}: holds XML entities, which a workbook never uses; '
                           'refused ({detail})'),
    'package.xml_doctype': ('{part}: holds a document type declaration (DOCTYPE), which a '
                            'workbook never uses; refused'),
    'package.not_a_workbook': ('{book} is not an .xlsx/.xlsm workbook ({detail}); open it in '
                               'Excel and save it as "Excel Workbook (*.xlsx)"'),
    'package.too_many_members': '{book}: the package holds {count:,} parts; refused',
    'package.duplicate_member': ('{book}: the part {part} is in the package twice, so it is '
                                 'unclear which one counts; open the file in Excel and save it '
                                 'again'),
    'package.no_content_types': ('{book}: the package has no [Content_Types].xml; it is not a '
                                 'workbook'),
    'package.missing_part': '{book}: the part {part} is missing from the package',
    'package.part_too_large': ('{book}: the part {part} unpacks to {size:,} bytes, beyond what '
                               'kpi_xl edits; refused'),
    'package.bad_member': '{book}: the part {part} cannot be unpacked ({detail})',
    'package.no_workbook': '{book}: the package holds no workbook part (not an .xlsx/.xlsm?)',
    'package.strict': ('{book} is saved as "Strict Open XML"; save it as "Excel Workbook '
                       '(*.xlsx)" and try again'),
    'package.no_styles': '{book}: the workbook has no styles part',
    'package.sheet_name_clash': '{book}: the new sheet names clash with existing ones',
    'package.not_found': 'workbook not found: {path}',
    'package.cannot_read': 'cannot read {path}: {detail}',
    'package.input_is_folder': '{path} is a folder, not a workbook file',
    'package.not_regular': ('{path} is not a regular file (a pipe, device or socket); give '
                            'the path of a workbook file'),
    'package.no_folder': 'the output folder does not exist: {folder}',
    'package.cannot_write': 'cannot write {path}: {detail}',
    'package.output_is_folder': ('{path} is a folder; give a file name inside it, e.g. '
                                 '{path}/book.xlsx'),
    'package.read_only': ('{path} is read-only, so it is not replaced; write the result to '
                          'another file with -o, or make the file writable'),
    'package.open_elsewhere': ('{path} is open in Excel or LibreOffice (lock file {lock}); close '
                               'it first, or write to another file with -o. If it is not open, '
                               'delete the lock file'),
    'package.folder_not_writable': ('cannot create files in {folder}: permission denied; '
                                    'choose another folder'),
    'package.replace_denied': 'cannot replace {path}: permission denied',
    'package.replace_denied_windows': ('cannot replace {path}: permission denied — it may be open '
                                       'in Excel; close it and try again'),
    'package.stale_temp_removed': 'removed a temporary file left by an interrupted run: {path}',
    'package.text_changed': ('"{before}" was written as "{after}" (characters a workbook '
                             'cannot hold were removed)'),
    'package.text_changed_more': '… and {count} more texts with such characters',
    'package.plain_to_macro': ('cannot write {book} (no macros) as a macro workbook {out}; '
                               'use an .xlsx destination'),
    'package.new_report_macro': 'a new report workbook cannot be a macro workbook: {out}',
    'package.bad_suffix': '{name}: not an Excel workbook kpi_xl can write (expected {allowed})',
    'package.template_suffix': ('{name}: a template is an Excel workbook; give {stem}.xlsx '
                                '(or {stem}.xlsm with --macro)'),
    'package.suffix_xlsx': '{name}: this writes an .xlsx workbook; give {stem}.xlsx',
    'package.suffix_xlsm': '{name}: a workbook with the button is an .xlsm file; give {stem}.xlsm',
    'package.macro_name_invalid': ('"{stem}" cannot be the name of a macro workbook: the button '
                                   'imports the Python module named like the workbook, so the '
                                   'name must be letters (any script), digits and underscores, '
                                   'not starting with a digit and not a Python keyword — e.g. '
                                   '営業月報_2026年10月.xlsm or kpi_book.xlsm (no spaces, hyphens '
                                   'or dots)'),
    'package.macro_name_shadows': ('"{stem}" cannot be the name of a macro workbook: the button '
                                   'would run "import {stem}" and load another module of that '
                                   'name; choose another name, e.g. {stem}_kpi.xlsm'),
    'package.companion_bad_name': ('{book}: the button of this workbook cannot work — {reason}'),
    'package.companion_missing': ('{book}: the button runs the Python module {module}, which is '
                                  'not in the workbook\'s folder (was the workbook renamed or '
                                  'copied?). Copy or rename the module beside it to {module} '
                                  '(modules found there: {found})'),
    'package.howto_macro_name': ('Naming rule: the button runs "import <workbook name>", so the '
                                 'file name (without .xlsm) must be a Python name — letters of '
                                 'any script, digits and underscores, not starting with a '
                                 'digit; no spaces, hyphens or dots. 営業月報_2026年10月.xlsm is '
                                 'fine. This workbook needs {module} beside it; when you rename '
                                 'or copy the workbook, rename or copy that file to match.'),
    'package.no_table': ('the workbook has no table {table} (the {name} input table); import '
                         'into a kpi_xl template (kpi-xl template BOOK) or a new file'),
    'package.import_suffix': '{name}: can only import into an .xlsx/.xlsm workbook',
    'package.import_mode': "mode must be 'replace' or 'append', not {mode!r}",
    'package.no_column': '{book}: table {table} has no column for {columns}',
    'package.append_skipped': ('append {name}: {count:,} rows skipped, their {key} is already '
                               'in the workbook'),
}
