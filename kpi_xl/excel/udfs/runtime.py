"""The runtimes a formula runs in, and what each needs to show an Excel error in a cell.

- **xlwings Lite / Office.js custom functions** (``XLWINGS_ON_SERVER=true``): the exact
  string ``"#N/A"``, ``"#VALUE!"``, ``"#NUM!"``, ``"#DIV/0!"`` … — xlwings' Office.js engine
  turns a returned string that is an error code into the error type
  (``xlwings.pro._xlofficejs.errorstr_to_errortype``; custom-functions runtime 1.4 and later).
- **Classic Windows UDFs** (the xlwings add-in, COM): a cell error needs a VT_ERROR variant.
  xlwings passes a returned object through unchanged to pywin32, but pywin32 gives every
  ``win32com.client.VARIANT(VT_ERROR, code)`` the code DISP_E_PARAMNOTFOUND ("parameter not
  found"), whatever code was asked for (``com/win32com/src/oleargs.cpp``,
  ``PythonOleArgHelper::MakeObjToVariant``, ``case VT_ERROR``), and has no other way to build
  one; xlwings issue #776 ("UDF Function return error code", open since 2017). So the default
  is the error text, as in Lite (the cell shows ``#N/A`` as text: ``ISERROR`` is FALSE there,
  ``ISTEXT`` TRUE). ``KPI_XL_FORMULA_ERRORS=com`` returns the VARIANT instead, for the manual
  check in ``docs/excel-checklist.md``.
- **Plain Python** (no Excel, e.g. Linux and the tests): the decorators are no-ops and the
  formulas return the error text.

Every formula also asks xlwings for error cells as text (``err_to_str=True``) so that an error
in an input passes through, as in Excel's own functions.
"""

from __future__ import annotations

import contextvars
import inspect
import os
from collections.abc import Callable, Mapping
from typing import Any

import xlwings
from xlwings import arg, func, ret

from .outcome import COM_SCODE, Reason, evaluate

__all__ = ["CATEGORY", "com_error", "error_mode", "excel_error", "explaining", "formula",
           "present", "run", "runtime"]

CATEGORY = "KPI"
_EXPLAIN: contextvars.ContextVar[bool] = contextvars.ContextVar("kpi_xl_explain",
                                                                 default=False)


def runtime() -> str:
    """``officejs`` (xlwings Lite / Server custom functions), ``classic`` (the Windows add-in's
    COM UDFs) or ``python`` (no Excel: the decorators are no-ops)."""
    if os.environ.get("XLWINGS_ON_SERVER") == "true":
        return "officejs"
    if getattr(xlwings.func, "__module__", "") == "xlwings.udfs":
        return "classic"
    return "python"


def error_mode() -> str:
    """``com`` for classic UDFs with ``KPI_XL_FORMULA_ERRORS=com``, else ``text``."""
    wanted = os.environ.get("KPI_XL_FORMULA_ERRORS", "").strip().lower()
    return "com" if wanted == "com" and runtime() == "classic" else "text"


def com_error(code: str) -> object:
    """``win32com.client.VARIANT(pythoncom.VT_ERROR, scode)`` of an Excel error (Windows)."""
    import pythoncom  # pywin32: Windows only
    from win32com.client import VARIANT

    return VARIANT(pythoncom.VT_ERROR, COM_SCODE[code])


def excel_error(code: str) -> object:
    """What the runtime needs to show the error ``code`` (module docstring)."""
    return com_error(code) if error_mode() == "com" else code


def present(result: Any) -> Any:
    """A formula's result as the cell gets it: a :class:`Reason` becomes its Excel error."""
    return excel_error(result.code) if isinstance(result, Reason) else result


def run(impl: Callable[..., Any], *args: Any) -> Any:
    """The body of every formula: ``impl(*args)`` through the one boundary; inside
    :func:`explaining` the :class:`Reason` itself comes back (that is how KPI_WHY asks)."""
    result = evaluate(impl, *args)
    return result if _EXPLAIN.get() else present(result)


def explaining(f: Callable[..., Any], *args: Any) -> Any:
    """Call the formula ``f`` and get its value or its :class:`Reason` (never an error code)."""
    token = _EXPLAIN.set(True)
    try:
        return f(*args)
    finally:
        _EXPLAIN.reset(token)


# Excel without dynamic arrays only: the classic ``@ret(expand="table")`` resize overwrites
# cells in the way and cannot take volatile arguments such as TODAY(), hence opt-in.
LEGACY_SPILL = os.environ.get("KPI_XL_LEGACY_SPILL", "").strip().lower() in ("1", "true",
                                                                              "yes")


def formula(*, ranges: Mapping[str, str] | None = None, spill: bool = False
            ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a cell formula to xlwings: ``func(category="KPI")``, every argument with
    ``err_to_str=True``, the ``ranges`` (name → help text) with ``ndim=2``, and for a table
    result (``spill``) the legacy resize when ``KPI_XL_LEGACY_SPILL=1``. Without Excel the
    decorators are no-ops: the function itself is returned."""
    docs = dict(ranges or {})

    def decorate(f: Callable[..., Any]) -> Callable[..., Any]:
        g = ret(expand="table")(f) if spill and LEGACY_SPILL else f
        for p in inspect.signature(f).parameters.values():
            name = f"*{p.name}" if p.kind is inspect.Parameter.VAR_POSITIONAL else p.name
            options: dict[str, Any] = {"err_to_str": True}
            if p.name in docs:
                options.update(ndim=2, doc=docs[p.name])
            g = arg(name, **options)(g)
        return func(category=CATEGORY)(g)
    return decorate
