"""Every text exists in both languages, with the same format parameters."""

import string

from kpi_xl.i18n import catalog, normalize_locale, text


def _params(entry: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(entry) if name}


def test_both_languages_define_the_same_keys():
    assert set(catalog("en")) == set(catalog("ja"))


def test_both_languages_take_the_same_parameters():
    en, ja = catalog("en"), catalog("ja")
    wrong = {k for k in en if _params(en[k]) != _params(ja[k])}
    assert not wrong


def test_text_formats_the_entry_in_the_requested_language():
    assert text("scorecard", "ja", p="2026-10") == "KPIスコアカード（2026-10）"
    assert text("scorecard", "en", p="2026-10") == "Scorecard (2026-10)"


def test_locales_are_normalised_from_environment_spellings():
    assert normalize_locale("ja_JP.UTF-8") == "ja"
    assert normalize_locale("日本語") == "ja"
    assert normalize_locale("en_US") == "en"
    assert normalize_locale(None) == "en"
