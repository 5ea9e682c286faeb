"""Japanese era years (和暦) from Meiji on: 令和8年 = 2026, R8 = 2026, 平成元年 = 1989.

An era year is valid only inside the era: 平成31年4月30日 is the last day of Heisei,
平成31年5月1日 does not exist (that day is 令和元年5月1日), 昭和64年1月7日 is the last day of
Showa, 昭和64年1月8日 is 平成元年1月8日. A date outside its era is reported with the date it
would be and that date's correct era spelling, never moved silently.

Written by hand rather than with japanera (judged): japanera reads ``S64.1.8`` as the year 64
of the common era (its era head ``S`` also names 西暦 "Seireki"), needs one strptime format per
written form, and gives no reason when a date falls outside its era, so it could not suggest
``令和元年5月1日`` for ``平成31年5月1日``. The five era start dates below are all it would
have contributed.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["ERAS", "era_of", "era_year", "wareki"]

#: (kanji, one-letter head, first day); each era ends the day before the next one starts.
ERAS: tuple[tuple[str, str, dt.date], ...] = (
    ("明治", "M", dt.date(1868, 1, 25)),  # solar calendar dates; years before 1900 are refused
    ("大正", "T", dt.date(1912, 7, 30)),
    ("昭和", "S", dt.date(1926, 12, 25)),
    ("平成", "H", dt.date(1989, 1, 8)),
    ("令和", "R", dt.date(2019, 5, 1)),
)
_BY_NAME = {k: i for i, (k, _, _) in enumerate(ERAS)} | {
    h: i for i, (_, h, _) in enumerate(ERAS)} | {h.lower(): i for i, (_, h, _) in enumerate(ERAS)}


def era_of(name: str) -> int | None:
    """Index into :data:`ERAS` of an era written as 令和 / R / r, else None."""
    return _BY_NAME.get(name)


def era_year(era: int, year: int) -> int:
    """Western year of year ``year`` (1 = 元年) of era ``era``."""
    return ERAS[era][2].year + year - 1


def in_era(era: int, day: dt.date) -> bool:
    """Whether ``day`` lies inside era ``era``."""
    start = ERAS[era][2]
    end = ERAS[era + 1][2] if era + 1 < len(ERAS) else dt.date.max
    return start <= day < end


def wareki(day: dt.date) -> str:
    """``day`` in era notation: 令和元年5月1日, 平成31年4月30日."""
    for kanji, _, start in reversed(ERAS):
        if day >= start:
            n = day.year - start.year + 1
            year = "元" if n == 1 else str(n)
            return f"{kanji}{year}年{day.month}月{day.day}日"
    return day.isoformat()
