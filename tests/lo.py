"""LibreOffice (headless) as the spreadsheet engine of tests.

``convert`` runs ``soffice --convert-to`` with a fresh user profile per call, seeded to
recalculate every formula on load (see ``/work/shared/notes/libreoffice.md``), and checks that
every output file was written (soffice can exit 0 without writing anything).
``require_soffice`` skips a test when LibreOffice is missing — or fails it when ``CI`` is set.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pytest

__all__ = ["LibreOfficeError", "convert", "pdf_pages", "require_pdfinfo", "require_soffice"]

RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class LibreOfficeError(RuntimeError):
    """soffice failed or did not write an expected output file."""


def _require(tool: str, install: str) -> str:
    exe = shutil.which(tool)
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is required in CI but not on PATH ({install})")
        pytest.skip(f"{tool} is not on PATH; install {install} to run this test")
    return exe


def require_soffice() -> str:
    """Path of ``soffice``; skip the test without it (fail when env ``CI`` is set)."""
    if shutil.which("soffice") is None and shutil.which("libreoffice") is not None:
        return shutil.which("libreoffice")  # type: ignore[return-value]
    return _require("soffice", "libreoffice-calc")


def require_pdfinfo() -> str:
    return _require("pdfinfo", "poppler-utils")


def convert(paths: Path | str | Iterable[Path | str], fmt: str, outdir: Path | str,
            *, timeout: float = 180) -> list[Path]:
    """Convert ``paths`` to ``fmt`` (``pdf``, ``xlsx``, ``fods``…) into ``outdir``.

    One soffice run for all files, with a fresh profile that forces recalculation on load.
    Returns the output paths in input order; raises :class:`LibreOfficeError` when soffice fails
    or an output file is missing.
    """
    exe = require_soffice()
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    inputs = [Path(p).resolve() for p in paths]
    if not inputs:
        return []
    out = Path(outdir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    ext = fmt.split(":", 1)[0]
    expected = [out / f"{p.stem}.{ext}" for p in inputs]
    if len({e.name for e in expected}) != len(expected):
        raise ValueError("two inputs would convert to the same output name")
    for e in expected:
        e.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="kpi_xl-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(RECALC_XCU, encoding="utf-8")
        cmd = [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
               "--norestore", "--nolockcheck", "--convert-to", fmt, "--outdir", str(out),
               *map(str, inputs)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise LibreOfficeError(f"soffice timed out after {timeout}s: {' '.join(cmd)}") from exc
    missing = [e for e in expected if not e.exists()]
    if proc.returncode != 0 or missing:
        raise LibreOfficeError(
            f"soffice exit {proc.returncode}; missing outputs: {[m.name for m in missing]}\n"
            f"stdout: {proc.stdout.strip()}\nstderr: {proc.stderr.strip()}")
    return expected


def pdf_pages(pdf: Path | str) -> int:
    """Number of pages of ``pdf`` (``pdfinfo`` from poppler-utils)."""
    exe = require_pdfinfo()
    proc = subprocess.run([exe, str(pdf)], capture_output=True, text=True, timeout=60)
    match = re.search(r"^Pages:\s+(\d+)", proc.stdout, re.MULTILINE)
    if proc.returncode != 0 or match is None:
        raise LibreOfficeError(f"pdfinfo failed on {pdf}: {proc.stderr.strip()}")
    return int(match.group(1))
