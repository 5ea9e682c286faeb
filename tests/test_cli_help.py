"""Help everyone can read: every option explained with an example, in the user's language."""

import io
import re
from pathlib import Path

import pytest

from kpi_xl.cli import main
from kpi_xl.cli_parser import COMMANDS, build_parser, ui_locale, wrap
from kpi_xl.cli_progress import display_width
from kpi_xl.i18n import text

ROOT = Path(__file__).resolve().parents[1]


def _help(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main([*argv, "--help"], out=out, err=err)
    assert code == 0 and err.getvalue() == ""
    return out.getvalue()


@pytest.fixture
def ja(monkeypatch):
    monkeypatch.setenv("KPI_XL_LANG", "ja")


@pytest.fixture
def en(monkeypatch):
    monkeypatch.setenv("KPI_XL_LANG", "en")


@pytest.mark.parametrize(("environ", "expected"), [
    ({"LANG": "ja_JP.UTF-8"}, "ja"),
    ({"LC_ALL": "ja_JP.eucJP", "LANG": "en_US.UTF-8"}, "ja"),
    ({"LC_ALL": "en_US.UTF-8", "LANG": "ja_JP.UTF-8"}, "en"),  # LC_ALL wins over LANG
    ({"LC_MESSAGES": "ja_JP", "LANG": "C"}, "ja"),
    ({"KPI_XL_LANG": "ja", "LANG": "en_US.UTF-8"}, "ja"),
    ({"KPI_XL_LANG": "en", "LC_ALL": "ja_JP.UTF-8"}, "en"),  # the explicit choice wins
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),
    ({}, "en"),
    ({"LANG": "", "LC_ALL": ""}, "en"),
])
def test_the_language_follows_the_environment(environ, expected):
    assert ui_locale(environ) == expected


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_every_argument_and_option_has_a_help_line_with_an_example(locale):
    parser = build_parser(locale)
    example = "e.g." if locale == "en" else "例"
    missing = []
    for name, command in parser.commands.items():
        for action in command.arguments():
            if action.dest == "help":
                continue
            if not action.help or example not in action.help.lower():
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
    assert missing == []
    assert set(parser.commands) == set(COMMANDS)


@pytest.mark.parametrize(("command", "forms"), [
    ("refresh", ["2026-10", "2026年10月", "2026年10月度", "FY2026", "FY26", "2026年度",
                 "令和8年度", "FY2026H1", "H1", "H2", "上期", "下期", "FY2026Q3", "2026",
                 "2026-04..2026-09", "all"]),
    ("metrics", ["2026-10", "FY26", "令和8年度", "上期", "2026-04..2026-09", "all"]),
])
@pytest.mark.parametrize("locale", ["en", "ja"])
def test_period_help_lists_every_accepted_form(command, forms, locale, monkeypatch):
    monkeypatch.setenv("KPI_XL_LANG", locale)
    assert "--period PERIOD" in _help(command)
    action = next(a for a in build_parser(locale).commands[command].arguments()
                  if "--period" in a.option_strings)
    for form in forms:
        assert re.search(rf"(^|[\s、:(]){re.escape(form)}([\s、;,./)(]|$)", action.help), form


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_as_of_help_names_its_date_formats_and_range(locale, monkeypatch):
    monkeypatch.setenv("KPI_XL_LANG", locale)
    flat = " ".join(_help("refresh").split())
    for fmt in ("2026-11-20", "2026/11/20", "2026年11月20日", "20261120", "1900", "2200"):
        assert fmt in flat


def test_dates_named_in_the_as_of_help_are_accepted(tmp_path):
    from kpi_xl.cli_commands import parse_as_of

    for example in ("2026-11-20", "2026/11/20", "2026年11月20日", "20261120"):
        assert str(parse_as_of(example, "en")) == "2026-11-20"


def test_locale_help_says_what_it_changes(en):
    flat = " ".join(_help("refresh").split())
    assert "generated sheets' names, titles and labels" in flat
    assert "input sheets are not changed" in flat and "KPI_XL_LANG" in flat
    flat = " ".join(_help("template").split())
    assert "sheet names, column headers, instructions" in flat


def test_english_help_lists_the_exit_codes(en):
    out = _help()
    for code, words in (("0", "success"), ("2", "usage"), ("3", "input problems"),
                        ("4", "cannot be read or written"), ("5", "internal error"),
                        ("130", "interrupted")):
        assert re.search(rf"^  {code}  .*{words}", out, re.M), code
    for command in COMMANDS:
        assert re.search(rf"^    {command}\s", out, re.M)


def test_japanese_help_when_lang_is_japanese(monkeypatch):
    monkeypatch.delenv("KPI_XL_LANG", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    out = _help()
    assert out.startswith("使い方: kpi-xl")
    assert "終了コード:" in out and "  3  入力データの問題" in out
    assert "コマンド:" in out and "オプション:" in out
    assert "usage:" not in out and "show this help" not in out
    sub = _help("refresh")
    assert "引数:" in sub and "入力済みのテンプレート" in sub and "集計する期間" in sub


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("locale", ["en", "ja"])
def test_help_lines_fit_the_terminal(command, locale, monkeypatch):
    monkeypatch.setenv("KPI_XL_LANG", locale)
    monkeypatch.setenv("COLUMNS", "80")
    over = [ln for ln in _help(command).splitlines() if display_width(ln) > 80]
    assert over == []


@pytest.mark.parametrize(("locale", "columns"), [("ja", "80"), ("en", "60")])
def test_wrapped_example_descriptions_stay_in_their_column(locale, columns, monkeypatch):
    """The epilog's examples are two columns: a wrapped description continues under the
    description (or, on a narrow terminal, every description goes under its command),
    never at the left margin among the commands."""
    monkeypatch.setenv("KPI_XL_LANG", locale)
    monkeypatch.setenv("COLUMNS", columns)
    lines = _help().splitlines()
    start = lines.index(text("cli.help.epilog", locale).splitlines()[0])
    examples = lines[start + 1:lines.index("", start)]
    assert len(examples) >= 5
    for ln in examples:
        assert ln.startswith("  kpi-xl ") or ln.startswith("    "), examples
    assert all(display_width(ln) <= int(columns) for ln in lines)


@pytest.mark.parametrize(("line", "width", "expected"), [
    ("one two three", 7, ["one two", "three"]),
    ("kpi-xl demo", 6, ["kpi-xl", "demo"]),  # never split at a hyphen
    ("担当者別シート", 6, ["担当者", "別シー", "ト"]),
    ("読み込み、検証", 8, ["読み込", "み、検証"]),  # 、 never starts a line: み moves down
    ("期間(例: x)", 5, ["期間", "(例:", "x)"]),  # ( never ends a line
    ("", 10, [""]),
])
def test_wrap_breaks_latin_at_spaces_and_japanese_between_characters(line, width, expected):
    assert wrap(line, width) == expected


def test_version_goes_to_the_given_stream():
    out = io.StringIO()
    assert main(["--version"], out=out, err=io.StringIO()) == 0
    assert re.fullmatch(r"kpi-xl \d+\.\d+\.\d+\n", out.getvalue())


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_readme_shows_the_help_in_both_languages(locale):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text("cli.help.cmd.refresh", locale) in " ".join(readme.split())
    for code in "02345":
        assert re.search(rf"^\|\s*{code}\s*\|", readme, re.M)
