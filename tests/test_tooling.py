"""The code base stays ruff clean (the same check a developer runs)."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_is_clean():
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is part of the test extra: pip install -e '.[test]'")
    proc = subprocess.run([ruff, "check", "kpi_xl", "tests"], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_public_api_is_importable_from_the_package():
    import kpi_xl

    missing = [n for n in kpi_xl.__all__ if not hasattr(kpi_xl, n)]
    assert missing == []
