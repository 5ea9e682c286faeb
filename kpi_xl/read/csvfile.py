"""Reading CSV files and folders of them, with the encoding and delimiter they really have.

Encoding, decided per file from the bytes, strictly (no silent mojibake):

- a byte-order mark names it: UTF-8 (BOM), UTF-16 (Excel's "Unicode text", tab-separated);
- else UTF-8 when the file decodes as UTF-8, or when most of its non-ASCII bytes are on lines
  that do (a Japanese header in UTF-8 above ASCII rows and one pasted Shift_JIS cell is UTF-8;
  Shift_JIS text almost never forms valid UTF-8) — the lines that do not are undecodable
  cells, each reported with its row and column (and how it reads as Shift_JIS), instead of
  decoding the whole file as mojibake;
- else CP932 (Shift_JIS as Japanese Excel writes it; a ``\\`` in it is the yen sign Excel
  showed, kept as typed for the validator);
- else the likeliest of a few legacy code pages (cp1252, EUC-JP, GB18030, Big5, CP949), as
  charset-normalizer judges them. charset-normalizer is not asked first: on short files it
  names Western CSVs ``mac_latin2`` and gives nothing for a UTF-8 file with one Shift_JIS cell.

The delimiter is the one of comma, tab and semicolon that splits the header line most. Records
follow RFC 4180 with Python's ``csv`` module (a line break or a lone CR inside quotes stays in
the field); a record whose field count differs from the header's is a located problem, an
empty line a blank row. Row numbers are those Excel shows when it opens the file.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..i18n import text
from .cells import series_from_objects
from .limits import Limits
from .notes import Note, column_letter
from .package import check_regular_file

__all__ = ["CSV_SUFFIXES", "decode_csv", "read_csv_file"]

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
_LEGACY = ["cp1252", "euc_jp", "gb18030", "big5", "cp949"]


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:2000]
    if len(sample) < 4:
        return None
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    if odd > len(sample) // 4 and even == 0:
        return "utf-16-le"
    if even > len(sample) // 4 and odd == 0:
        return "utf-16-be"
    return None


def decode_csv(data: bytes) -> tuple[str, str, str | None]:
    """(codec, label key, fallback codec for per-cell checks or None when the whole file
    decodes strictly)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "read.enc_utf8_bom", None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "read.enc_utf16", None
    if (enc := _utf16_without_bom(data)) is not None:
        return enc, "read.enc_utf16", None
    try:
        data.decode("utf-8")
        return "utf-8", "read.enc_utf8", None
    except UnicodeDecodeError:
        pass
    good = bad = 0  # non-ASCII bytes on lines that decode as UTF-8, and on lines that do not
    for line in data.split(b"\n"):
        if line.isascii():
            continue
        weight = int(np.count_nonzero(np.frombuffer(line, np.uint8) > 127))
        try:
            line.decode("utf-8")
            good += weight
        except UnicodeDecodeError:
            bad += weight
    if good > bad:
        return "utf-8", "read.enc_utf8", "cp932"
    try:
        data.decode("cp932")
        return "cp932", "read.enc_cp932", None
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_LEGACY).best()
    if best is None or best.encoding is None:
        return "cp932", "read.enc_cp932", "utf-8"
    return best.encoding, "read.enc_other", "utf-8"


def _delimiter(first_line: str, suffix: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: (counts[d], d == ("\t" if suffix == ".tsv" else ",")))
    return best if counts[best] else ("\t" if suffix in (".tsv", ".txt") else ",")


def _records(text_: str, delimiter: str, file: str, locale: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text_, newline=""), delimiter=delimiter, quotechar='"',
                        doublequote=True, strict=True)
    try:
        return list(reader)
    except csv.Error as exc:
        raise InputError(text("read.csv_syntax", locale, file=file, line=reader.line_num,
                              detail=exc)) from None


def read_csv_file(path: Path, name: str, limits: Limits, locale: str
                  ) -> tuple[pd.DataFrame, tuple[str, str, str], list[Note]]:
    """(frame, (encoding label key, codec, delimiter key), notes) of one CSV file for table
    ``name``."""
    check_regular_file(path, limits.max_csv_bytes, locale)
    data = path.read_bytes()
    if not data:
        raise InputError(text("read.csv_empty", locale, file=path.name))
    codec, label, fallback = decode_csv(data)
    notes: list[Note] = []
    content = None
    if fallback is None:
        try:
            content = data.decode(codec)
        except UnicodeDecodeError as exc:
            if codec.startswith("utf-16"):
                raise InputError(text("read.csv_encoding", locale, file=path.name,
                                      encoding=text(label, locale), position=exc.start)
                                 ) from None
            fallback = "cp932"
    if content is not None:
        first = content.split("\n", 1)[0]
        delim = _delimiter(first, path.suffix.lower())
        records = _records(content, delim, path.name, locale)
    else:  # decode cell by cell: ASCII delimiters and quotes are the same bytes either way
        if codec == "utf-8-sig":
            data, codec = data[len(codecs.BOM_UTF8):], "utf-8"
        latin = data.decode("latin-1")
        delim = _delimiter(latin.split("\n", 1)[0], path.suffix.lower())
        records = _records(latin, delim, path.name, locale)
        for i, rec in enumerate(records):
            for j, raw in enumerate(rec):
                b = raw.encode("latin-1")
                try:
                    rec[j] = b.decode(codec)
                except UnicodeDecodeError:
                    rec[j] = b.decode(codec, errors="replace")
                    notes.append(Note(name, i + 1, None, b.decode(fallback, errors="replace"),
                                      "read.csv_undecodable", "read.csv_undecodable_hint",
                                      {"file": path.name, "column": column_letter(j + 1),
                                       "encoding": text(label, locale)}))
    if not records:
        raise InputError(text("read.csv_empty", locale, file=path.name))
    header = [h.strip() for h in records[0]]
    width = len(header)
    while width and not header[width - 1] and all(
            len(r) < width or not r[width - 1].strip() for r in records[1:]):
        width -= 1  # trailing separators after the last header
    names: list[str] = []
    seen: dict[str, int] = {}
    for j, h in enumerate(header[:width]):
        h = h or f"({column_letter(j + 1)})"
        if h in seen:
            notes.append(Note(name, 1, h, h, "read.duplicate_header",
                              "read.duplicate_header_hint",
                              {"header": h, "first": column_letter(seen[h] + 1),
                               "second": column_letter(j + 1)}))
            h = f"{h} ({column_letter(j + 1)})"
        seen.setdefault(h, j)
        names.append(h)
    body = records[1:]
    columns = [np.empty(len(body), dtype=object) for _ in names]
    allowed = {len(header), width}
    for i, rec in enumerate(body):
        if rec and len(rec) not in allowed:
            notes.append(Note(name, i + 2, None, delim.join(rec)[:200], "read.csv_fields",
                              "read.csv_fields_hint",
                              {"file": path.name, "count": len(rec), "expected": width}))
        for j in range(width):
            columns[j][i] = rec[j] if j < len(rec) else None
    frame = pd.DataFrame({h: series_from_objects(c) for h, c in zip(names, columns,
                                                                     strict=True)},
                         columns=names)
    dkey = {",": "read.delim_comma", "\t": "read.delim_tab", ";": "read.delim_semicolon"}[delim]
    return frame, (label, codec, dkey), notes
