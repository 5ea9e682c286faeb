"""Validation: from tables as the user wrote them to a typed :class:`~kpi_xl.dataset.Dataset`.

Every problem is collected before anything is raised (pandera's lazy validation), so the user
fixes the whole book in one go. Each :class:`~kpi_xl.errors.Problem` names where it is (sheet
or file), the row the user sees, the column as the user labelled it, the value as typed
(invisible characters named), the problem and a hint — in the book's language.

Modules: :mod:`.api` (``validate``, ``load``, the book's language), :mod:`.columns` (headers,
blank rows, typed values), :mod:`.settings_sheet`, :mod:`.aliases` (the 表記ゆれ table),
:mod:`.names` (reps, teams, customers by ID or name …), :mod:`.choices` (status, stage,
activity type, metric), :mod:`.rules` (duplicates and checks across columns), :mod:`.hints`.
"""

from .api import book_locale, load, validate
from .hints import did_you_mean
from .settings_sheet import activity_key

__all__ = ["activity_key", "book_locale", "did_you_mean", "load", "validate"]
