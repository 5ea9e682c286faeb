"""The command line's arguments, their help in the user's language, and forgiving errors.

:func:`ui_locale` picks the language from the environment (``KPI_XL_LANG``, then ``LC_ALL``,
``LC_MESSAGES``, ``LANG``, then the system locale — what Windows sets). :func:`build_parser`
builds the argparse parser with every help line from :mod:`kpi_xl.i18n` (``cli.help.*``).
Usage errors name what was wrong in that language and suggest the closest command or option
(``refrsh`` → ``refresh``, ``--perod`` → ``--period``); they end the parse with exit code 2.
"""

from __future__ import annotations

import argparse
import difflib
import locale as _locale
import os
import re
import sys
from collections.abc import Mapping, Sequence
from typing import NoReturn, TextIO

from . import __version__
from .cli_progress import display_width
from .errors import EXIT_USAGE
from .i18n import normalize_locale, text
from .imports.command import add_arguments as add_import_arguments
from .metrics.common import DIMENSIONS

__all__ = ["COMMANDS", "Parser", "build_parser", "suggest", "ui_locale", "wrap"]

COMMANDS: tuple[str, ...] = ("metrics", "template", "refresh", "demo", "import")


def ui_locale(environ: Mapping[str, str] | None = None) -> str:
    """``'ja'`` when the environment's language is Japanese, else ``'en'``.

    ``KPI_XL_LANG`` wins; then the first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set
    (POSIX order); with none set (Windows), the system locale (``Japanese_Japan`` → ja).
    """
    env = os.environ if environ is None else environ
    for var in ("KPI_XL_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = (env.get(var) or "").strip()
        if value:
            return normalize_locale(value)
    if environ is None:
        try:
            return normalize_locale(_locale.getlocale()[0])
        except ValueError:
            return "en"
    return "en"


def suggest(word: str, choices: Sequence[str]) -> str | None:
    """The choice closest to a mistyped ``word``, or None when nothing is close."""
    hits = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not hits and word.startswith("--"):
        hits = difflib.get_close_matches(word.split("=", 1)[0], list(choices), n=1, cutoff=0.6)
    return hits[0] if hits else None


_NO_LINE_START = set("、。,.)」』】〕〉》ー・:;!?%ぁぃぅぇぉっゃゅょァィゥェォッャュョ")
_NO_LINE_END = set("(「『【〔〈《")
_TOKENS = re.compile(r"\s+|[^\s]")


def wrap(line: str, width: int) -> list[str]:
    """Wrap ``line`` to ``width`` terminal columns: Latin text at spaces, Japanese between any
    two characters, but no line starts with closing punctuation (、。) …) or ends with an
    opening bracket — the character before moves down instead."""
    words: list[str] = []  # runs of narrow characters, single wide characters, single spaces
    for tok in _TOKENS.findall(line.strip()):
        if tok.isspace():
            if words and words[-1] != " ":
                words.append(" ")
        elif display_width(tok) == 2 or not words or words[-1] == " " or \
                display_width(words[-1][-1]) == 2:
            words.append(tok)
        else:
            words[-1] += tok
    lines: list[list[str]] = [[]]
    for w in words:
        cur = lines[-1]
        if w != " " and cur and display_width("".join(cur).rstrip() + w) > width:
            seq = [*cur, w]
            for k in range(len(cur), 0, -1):
                head, tail = "".join(seq[:k]).strip(), "".join(seq[k:]).strip()
                if head and tail and tail[0] not in _NO_LINE_START and \
                        head[-1] not in _NO_LINE_END:
                    lines[-1] = seq[:k]
                    lines.append([t for t in seq[k:-1]])
                    break
        lines[-1].append(w)
    return ["".join(t).strip() for t in lines if "".join(t).strip()] or [""]


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Help in the user's language: localized ``usage:`` prefix, lines wrapped by terminal
    columns (a Japanese character takes two), the epilog's own line breaks kept."""

    locale = "en"

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32)

    def _split_lines(self, text_: str, width: int) -> list[str]:
        return wrap(" ".join(text_.split()), width)

    def _fill_text(self, text_: str, width: int, indent: str) -> str:
        out = []
        for line in text_.splitlines():
            if display_width(line) <= width:
                out.append(indent + line if line else "")
                continue
            body = line.rstrip()
            lead = " " * (display_width(body) - display_width(body.lstrip()))
            # a two-column line ("  3  input problems: …", "  kpi-xl demo out.xlsx  a
            # finished demo workbook"): the second column starts after the first run of two
            # spaces and its wrapped lines keep that column
            m = re.match(r"(\s*\S.*?\s{2,})(\S.*)", body)
            if m and width - display_width(m[1]) >= 20:
                prefix, rest = m[1], m[2]
                hang = " " * display_width(prefix)
            elif m:  # too narrow for two columns: the second goes below the first
                out.append(indent + m[1].rstrip())
                prefix = hang = lead + "    "
                rest = m[2]
            else:
                prefix = hang = lead
                rest = body.lstrip()
            parts = wrap(rest, width - display_width(hang))
            out += [indent + (prefix if i == 0 else hang) + part for i, part in enumerate(parts)]
        return "\n".join(out)

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        if prefix is None:
            prefix = text("cli.help.usage", self.locale)
        super().add_usage(usage, actions, groups, prefix)


class _Version(argparse.Action):
    def __init__(self, option_strings, dest=argparse.SUPPRESS, help=None):  # type: ignore
        super().__init__(option_strings, dest=dest, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):  # type: ignore
        parser.print_message(f"kpi-xl {__version__}\n", out=True)
        parser.exit(0)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser writing to given streams, in ``locale``, with suggestions on errors."""

    def __init__(self, *args, locale: str = "en", out: TextIO | None = None,  # type: ignore
                 err: TextIO | None = None, **kwargs) -> None:
        formatter = type("Formatter", (_Formatter,), {"locale": locale})
        kwargs.setdefault("formatter_class", formatter)
        kwargs.setdefault("add_help", False)
        # no silent abbreviations: `--per` is a typo answered with "did you mean '--period'?",
        # and a script written today keeps working when a new option shares its prefix
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)
        self.locale = locale
        self.out = out
        self.err = err
        self.argv: list[str] = []
        self.commands: dict[str, Parser] = {}
        self.args_group = self.add_argument_group(text("cli.help.arguments", locale))
        self.opts_group = self.add_argument_group(text("cli.help.options", locale))
        self.opts_group.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                                     help=text("cli.help.help", locale))

    # ---------------------------------------------------------------- output
    def print_message(self, message: str, *, out: bool = False) -> None:
        stream = (self.out or sys.stdout) if out else (self.err or sys.stderr)
        stream.write(message)

    def print_help(self, file: TextIO | None = None) -> None:
        (file or self.out or sys.stdout).write(self.format_help())

    def print_usage(self, file: TextIO | None = None) -> None:
        (file or self.out or sys.stdout).write(self.format_usage())

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            self.print_message(message)
        raise SystemExit(status)

    # ---------------------------------------------------------------- errors
    def error(self, message: str) -> NoReturn:
        """Say what was wrong in the user's language, with a suggestion, and exit 2."""
        lines = self._diagnose(message)
        prog = self.prog
        command = self._command()
        if command is not None and self is not command:
            prog = command.prog  # "unrecognized arguments" is raised by the main parser
        out = [text("cli.usage.error", self.locale, prog=prog, message=lines[0]), *lines[1:]]
        out.append(text("cli.usage.see_help", self.locale, prog=prog))
        self.print_message("\n".join(out) + "\n")
        raise SystemExit(EXIT_USAGE)

    def _command(self) -> Parser | None:
        for token in self.argv:
            if token in self.commands:
                return self.commands[token]
        return None

    def _diagnose(self, message: str) -> list[str]:
        L = self.locale
        if self.commands:  # the main parser
            first = next((t for t in self.argv if not t.startswith("-")), None)
            if first is not None and first not in self.commands:
                return self._unknown(text("cli.usage.unknown_command", L, name=first), first,
                                     list(self.commands),
                                     text("cli.usage.choose_from", L,
                                          choices=", ".join(COMMANDS)))
            before = self.argv[:self.argv.index(first)] if first else self.argv
            for token in before:
                if token.startswith("-") and token not in self.option_names():
                    return self._unknown(text("cli.usage.unknown_option", L, name=token),
                                         token, self.option_names())
            if first is None:
                return [text("cli.usage.no_command", L, commands=", ".join(COMMANDS))]
        if m := re.search(r"unrecognized arguments: (.*)", message):
            parser = self._command() or self
            options = parser.option_names()
            for token in m[1].split():
                if token.startswith("-") and not re.fullmatch(r"-\d.*", token):
                    return self._unknown(text("cli.usage.unknown_option", L, name=token),
                                         token, options)
            return [text("cli.usage.unexpected", L, name=m[1].split()[0])]
        if m := re.search(r"argument (\S+): invalid choice: '([^']*)'", message):
            option, value = m[1].split("/")[-1], m[2]
            choices = self.choices_of(option)
            return self._unknown(text("cli.usage.invalid_choice", L, option=option, value=value),
                                 value, choices,
                                 text("cli.usage.choose_from", L, choices=", ".join(choices)))
        if m := re.search(r"argument (\S+): ignored explicit argument '([^']*)'", message):
            return [text("cli.usage.takes_no_value", L, option=m[1].split("/")[-1],
                         value=m[2])]
        if m := re.search(r"argument (\S+): expected one argument", message):
            return [text("cli.usage.needs_value", L, option=m[1].split("/")[-1])]
        if m := re.search(r"the following arguments are required: (.*)", message):
            return [text("cli.usage.required", L, names=m[1])]
        return [message]

    def _unknown(self, what: str, word: str, choices: list[str],
                 extra: str | None = None) -> list[str]:
        hit = suggest(word, choices)
        lines = [text("cli.usage.did_you_mean", self.locale, what=what, name=hit)
                 if hit else what]
        if extra and not hit:
            lines.append(extra)
        return lines

    def arguments(self) -> list[argparse.Action]:
        """Every argument and option of this parser, in the order they were added."""
        return list(self._actions)

    def option_names(self) -> list[str]:
        """Every long and short option string of this parser."""
        return [s for a in self.arguments() for s in a.option_strings]

    def choices_of(self, option: str) -> list[str]:
        for a in self.arguments():
            if option in a.option_strings or option == a.dest or option == a.metavar:
                return [str(c) for c in (a.choices or [])]
        return list(self.commands)

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        self.argv = list(sys.argv[1:] if args is None else args)
        for command in self.commands.values():
            command.argv = self.argv
        return super().parse_args(self.argv, namespace)


def _help(key: str, locale: str) -> str:
    return text(key, locale).replace("%", "%%")  # argparse %-formats help lines


def build_parser(locale: str = "en", *, out: TextIO | None = None,
                 err: TextIO | None = None) -> Parser:
    """The ``kpi-xl`` parser with help in ``locale``, writing help to ``out`` and errors to
    ``err`` (default: the process's standard streams)."""
    L = locale

    def h(key: str) -> str:
        return _help(key, L)

    p = Parser(prog="kpi-xl", description=text("cli.help.description", L),
               epilog=text("cli.help.epilog", L), locale=L, out=out, err=err)
    p.opts_group.add_argument("--version", action=_Version, help=h("cli.help.version"))
    sub = p.add_subparsers(dest="command", title=text("cli.help.commands", L),
                           metavar="COMMAND", parser_class=Parser, required=True)

    def command(name: str, **kwargs: object) -> Parser:
        c = sub.add_parser(name, help=h(f"cli.help.cmd.{name}"),
                           description=kwargs.pop("description", text(f"cli.help.cmd.{name}", L)),
                           locale=L, out=out, err=err, **kwargs)
        p.commands[name] = c
        return c

    def common(c: Parser, *, problems: bool = False) -> None:
        if problems:
            c.opts_group.add_argument("--problems", metavar="FILE", help=h("cli.help.problems"))
        c.opts_group.add_argument("-q", "--quiet", action="store_true", help=h("cli.help.quiet"))
        c.opts_group.add_argument("--debug", action="store_true", help=h("cli.help.debug"))

    m = command("metrics")
    m.args_group.add_argument("source", nargs="?", metavar="SOURCE", help=h("cli.help.source"))
    m.opts_group.add_argument("--demo", action="store_true", help=h("cli.help.demo"))
    m.opts_group.add_argument("--by", choices=DIMENSIONS, default="rep", metavar="BY",
                              help=h("cli.help.by"))
    m.opts_group.add_argument("--period", metavar="PERIOD", help=h("cli.help.period"))
    m.opts_group.add_argument("--as-of", metavar="DATE", help=h("cli.help.as_of"))
    m.opts_group.add_argument("--json", action="store_true", help=h("cli.help.json"))
    common(m, problems=True)

    t = command("template")
    t.args_group.add_argument("out", metavar="OUT", help=h("cli.help.template.out"))
    t.opts_group.add_argument("--locale", choices=("ja", "en"), default="ja",
                              help=h("cli.help.template.locale"))
    t.opts_group.add_argument("--macro", action="store_true", help=h("cli.help.template.macro"))
    common(t)

    r = command("refresh")
    r.args_group.add_argument("book", metavar="BOOK", help=h("cli.help.refresh.book"))
    r.opts_group.add_argument("-o", "--out", metavar="OUT", help=h("cli.help.refresh.out"))
    r.opts_group.add_argument("--period", metavar="PERIOD", help=h("cli.help.period"))
    r.opts_group.add_argument("--as-of", metavar="DATE", help=h("cli.help.as_of"))
    r.opts_group.add_argument("--locale", choices=("ja", "en"),
                              help=h("cli.help.refresh.locale"))
    common(r, problems=True)

    d = command("demo")
    d.args_group.add_argument("out", nargs="?", default="kpi_demo.xlsx", metavar="OUT",
                              help=h("cli.help.demo.out"))
    d.opts_group.add_argument("--locale", choices=("ja", "en"), default="ja",
                              help=h("cli.help.demo.locale"))
    common(d)

    i = command("import", description=text("cli.help.import.description", L))
    add_import_arguments(i, L)
    common(i)
    return p
