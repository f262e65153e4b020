"""The expression language of indicator and survey definitions (XLSForm-like), parsed once, evaluated vectorised.

Expressions appear in the YAML framework, e.g.::

    numerator: "decision = 'granted' and days_to_decision <= param('status_decision_days')"
    constraint: ". >= 0 and . <= 100"

They are parsed by a hand-written tokenizer and recursive-descent parser into a tree of frozen
dataclasses (:class:`Node`); nothing is ever handed to Python's eval/exec/compile, so a definition
file cannot run code. The tree is evaluated column-at-a-time over a pandas DataFrame with numpy,
never row by row, so a million answers take a fraction of a second.

Grammar
-------
* Literals: numbers ``3``, ``2.5``; strings in single or double quotes (``'granted'``, ``"так"``; the
  Ukrainian apostrophe ``’`` is an ordinary character; a quote is escaped by doubling it, ``'it''s'``);
  ``true`` / ``false`` (also ``true()`` / ``false()``).
* Names: ``[A-Za-z_][A-Za-z0-9_]*`` or ``${name}`` (same meaning; needed for names with ``-`` or ``.``,
  or names equal to a keyword, because bare ``a-b`` is subtraction). ``.`` is the current answer
  (:attr:`Context.current`). Names starting with ``_`` are engine fields like any other name.
* Precedence, loosest first: ``or`` < ``and`` < ``not`` < comparison (``= == != < <= > >=``,
  ``in (...)``, ``not in (...)``) < ``+ -`` < ``* / div mod`` < unary ``-``. ``not a = b`` is
  ``not (a = b)``. Comparisons do not chain (``a < b < c`` is an error). ``==`` is accepted as ``=``.
  ``in`` lists hold literals only.
* Functions: ``selected(q, 'x')``, ``count-selected(q)``, ``param('name')``, ``days(d1, d2)``,
  ``working-days(d1, d2)``, ``request-status(...)``, ``step-status(...)``, ``if(c, a, b)``, ``coalesce(a, b, ...)``, ``is-empty(x)``,
  ``not-empty(x)``, ``min(a, b, ...)``, ``max(a, b, ...)``, ``round(x)`` / ``round(x, n)``,
  ``not(x)``. A name directly followed by ``(`` is a function call; unknown ones are syntax errors.
  ``not`` directly followed by ``(`` is the XPath function, so ``not(a) = b`` is ``(not a) = b``.

Evaluation semantics
--------------------
* Missing values (NaN, None, pd.NA, NaT, empty or blank strings) propagate: arithmetic with a missing
  value is missing; a comparison with a missing value is missing; ``and`` / ``or`` / ``not`` use
  Kleene three-valued logic (``false and missing`` is false, ``true or missing`` is true). Boolean
  results are pandas nullable ``boolean`` Series; use :func:`truthy` to read missing as false.
* Comparisons pick one domain for both sides: dates if either side is a datetime column (the other
  side, e.g. ``'2024-01-31'``, is parsed as ISO); else numbers if either side is numeric (a text column
  such as a 1..5 scale stored as ``'1'``..``'5'`` is coerced with ``pd.to_numeric``; unparseable
  text becomes missing); else booleans; else text. Text ``=`` is exact string equality; text ordering
  is lexicographic, except that ordering against a numeric-looking string (``rating >= '4'``) compares
  numbers.
* ``q = ''`` and ``q != ''`` (XLSForm idiom) mean ``is-empty(q)`` / ``not-empty(q)``.
* A value used as a condition: booleans as they are; numbers are true when non-zero; text
  ``true/yes/1`` and ``false/no/0`` (any case, or any number) map accordingly, other text is missing.
* ``selected(q, 'x')`` tests whether ``x`` is one of the space-separated codes in ``q`` (works for
  select_one too); ``count-selected(q)`` counts the codes. For both, a missing answer gives missing
  but an empty string is "answered, nothing selected" (false / 0). ``q = 'x'`` on a select_multiple
  column is exact string equality of the whole answer (``'medical legal' = 'medical'`` is false).
* ``days(d1, d2)`` is ``d2 - d1`` in calendar days (times of day ignored); ``working-days(d1, d2)``
  counts Monday-Friday days in ``[d1, d2)`` minus :attr:`Context.holidays` (``numpy.busday_count``;
  negative when d2 < d1); with :attr:`Context.calendar` (the engine's Ukrainian calendar,
  monitor.deadlines) it counts that calendar's working days in ``(d1, d2]`` instead (a term runs from the
  day after d1; working Saturdays count). Both take datetime columns or ISO text (time-zone offsets are dropped, the
  wall-clock date is kept) and give floats with NaN where a date is missing or unparseable.
* ``request-status(received, answered, as_of, urgent, notice, days, extended_days, urgent_hours)`` and
  ``step-status(start, end, as_of, days)`` judge one legal term per row with monitor.deadlines: text
  ``'on_time'``, ``'late'`` or ``'pending'`` (not ended and ``as_of`` not past the deadline), missing when
  the start (or the deadline) is unknown. request-status counts working days (Law No. 2939-VI art. 20),
  step-status calendar days (Procedure 417).
* ``subsistence-minimum(category, date)`` is the subsistence minimum in UAH for a category code
  (child_under_6, child_6_17, able_bodied, lost_capacity) on a date, from :attr:`Context.subsistence`
  (monitor.subsistence); missing where the table has no row for them.
* ``/`` and ``div`` are the same floating division (XPath ``div``, not integer division); division by
  zero gives missing. ``mod`` is the truncated remainder (sign of the dividend, ``numpy.fmod``).
* ``if(c, a, b)`` takes ``b`` where ``c`` is false *or missing* (as in XLSForm). ``coalesce`` takes the
  first non-missing argument. ``min`` / ``max`` are numeric and propagate missing. ``round`` rounds
  half away from zero; its digit count must be a whole-number literal.
* Arithmetic on dates, or comparing a date with a number, raises ``TypeError`` (use ``days()``). A column missing from the frame raises
  ``KeyError(name)``; ``param('x')`` absent from :attr:`Context.params` raises ``KeyError('x')``;
  ``.`` without :attr:`Context.current` raises ``ValueError``.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from monitor import deadlines

__all__ = [
    "Arith",
    "Boolean",
    "Call",
    "Compare",
    "Context",
    "Current",
    "ExprSyntaxError",
    "FUNCTIONS",
    "In",
    "Logic",
    "Name",
    "Neg",
    "Node",
    "Not",
    "Number",
    "String",
    "choice_comparisons",
    "evaluate",
    "names",
    "params",
    "parse",
    "selected_questions",
    "to_text",
    "truthy",
    "uses_current",
    "walk",
]


# --------------------------------------------------------------------------------------------- errors


class ExprSyntaxError(Exception):
    """A problem in the text of an expression, located by a 1-based column, in English and Ukrainian."""

    def __init__(self, message: str, message_uk: str, column: int, text: str, kind: str = "syntax") -> None:
        super().__init__(message)
        self.message = message
        self.message_uk = message_uk
        self.column = column
        self.text = text
        # A stable short key (e.g. "unknown_function") so callers can map errors to catalogue codes.
        self.kind = kind

    def __str__(self) -> str:
        return self.message


# ---------------------------------------------------------------------------------------------- nodes


@dataclass(frozen=True)
class Node:
    """Base of the expression tree. ``col`` (1-based) is excluded from equality so re-parsed text compares equal."""

    col: int = field(default=0, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True)
class Number(Node):
    value: float


@dataclass(frozen=True)
class String(Node):
    value: str


@dataclass(frozen=True)
class Boolean(Node):
    value: bool


@dataclass(frozen=True)
class Name(Node):
    name: str


@dataclass(frozen=True)
class Current(Node):
    """``.``: the answer being constrained (:attr:`Context.current`)."""


@dataclass(frozen=True)
class Neg(Node):
    operand: Node


@dataclass(frozen=True)
class Not(Node):
    operand: Node


@dataclass(frozen=True)
class Arith(Node):
    op: str  # + - * / div mod
    left: Node
    right: Node


@dataclass(frozen=True)
class Compare(Node):
    op: str  # = != < <= > >=
    left: Node
    right: Node


@dataclass(frozen=True)
class In(Node):
    operand: Node
    options: tuple[Number | String | Boolean, ...]
    negated: bool = False


@dataclass(frozen=True)
class Logic(Node):
    op: str  # and / or
    left: Node
    right: Node


@dataclass(frozen=True)
class Call(Node):
    func: str
    args: tuple[Node, ...]


Literal = Number | String | Boolean

# name -> (minimum, maximum or None for "any number") of arguments
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "selected": (2, 2),
    "count-selected": (1, 1),
    "param": (1, 1),
    "days": (2, 2),
    "working-days": (2, 2),
    # Legal terms judged by monitor.deadlines (one home, shared with the request tracker): text verdicts
    # 'on_time' / 'late' / 'pending', missing where a term cannot be judged.
    "request-status": (8, 8),
    "step-status": (4, 4),
    # The subsistence minimum for a category on a date (monitor.subsistence, a sourced reference table).
    "subsistence-minimum": (2, 2),
    "if": (3, 3),
    "coalesce": (2, None),
    "is-empty": (1, 1),
    "not-empty": (1, 1),
    "min": (2, None),
    "max": (2, None),
    "round": (1, 2),
    "true": (0, 0),
    "false": (0, 0),
    "not": (1, 1),
}

KEYWORDS = frozenset({"and", "or", "not", "in", "div", "mod", "true", "false"})
_COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">="})

# ------------------------------------------------------------------------------------------ tokenizer

_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HYPHENATED_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z_][A-Za-z0-9_]*)+")
_NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
_BRACED_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_BARE_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_SMART_QUOTES = "‘’‚“”„«»"


@dataclass(frozen=True)
class _Token:
    kind: str  # num str name func kw op ( ) , . eof
    value: Any
    col: int
    raw: str

    def shown(self) -> tuple[str, str]:
        """How the token is named in messages (English, Ukrainian)."""
        if self.kind == "eof":
            return "end of expression", "кінець виразу"
        if self.kind == "str":
            return self.raw, self.raw
        return f"'{self.raw}'", f"'{self.raw}'"


def _error(text: str, column: int, kind: str, en: str, uk: str) -> ExprSyntaxError:
    return ExprSyntaxError(en, uk, column, text, kind)


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        col = i + 1
        nxt = text[i + 1] if i + 1 < n else ""
        if ch in "0123456789" or (ch == "." and nxt != "" and nxt in "0123456789"):
            m = _NUMBER_RE.match(text, i)
            assert m is not None  # the first character is a digit or ".digit"
            tokens.append(_Token("num", float(m.group()), col, m.group()))
            i = m.end()
        elif ch in "'\"":
            i = _read_string(text, i, tokens)
        elif ch == "$":
            if nxt != "{":
                raise _error(
                    text,
                    col,
                    "bad_character",
                    f"unexpected character '$' at column {col}; write ${{name}}",
                    f"недопустимий символ '$' на позиції {col}; пишіть ${{назва}}",
                )
            end = text.find("}", i + 2)
            inner = text[i + 2 : end] if end != -1 else ""
            if end == -1 or not _BRACED_NAME_RE.fullmatch(inner.strip()):
                raise _error(
                    text,
                    col,
                    "bad_name",
                    f"'${{...}}' at column {col} must hold a question name",
                    f"'${{...}}' на позиції {col} має містити назву питання",
                )
            tokens.append(_Token("name", inner.strip(), col, text[i : end + 1]))
            i = end + 1
        elif ch.isascii() and (ch.isalpha() or ch == "_"):
            i = _read_word(text, i, tokens)
        elif text.startswith(("!=", "<=", ">=", "=="), i):
            op = text[i : i + 2]
            tokens.append(_Token("op", "=" if op == "==" else op, col, op))
            i += 2
        elif ch in "=<>+-*/":
            tokens.append(_Token("op", ch, col, ch))
            i += 1
        elif ch in "(),.":
            tokens.append(_Token(ch, ch, col, ch))
            i += 1
        elif ch in _SMART_QUOTES:
            raise _error(
                text,
                col,
                "bad_character",
                f"unexpected character '{ch}' at column {col}; quote text with straight ' or \"",
                f"недопустимий символ '{ch}' на позиції {col}; беріть текст у прямі лапки ' або \"",
            )
        else:
            raise _error(
                text,
                col,
                "bad_character",
                f"unexpected character '{ch}' at column {col}",
                f"недопустимий символ '{ch}' на позиції {col}",
            )
    tokens.append(_Token("eof", None, n + 1, ""))
    return tokens


def _read_string(text: str, i: int, tokens: list[_Token]) -> int:
    quote, col, n = text[i], i + 1, len(text)
    parts: list[str] = []
    j = i + 1
    while True:
        end = text.find(quote, j)
        if end == -1:
            raise _error(
                text,
                col,
                "unterminated_string",
                f"the text starting at column {col} has no closing {quote}",
                f"текст, що починається на позиції {col}, не закрито лапкою {quote}",
            )
        parts.append(text[j:end])
        if end + 1 < n and text[end + 1] == quote:  # a doubled quote stands for one quote character
            parts.append(quote)
            j = end + 2
            continue
        tokens.append(_Token("str", "".join(parts), col, text[i : end + 1]))
        return end + 1


def _next_non_space(text: str, i: int) -> str:
    while i < len(text) and text[i].isspace():
        i += 1
    return text[i] if i < len(text) else ""


def _read_word(text: str, i: int, tokens: list[_Token]) -> int:
    col = i + 1
    # Hyphenated function names (count-selected) are one token only when they are a known function
    # followed by "("; otherwise "a-b" stays subtraction, because question names may look alike.
    hyph = _HYPHENATED_RE.match(text, i)
    if hyph and _next_non_space(text, hyph.end()) == "(":
        word = hyph.group()
        if word in FUNCTIONS:
            tokens.append(_Token("func", word, col, word))
            return hyph.end()
        parts = word.split("-")
        # "x-count-selected(q)" is x minus a call; only a word with no known function at its end is an error.
        if not any("-".join(parts[k:]) in FUNCTIONS for k in range(1, len(parts))):
            raise _error(
                text,
                col,
                "unknown_function",
                f"unknown function '{word}' at column {col}",
                f"невідома функція '{word}' на позиції {col}",
            )
    m = _IDENT_RE.match(text, i)
    assert m is not None  # the first character is a letter or "_"
    word = m.group()
    if _next_non_space(text, m.end()) == "(" and word not in ("and", "or", "in", "div", "mod"):
        if word not in FUNCTIONS:
            raise _error(
                text,
                col,
                "unknown_function",
                f"unknown function '{word}' at column {col}",
                f"невідома функція '{word}' на позиції {col}",
            )
        tokens.append(_Token("func", word, col, word))
    elif word in KEYWORDS:
        tokens.append(_Token("kw", word, col, word))
    else:
        tokens.append(_Token("name", word, col, word))
    return m.end()


# --------------------------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.pos = 0

    @property
    def tok(self) -> _Token:
        return self.tokens[self.pos]

    def peek(self, ahead: int = 1) -> _Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def advance(self) -> _Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def is_kw(self, word: str, tok: _Token | None = None) -> bool:
        tok = tok or self.tok
        return tok.kind == "kw" and tok.value == word

    def unexpected(self, tok: _Token | None = None) -> ExprSyntaxError:
        tok = tok or self.tok
        if tok.kind == "eof":
            return _error(
                self.text,
                tok.col,
                "unexpected_end",
                f"unexpected end of expression at column {tok.col}",
                f"вираз обривається на позиції {tok.col}",
            )
        en, uk = tok.shown()
        return _error(
            self.text,
            tok.col,
            "unexpected",
            f"unexpected {en} at column {tok.col}",
            f"не очікувалося {uk} на позиції {tok.col}",
        )

    def expect_close(self, opener: _Token) -> None:
        if self.tok.kind == ")":
            self.advance()
            return
        if self.tok.kind == "eof":
            raise _error(
                self.text,
                opener.col,
                "unclosed_paren",
                f"'(' at column {opener.col} is never closed",
                f"дужку '(' на позиції {opener.col} не закрито",
            )
        raise self.unexpected()

    # grammar, loosest first ----------------------------------------------------------------------

    def parse(self) -> Node:
        if self.tok.kind == "eof":
            raise _error(self.text, 1, "empty", "empty expression at column 1", "порожній вираз (позиція 1)")
        node = self.parse_or()
        if self.tok.kind != "eof":
            raise self.unexpected()
        return node

    def parse_or(self) -> Node:
        node = self.parse_and()
        while self.is_kw("or"):
            col = self.advance().col
            node = Logic("or", node, self.parse_and(), col=col)
        return node

    def parse_and(self) -> Node:
        node = self.parse_not()
        while self.is_kw("and"):
            col = self.advance().col
            node = Logic("and", node, self.parse_not(), col=col)
        return node

    def parse_not(self) -> Node:
        if self.is_kw("not"):
            col = self.advance().col
            return Not(self.parse_not(), col=col)
        return self.parse_comparison()

    def parse_comparison(self) -> Node:
        node = self.parse_additive()
        if self.tok.kind == "op" and self.tok.value in _COMPARISONS:
            tok = self.advance()
            node = Compare(tok.value, node, self.parse_additive(), col=tok.col)
        elif self.is_kw("in") or (self.is_kw("not") and self.is_kw("in", self.peek())):
            col = self.tok.col
            negated = self.is_kw("not")
            self.pos += 2 if negated else 1
            node = In(node, self.parse_in_list(), negated, col=col)
        else:
            return node
        if (
            (self.tok.kind == "op" and self.tok.value in _COMPARISONS)
            or self.is_kw("in")
            or (self.is_kw("not") and self.is_kw("in", self.peek()))
        ):
            col = self.tok.col
            raise _error(
                self.text,
                col,
                "chained_comparison",
                f"comparisons cannot be chained (column {col}); join them with 'and'",
                f"порівняння не можна писати ланцюжком (позиція {col}); з'єднайте їх через 'and'",
            )
        return node

    def parse_in_list(self) -> tuple[Literal, ...]:
        if self.tok.kind != "(":
            col = self.tok.col
            raise _error(
                self.text,
                col,
                "in_needs_list",
                f"'in' must be followed by a list in parentheses, e.g. ('a', 'b') (column {col})",
                f"після 'in' потрібен список у дужках, напр. ('a', 'b') (позиція {col})",
            )
        opener = self.advance()
        if self.tok.kind == ")":
            raise _error(
                self.text,
                opener.col,
                "in_empty",
                f"the list after 'in' is empty (column {opener.col})",
                f"список після 'in' порожній (позиція {opener.col})",
            )
        items: list[Literal] = []
        while True:
            items.append(self.parse_list_literal())
            if self.tok.kind == ",":
                self.advance()
                continue
            self.expect_close(opener)
            return tuple(items)

    def parse_list_literal(self) -> Literal:
        tok = self.tok
        if tok.kind == "str":
            self.advance()
            return String(tok.value, col=tok.col)
        if tok.kind == "num":
            self.advance()
            return Number(tok.value, col=tok.col)
        if tok.kind == "op" and tok.value == "-" and self.peek().kind == "num":
            self.advance()
            return Number(-self.advance().value, col=tok.col)
        if tok.kind == "kw" and tok.value in ("true", "false"):
            self.advance()
            return Boolean(tok.value == "true", col=tok.col)
        if tok.kind == "eof":
            raise self.unexpected()
        raise _error(
            self.text,
            tok.col,
            "in_literal_only",
            f"only quoted values, numbers, true or false can be listed after 'in' (column {tok.col})",
            f"після 'in' можна перелічувати лише значення в лапках, числа, true або false (позиція {tok.col})",
        )

    def parse_additive(self) -> Node:
        node = self.parse_multiplicative()
        while self.tok.kind == "op" and self.tok.value in ("+", "-"):
            tok = self.advance()
            node = Arith(tok.value, node, self.parse_multiplicative(), col=tok.col)
        return node

    def parse_multiplicative(self) -> Node:
        node = self.parse_unary()
        while (
            (self.tok.kind == "op" and self.tok.value in ("*", "/")) or self.is_kw("div") or self.is_kw("mod")
        ):
            tok = self.advance()
            node = Arith(tok.value, node, self.parse_unary(), col=tok.col)
        return node

    def parse_unary(self) -> Node:
        if self.tok.kind == "op" and self.tok.value == "-":
            col = self.advance().col
            operand = self.parse_unary()
            if isinstance(
                operand, Number
            ):  # fold "-3" into a literal so lists, round() and to_text see a number
                return Number(-operand.value, col=col)
            return Neg(operand, col=col)
        return self.parse_primary()

    def parse_primary(self) -> Node:
        tok = self.tok
        if tok.kind == "num":
            self.advance()
            return Number(tok.value, col=tok.col)
        if tok.kind == "str":
            self.advance()
            return String(tok.value, col=tok.col)
        if tok.kind == "name":
            self.advance()
            return Name(tok.value, col=tok.col)
        if tok.kind == ".":
            self.advance()
            return Current(col=tok.col)
        if tok.kind == "kw" and tok.value in ("true", "false"):
            self.advance()
            return Boolean(tok.value == "true", col=tok.col)
        if tok.kind == "func":
            return self.parse_call()
        if tok.kind == "(":
            opener = self.advance()
            node = self.parse_or()
            self.expect_close(opener)
            return node
        raise self.unexpected()

    def parse_call(self) -> Node:
        func_tok = self.advance()
        func, col = func_tok.value, func_tok.col
        opener = self.advance()  # the tokenizer only makes a "func" token when "(" follows
        args: list[Node] = []
        if self.tok.kind != ")":
            while True:
                args.append(self.parse_or())
                if self.tok.kind == ",":
                    self.advance()
                    continue
                break
        self.expect_close(opener)
        self.check_arity(func, col, len(args))
        if func in ("true", "false"):
            return Boolean(func == "true", col=col)
        if func == "not":
            return Not(args[0], col=col)
        if func in ("selected", "count-selected") and not isinstance(args[0], Name | Current):
            raise _error(
                self.text,
                args[0].col,
                "needs_question",
                f"the first argument of {func}() must be a question name (column {args[0].col})",
                f"перший аргумент {func}() має бути назвою питання (позиція {args[0].col})",
            )
        if func == "selected" and not isinstance(args[1], String):
            raise _error(
                self.text,
                args[1].col,
                "needs_choice",
                f"the second argument of selected() must be a choice code in quotes (column {args[1].col})",
                f"другий аргумент selected() має бути кодом варіанта в лапках (позиція {args[1].col})",
            )
        if func == "param" and not isinstance(args[0], String):
            raise _error(
                self.text,
                args[0].col,
                "needs_param_name",
                f"param() needs the parameter name in quotes (column {args[0].col})",
                f"param() потребує назви параметра в лапках (позиція {args[0].col})",
            )
        if (
            func == "round"
            and len(args) == 2
            and not (isinstance(args[1], Number) and float(args[1].value).is_integer())
        ):
            raise _error(
                self.text,
                args[1].col,
                "needs_whole_number",
                f"the digits of round() must be a whole number (column {args[1].col})",
                f"кількість знаків у round() має бути цілим числом (позиція {args[1].col})",
            )
        return Call(func, tuple(args), col=col)

    def check_arity(self, func: str, col: int, got: int) -> None:
        low, high = FUNCTIONS[func]
        if low <= got and (high is None or got <= high):
            return
        if high is None:
            want_en, want_uk = f"{low} or more arguments", f"від {low}"
        elif low == high:
            want_en, want_uk = f"{low} argument{'s' if low != 1 else ''}", f"{low}"
        else:
            want_en, want_uk = f"{low} or {high} arguments", f"{low}–{high}"
        raise _error(
            self.text,
            col,
            "arity",
            f"{func}() at column {col} takes {want_en}, got {got}",
            f"функція {func}() на позиції {col} приймає аргументів: {want_uk}, отримано: {got}",
        )


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> Node:
    """Parse expression text into a tree; raise :class:`ExprSyntaxError` naming the column."""
    return _Parser(text).parse()


# -------------------------------------------------------------------------------------------- helpers


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents before children, left to right."""
    yield node
    for f in fields(node):
        value = getattr(node, f.name)
        if isinstance(value, Node):
            yield from walk(value)
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, Node):
                    yield from walk(item)


def names(node: Node) -> set[str]:
    """Question and field names referenced (not ``.``, not function names, not parameters)."""
    return {n.name for n in walk(node) if isinstance(n, Name)}


def params(node: Node) -> set[str]:
    """Parameter names used in ``param('...')``."""
    return {n.args[0].value for n in walk(node) if isinstance(n, Call) and n.func == "param"}  # type: ignore[attr-defined]


def uses_current(node: Node) -> bool:
    """Whether the expression refers to ``.`` (and so needs :attr:`Context.current`)."""
    return any(isinstance(n, Current) for n in walk(node))


def _question_of(node: Node, current: str | None) -> str | None:
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Current):
        return current
    return None


def choice_comparisons(node: Node, current: str | None = None) -> list[tuple[str, str, int]]:
    """(question, string literal, literal's column) wherever a question is compared with a string.

    Covers ``q = 'x'``, ``'x' = q``, ``q != 'x'``, ``q in ('x', 'y')`` (one tuple per string),
    ``selected(q, 'x')``. ``.`` is reported under ``current`` when given, otherwise skipped. The empty
    string (``q = ''``, an emptiness test) is never reported.
    """
    found: list[tuple[str, str, int]] = []
    for n in walk(node):
        if isinstance(n, Compare) and n.op in ("=", "!="):
            for side, other in ((n.left, n.right), (n.right, n.left)):
                q = _question_of(side, current)
                if q is not None and isinstance(other, String) and other.value != "":
                    found.append((q, other.value, other.col))
        elif isinstance(n, In):
            q = _question_of(n.operand, current)
            if q is not None:
                found.extend((q, o.value, o.col) for o in n.options if isinstance(o, String))
        elif isinstance(n, Call) and n.func == "selected":
            q = _question_of(n.args[0], current)
            if q is not None and isinstance(n.args[1], String):
                found.append((q, n.args[1].value, n.args[1].col))
    return found


def selected_questions(node: Node, current: str | None = None) -> set[str]:
    """Questions used as the first argument of ``selected()`` / ``count-selected()``."""
    out: set[str] = set()
    for n in walk(node):
        if isinstance(n, Call) and n.func in ("selected", "count-selected"):
            q = _question_of(n.args[0], current)
            if q is not None:
                out.add(q)
    return out


# ------------------------------------------------------------------------------------------- to_text

_PREC_OR, _PREC_AND, _PREC_NOT, _PREC_CMP, _PREC_ADD, _PREC_MUL, _PREC_NEG, _PREC_ATOM = range(1, 9)


def _prec(node: Node) -> int:
    if isinstance(node, Logic):
        return _PREC_OR if node.op == "or" else _PREC_AND
    if isinstance(node, Not):
        return _PREC_ATOM  # always rendered as the call not(x), which re-parses as an atom
    if isinstance(node, Compare | In):
        return _PREC_CMP
    if isinstance(node, Arith):
        return _PREC_ADD if node.op in ("+", "-") else _PREC_MUL
    if isinstance(node, Neg) or (isinstance(node, Number) and node.value < 0):
        return _PREC_NEG
    return _PREC_ATOM


def _wrap(node: Node, need: int) -> str:
    text = to_text(node)
    return f"({text})" if _prec(node) < need else text


def _number_text(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return np.format_float_positional(value, trim="-")


def _string_text(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def to_text(node: Node) -> str:
    """Canonical text: single spaces, minimal parentheses, single quotes. ``parse(to_text(t)) == t``."""
    if isinstance(node, Number):
        return _number_text(node.value)
    if isinstance(node, String):
        return _string_text(node.value)
    if isinstance(node, Boolean):
        return "true" if node.value else "false"
    if isinstance(node, Name):
        bare = _BARE_NAME_RE.match(node.name) and node.name not in KEYWORDS
        return node.name if bare else "${" + node.name + "}"
    if isinstance(node, Current):
        return "."
    if isinstance(node, Neg):
        inner = _wrap(node.operand, _PREC_NEG)
        return "- " + inner if inner.startswith("-") else "-" + inner
    if isinstance(node, Not):
        return f"not({to_text(node.operand)})"
    if isinstance(node, Arith | Logic):
        prec = _prec(node)
        return f"{_wrap(node.left, prec)} {node.op} {_wrap(node.right, prec + 1)}"
    if isinstance(node, Compare):
        return f"{_wrap(node.left, _PREC_CMP + 1)} {node.op} {_wrap(node.right, _PREC_CMP + 1)}"
    if isinstance(node, In):
        items = ", ".join(to_text(o) for o in node.options)
        return f"{_wrap(node.operand, _PREC_CMP + 1)} {'not in' if node.negated else 'in'} ({items})"
    if isinstance(node, Call):
        return f"{node.func}({', '.join(to_text(a) for a in node.args)})"
    raise TypeError(f"not an expression node: {node!r}")


# ------------------------------------------------------------------------------------- value handling
# Internally a value is either a pandas Series aligned with the frame or a Python scalar (literals and
# parameters), so constants are never materialised as million-row columns. Series are kept in one
# canonical dtype per kind: float64 (num), "boolean" (bool), datetime64 (date), "str" (text).

_TRUE_WORDS = ["true", "yes", "1"]
_FALSE_WORDS = ["false", "no", "0"]
_NUMERIC_TEXT_RE = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*\Z")
_TZ_SUFFIX = r"(?:Z|[+-][0-9][0-9]:?[0-9][0-9])$"


@dataclass
class Context:
    """What an expression needs besides the data."""

    params: dict[str, object] = field(default_factory=dict)  # param('x') values
    holidays: list[str] | tuple[Any, ...] = ()  # ISO dates excluded by working-days() when no calendar
    # monitor.deadlines.WorkCalendar: working days for working-days() and request-status() (the engine
    # sets the Ukrainian calendar; without one working-days() counts Mon-Fri minus `holidays`)
    calendar: Any = None
    # monitor.subsistence.SubsistenceTable for subsistence-minimum() (the engine loads data/reference's table)
    subsistence: Any = None
    # select_multiple columns; informational: selected()/count-selected() tokenise any column anyway
    multi: frozenset[str] = frozenset()
    current: str | None = None  # column that "." refers to
    # Parameters whose value changed over time: name -> ((valid_from, valid_to, value), ...), both
    # days included, None = open. With `on` (each row's date) param() gives the value in force on it.
    dated: dict[str, tuple[tuple[Any, Any, Any], ...]] = field(default_factory=dict)
    on: pd.Series | None = None


def _is_missing_scalar(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, float | np.floating):
        return math.isnan(v)
    return isinstance(v, str) and v.strip() == ""


def _kind(v: Any) -> str:
    if isinstance(v, pd.Series):
        dtype = v.dtype
        if ptypes.is_bool_dtype(dtype):
            return "bool"
        if ptypes.is_numeric_dtype(dtype):
            return "num"
        if ptypes.is_datetime64_any_dtype(dtype):
            return "date"
        return "str"
    if v is None or v is pd.NA:
        return "null"
    if isinstance(v, bool | np.bool_):
        return "bool"
    if isinstance(v, int | float | np.number):
        return "num"
    if isinstance(v, str):
        return "str"
    if isinstance(v, pd.Timestamp | _dt.date | np.datetime64) or v is pd.NaT:
        return "date"
    raise TypeError(f"unsupported value in expression: {v!r}")


def _text_series(s: pd.Series) -> pd.Series:
    """Text in the default "str" dtype with empty or blank strings turned into missing values."""
    t = s.astype("str")
    return t.where(t.str.strip() != "")


def _tidy(s: pd.Series) -> pd.Series:
    """One canonical dtype per kind, whatever the column was read as."""
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        s = s.astype(object)
        dtype = s.dtype
    if ptypes.is_bool_dtype(dtype):
        return s if dtype == "boolean" else s.astype("boolean")
    if ptypes.is_numeric_dtype(dtype):
        if dtype == np.float64:
            return s
        return pd.Series(s.to_numpy(dtype="float64", na_value=np.nan), index=s.index, name=s.name)
    if ptypes.is_datetime64_any_dtype(dtype):
        return s
    if ptypes.is_timedelta64_dtype(dtype):
        return s.dt.total_seconds() / 86400.0
    if ptypes.is_object_dtype(dtype):
        inferred = ptypes.infer_dtype(s, skipna=True)
        if inferred in ("integer", "floating", "mixed-integer-float", "decimal"):
            return pd.Series(
                pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan),
                index=s.index,
                name=s.name,
            )
        if inferred == "boolean":
            return s.astype("boolean")
        if inferred in ("datetime", "datetime64", "date"):
            return pd.to_datetime(s, errors="coerce")
    return _text_series(s)


def _parse_date_text(s: pd.Series) -> np.ndarray:
    """ISO text to naive datetime64 keeping the wall-clock time (offsets dropped, not converted)."""
    try:
        d = pd.to_datetime(s, errors="coerce", format="ISO8601")
    except (ValueError, TypeError):  # mixed offsets, or offsets mixed with naive values
        d = pd.to_datetime(s.str.replace(_TZ_SUFFIX, "", regex=True), errors="coerce", format="ISO8601")
    if getattr(d.dt, "tz", None) is not None:
        d = d.dt.tz_localize(None)
    return d.to_numpy()


def _num_text_scalar(v: str) -> float:
    return float(v) if _NUMERIC_TEXT_RE.match(v) else math.nan


def _to_num(v: Any) -> Any:
    """float64 ndarray for a Series, a float for a scalar; NaN where missing or not a number."""
    kind = _kind(v)
    if isinstance(v, pd.Series):
        if kind == "num":
            return v.to_numpy(dtype="float64", na_value=np.nan)
        if kind == "bool":
            return v.to_numpy(dtype="float64", na_value=np.nan)
        if kind == "str":
            return pd.to_numeric(v, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        raise TypeError("dates cannot be used as numbers; use days() for differences between dates")
    if kind == "null":
        return math.nan
    if kind in ("num", "bool"):
        return float(v)
    if kind == "str":
        return _num_text_scalar(v)
    raise TypeError("dates cannot be used as numbers; use days() for differences between dates")


def _to_bool(v: Any) -> tuple[np.ndarray, np.ndarray]:
    """(values, missing-mask) as numpy arrays (0-d for scalars); see the module docstring."""
    kind = _kind(v)
    if isinstance(v, pd.Series):
        if kind == "bool":
            return v.to_numpy(dtype=bool, na_value=False), v.isna().to_numpy()
        if kind == "num":
            x = v.to_numpy(dtype="float64", na_value=np.nan)
            return x != 0, np.isnan(x)
        if kind == "date":
            return np.ones(len(v), dtype=bool), v.isna().to_numpy()
        low = v.str.strip().str.lower()
        is_true = low.isin(_TRUE_WORDS).to_numpy()
        is_false = low.isin(_FALSE_WORDS).to_numpy()
        x = pd.to_numeric(low, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        known = is_true | is_false | ~np.isnan(x)
        return is_true | (~np.isnan(x) & (x != 0)), ~known
    if kind == "null" or _is_missing_scalar(v):
        return np.array(False), np.array(True)
    if kind == "bool":
        return np.array(bool(v)), np.array(False)
    if kind == "num":
        return np.array(v != 0), np.array(False)
    if kind == "date":
        return np.array(True), np.array(False)
    low = v.strip().lower()
    if low in _TRUE_WORDS or low in _FALSE_WORDS:
        return np.array(low in _TRUE_WORDS), np.array(False)
    x = _num_text_scalar(low)
    return np.array(not math.isnan(x) and x != 0), np.array(math.isnan(x))


def _to_dates(v: Any) -> Any:
    """datetime64 ndarray for a Series, a numpy datetime64 for a scalar; NaT where missing."""
    kind = _kind(v)
    if isinstance(v, pd.Series):
        if kind == "date":
            if getattr(v.dt, "tz", None) is not None:
                v = v.dt.tz_localize(None)
            return v.to_numpy()
        if kind == "str":
            return _parse_date_text(v)
        raise TypeError("expected dates (a date column or ISO text such as '2024-01-31')")
    if kind == "null" or _is_missing_scalar(v):
        return np.datetime64("NaT")
    if kind == "str":
        ts = pd.to_datetime(v.strip(), errors="coerce", format="ISO8601")
    elif kind == "date":
        ts = pd.Timestamp(v)
    else:
        raise TypeError("expected dates (a date column or ISO text such as '2024-01-31')")
    if ts is pd.NaT or pd.isna(ts):
        return np.datetime64("NaT")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.to_datetime64()


def _num_to_text(x: np.ndarray, index: pd.Index) -> pd.Series:
    """Numbers as choice-code text: 3.0 -> '3' (codes stored as numbers by a spreadsheet)."""
    missing = np.isnan(x)
    integral = ~missing & (np.abs(x) < 2.0**53) & (x == np.floor(x))
    as_int = pd.Series(np.where(integral, x, 0).astype(np.int64), index=index).astype("str")
    as_float = pd.Series(x, index=index).astype("str")
    return as_int.where(integral, as_float).where(~missing)


def _to_text(v: Any, index: pd.Index) -> Any:
    if not isinstance(v, pd.Series):
        return v
    kind = _kind(v)
    if kind == "str":
        return v
    if kind == "num":
        return _num_to_text(v.to_numpy(dtype="float64", na_value=np.nan), index)
    if kind == "bool":
        values, mask = _to_bool(v)
        return pd.Series(np.where(values, "true", "false"), index=index, dtype="str").where(~mask)
    return pd.Series(v.dt.strftime("%Y-%m-%d"), index=index, dtype="str")


def _missing(v: Any) -> np.ndarray:
    """Missing-mask (0-d for scalars); blank text counts as missing (text Series hold no blanks)."""
    if isinstance(v, pd.Series):
        return v.isna().to_numpy()
    return np.array(_is_missing_scalar(v))


_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def truthy(values: pd.Series) -> pd.Series:
    """A plain bool Series: missing is false, numbers are true when non-zero (see the module docstring)."""
    v, mask = _to_bool(_tidy(values))
    return pd.Series(v & ~mask, index=values.index, dtype=bool)


# ----------------------------------------------------------------------------------------- evaluation


class _Evaluator:
    def __init__(self, frame: pd.DataFrame, ctx: Context) -> None:
        self.frame = frame
        self.ctx = ctx
        self.index = frame.index
        self.n = len(frame)
        self.columns: dict[str, pd.Series] = {}
        self.raw_text: dict[str, pd.Series] = {}
        # Conversions of the same column repeat within one expression (q >= 1 and q <= 5): memoise
        # them by object identity, holding the Series so the id stays valid.
        self.memo: dict[tuple[str, int], tuple[pd.Series, Any]] = {}
        self._holidays: np.ndarray | None = None

    # columns --------------------------------------------------------------------------------------

    def column_name(self, node: Name | Current) -> str:
        if isinstance(node, Name):
            return node.name
        if self.ctx.current is None:
            raise ValueError("'.' (the current answer) needs Context.current")
        return self.ctx.current

    def raw(self, name: str) -> pd.Series:
        if name not in self.frame.columns:
            raise KeyError(name)
        s = self.frame[name]
        if isinstance(s, pd.DataFrame):
            raise ValueError(f"column {name!r} appears more than once")
        return s

    def column(self, name: str) -> pd.Series:
        if name not in self.columns:
            self.columns[name] = _tidy(self.raw(name))
        return self.columns[name]

    def codes(self, name: str) -> pd.Series:
        """Choice codes as text, keeping '' (answered, nothing selected) apart from missing."""
        if name not in self.raw_text:
            s = self.raw(name)
            if ptypes.is_object_dtype(s.dtype):
                plain = ptypes.infer_dtype(s, skipna=True) in ("string", "empty")
            else:
                plain = ptypes.is_string_dtype(s.dtype)
            t = s.astype("str") if plain else _to_text(_tidy(s), self.index)
            self.raw_text[name] = t.str.strip()
        return self.raw_text[name]

    def convert(self, tag: str, v: Any, fn: Callable[[Any], Any]) -> Any:
        if not isinstance(v, pd.Series):
            return fn(v)
        key = (tag, id(v))
        if key not in self.memo:
            self.memo[key] = (v, fn(v))
        return self.memo[key][1]

    def num(self, v: Any) -> Any:
        return self.convert("num", v, _to_num)

    def dates(self, v: Any) -> Any:
        return self.convert("date", v, _to_dates)

    def boolean(self, v: Any) -> tuple[np.ndarray, np.ndarray]:
        return self.convert("bool", v, _to_bool)

    # results --------------------------------------------------------------------------------------

    def wrap_num(self, x: Any) -> Any:
        x = np.asarray(x, dtype="float64")
        if x.ndim == 0:
            return float(x)
        return pd.Series(x, index=self.index)

    def wrap_bool(self, values: Any, mask: Any) -> Any:
        values, mask = np.asarray(values, dtype=bool), np.asarray(mask, dtype=bool)
        if values.ndim == 0 and mask.ndim == 0:
            return None if mask else bool(values)
        values = np.broadcast_to(values, (self.n,)) & ~np.broadcast_to(mask, (self.n,))
        mask = np.array(np.broadcast_to(mask, (self.n,)))
        return pd.Series(pd.arrays.BooleanArray(values, mask), index=self.index)

    def broadcast(self, v: Any) -> pd.Series:
        if isinstance(v, pd.Series):
            return v
        kind = _kind(v)
        if kind in ("null", "bool"):
            values, mask = _to_bool(v)
            return self.wrap_bool(np.full(self.n, values), np.full(self.n, mask))
        if kind == "num":
            return pd.Series(np.full(self.n, float(v)), index=self.index)
        if kind == "str":
            return pd.Series(v, index=self.index, dtype="str")
        return pd.Series(np.full(self.n, _to_dates(v)), index=self.index)

    # nodes ----------------------------------------------------------------------------------------

    def compute(self, node: Node) -> Any:
        if isinstance(node, Number | String | Boolean):
            return float(node.value) if isinstance(node, Number) else node.value
        if isinstance(node, Name | Current):
            return self.column(self.column_name(node))
        if isinstance(node, Neg):
            return self.wrap_num(-np.asarray(self.num(self.compute(node.operand))))
        if isinstance(node, Not):
            values, mask = self.boolean(self.compute(node.operand))
            return self.wrap_bool(~values, mask)
        if isinstance(node, Logic):
            return self.logic(node.op, self.compute(node.left), self.compute(node.right))
        if isinstance(node, Arith):
            return self.arith(node.op, self.compute(node.left), self.compute(node.right))
        if isinstance(node, Compare):
            for side, other in ((node.left, node.right), (node.right, node.left)):
                if isinstance(other, String) and other.value == "" and node.op in ("=", "!="):
                    empty = _missing(self.compute(side))  # XLSForm's "q = ''" is an emptiness test
                    return self.wrap_bool(empty if node.op == "=" else ~empty, False)
            return self.compare(node.op, self.compute(node.left), self.compute(node.right))
        if isinstance(node, In):
            operand = self.compute(node.operand)
            result: Any = False
            for option in node.options:
                result = self.logic("or", result, self.compare("=", operand, self.compute(option)))
            if node.negated:
                values, mask = self.boolean(result)
                return self.wrap_bool(~values, mask)
            return result
        if isinstance(node, Call):
            return self.call(node)
        raise TypeError(f"not an expression node: {node!r}")

    def logic(self, op: str, left: Any, right: Any) -> Any:
        lv, lm = self.boolean(left)
        rv, rm = self.boolean(right)
        l_true, l_false = lv & ~lm, ~lv & ~lm
        r_true, r_false = rv & ~rm, ~rv & ~rm
        if op == "and":
            true, false = l_true & r_true, l_false | r_false
        else:
            true, false = l_true | r_true, l_false & r_false
        return self.wrap_bool(true, ~(true | false))

    def arith(self, op: str, left: Any, right: Any) -> Any:
        a, b = np.asarray(self.num(left)), np.asarray(self.num(right))
        with np.errstate(all="ignore"):
            if op == "+":
                res = a + b
            elif op == "-":
                res = a - b
            elif op == "*":
                res = a * b
            elif op in ("/", "div"):
                res = np.where(b == 0, np.nan, a / b)
            else:  # mod
                res = np.where(b == 0, np.nan, np.fmod(a, b))
        return self.wrap_num(res)

    def compare(self, op: str, left: Any, right: Any) -> Any:
        kinds = {_kind(left), _kind(right)}
        fn = _OPS[op]
        if "null" in kinds:
            return None
        if kinds == {"str"} and op not in ("=", "!="):
            # "rating >= '4'": an ordering against a number written as text compares numbers.
            scalars = [v for v in (left, right) if isinstance(v, str)]
            if scalars and all(_NUMERIC_TEXT_RE.match(s) for s in scalars):
                kinds = {"num"}
        if "date" in kinds:
            a, b = np.asarray(self.dates(left)), np.asarray(self.dates(right))
            mask = np.isnat(a) | np.isnat(b)
            with np.errstate(all="ignore"):
                res = fn(a, b)
        elif "num" in kinds:
            a, b = np.asarray(self.num(left)), np.asarray(self.num(right))
            mask = np.isnan(a) | np.isnan(b)
            with np.errstate(all="ignore"):
                res = fn(a, b)
        elif "bool" in kinds:
            (av, am), (bv, bm) = self.boolean(left), self.boolean(right)
            mask = am | bm
            res = fn(av.astype(np.int8), bv.astype(np.int8))
        else:
            res = fn(left, right)
            if isinstance(res, pd.Series):
                res = res.to_numpy(dtype=bool, na_value=False)
            mask = _missing(left) | _missing(right)
        return self.wrap_bool(res, mask)

    # functions ------------------------------------------------------------------------------------

    def call(self, node: Call) -> Any:
        func, args = node.func, node.args
        if func == "param":
            return self.param(args[0].value)  # type: ignore[attr-defined]
        if func == "selected":
            codes = self.codes(self.column_name(args[0]))  # type: ignore[arg-type]
            code = args[1].value.strip()  # type: ignore[attr-defined]
            hit = (" " + codes + " ").str.contains(f" {code} ", regex=False)
            return self.wrap_bool(hit.to_numpy(dtype=bool, na_value=False), codes.isna().to_numpy())
        if func == "count-selected":
            codes = self.codes(self.column_name(args[0]))  # type: ignore[arg-type]
            count = codes.str.count(r"\s+") + (codes.str.len() > 0)
            return self.wrap_num(count.to_numpy(dtype="float64", na_value=np.nan))
        if func == "days":
            a, b = self.day_arrays(args)
            mask = np.isnat(a) | np.isnat(b)
            epoch = np.datetime64(0, "D")  # placeholder for missing dates; masked out below
            diff = (np.where(mask, epoch, b) - np.where(mask, epoch, a)).astype("float64")
            return self.wrap_num(np.where(mask, np.nan, diff))
        if func == "working-days" and self.ctx.calendar is not None:
            a, b = self.day_arrays(args)
            return self.wrap_num(self.ctx.calendar.working_days(a, b))
        if func == "request-status":
            return self.request_status(args)
        if func == "subsistence-minimum":
            if self.ctx.subsistence is None:
                raise ValueError("subsistence-minimum() needs the reference table (Context.subsistence)")
            categories = np.broadcast_to(np.asarray(self.broadcast(self.codes_of(args[0])), dtype=object), (self.n,))
            days = np.broadcast_to(np.asarray(self.dates(self.compute(args[1]))).astype("datetime64[D]"), (self.n,))
            return self.wrap_num(self.ctx.subsistence.lookup(categories, days))
        if func == "step-status":
            start, end, as_of = (np.asarray(self.dates(self.compute(a))).astype("datetime64[D]") for a in args[:3])
            days = np.broadcast_to(np.asarray(self.num(self.compute(args[3])), dtype="float64"), start.shape)
            deadline = np.full(start.shape, np.datetime64("NaT"), dtype="datetime64[D]")
            known = ~np.isnat(start) & ~np.isnan(days)
            deadline[known] = start[known] + days[known].astype("timedelta64[D]")
            return self.wrap_text(deadlines.verdicts(end, as_of, deadline))
        if func == "working-days":
            a, b = self.day_arrays(args)
            mask = np.isnat(a) | np.isnat(b)
            epoch = np.datetime64(0, "D")  # placeholder for missing dates; masked out below
            count = np.busday_count(
                np.where(mask, epoch, a), np.where(mask, epoch, b), holidays=self.holidays()
            )
            return self.wrap_num(np.where(mask, np.nan, count))
        if func == "if":
            values, mask = self.boolean(self.compute(args[0]))
            return self.choose(values & ~mask, self.compute(args[1]), self.compute(args[2]))
        if func == "coalesce":
            result = self.compute(args[0])
            for arg in args[1:]:
                result = self.choose(~_missing(result), result, self.compute(arg))
            return result
        if func in ("is-empty", "not-empty"):
            empty = _missing(self.compute(args[0]))
            return self.wrap_bool(empty if func == "is-empty" else ~empty, False)
        if func in ("min", "max"):
            pick = np.minimum if func == "min" else np.maximum
            result = np.asarray(self.num(self.compute(args[0])))
            for arg in args[1:]:
                result = pick(result, np.asarray(self.num(self.compute(arg))))
            return self.wrap_num(result)
        if func == "round":
            digits = int(args[1].value) if len(args) == 2 else 0  # type: ignore[attr-defined]
            x = np.asarray(self.num(self.compute(args[0])))
            scale = 10.0**digits
            with np.errstate(all="ignore"):
                # Half away from zero as in XLSForm (numpy rounds half to even); rounding the scaled
                # value to 9 decimals first absorbs binary noise such as 2.675 * 100 = 267.49999...
                scaled = np.round(np.abs(x) * scale, 9)
                return self.wrap_num(np.sign(x) * np.floor(scaled + 0.5) / scale)
        raise TypeError(f"function {func}() cannot be evaluated")  # parse() rejects unknown functions

    def param(self, name: str) -> Any:
        if name not in self.ctx.params:
            raise KeyError(name)
        if name in self.ctx.dated and self.ctx.on is not None:
            return self._dated_param(name)
        value = self.ctx.params[name]
        if isinstance(value, _dt.date | np.datetime64):
            return pd.Timestamp(value)
        if isinstance(value, int | np.integer) and not isinstance(value, bool):
            return float(value)
        return value

    def _dated_param(self, name: str) -> pd.Series:
        """Per row, the value in force on the row's date; missing where no value is (or no date)."""
        on = pd.to_datetime(self.ctx.on, errors="coerce").to_numpy("datetime64[D]")
        periods = self.ctx.dated[name]
        numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for _, _, v in periods)
        out = np.full(len(on), np.nan) if numeric else np.full(len(on), None, dtype=object)
        for start, end, value in periods:
            mask = ~np.isnat(on)
            if start is not None:
                mask &= on >= np.datetime64(start, "D")
            if end is not None:
                mask &= on <= np.datetime64(end, "D")
            out[mask] = float(value) if numeric else value
        index = self.ctx.on.index
        return pd.Series(out, index=index, dtype="float64") if numeric else pd.Series(out, index=index, dtype="str")

    def request_status(self, args: tuple[Node, ...]) -> pd.Series:
        """request-status(received, answered, as_of, urgent, extension_notice, days, extended_days, urgent_hours)."""
        if self.ctx.calendar is None:
            raise ValueError("request-status() needs a working-day calendar (Context.calendar)")
        received, answered, as_of = (np.asarray(self.dates(self.compute(a))).astype("datetime64[D]") for a in args[:3])
        received = np.broadcast_to(received, (self.n,))
        urgent, urgent_mask = self.boolean(self.compute(args[3]))
        notice = np.broadcast_to(np.asarray(self.dates(self.compute(args[4]))).astype("datetime64[D]"), (self.n,))
        terms = [np.asarray(self.num(self.compute(a)), dtype="float64") for a in args[5:]]
        if any(t.ndim or np.isnan(t) for t in terms):
            raise ValueError("request-status() takes its terms as numbers (param('...'))")
        days, extended, hours = (int(t) for t in terms)
        deadline = deadlines.request_deadlines(
            received, notice, np.broadcast_to(np.asarray(urgent, bool) & ~np.asarray(urgent_mask, bool), (self.n,)),
            calendar=self.ctx.calendar, terms=deadlines.RequestTerms(days, extended, hours),
        )
        return self.wrap_text(deadlines.verdicts(np.broadcast_to(answered, (self.n,)),
                                                 np.broadcast_to(as_of, (self.n,)), deadline))

    def codes_of(self, node: Node) -> Any:
        """A choice column's codes as text (a literal stays a literal)."""
        if isinstance(node, Name | Current):
            return self.codes(self.column_name(node))
        return self.compute(node)

    def wrap_text(self, values: np.ndarray) -> pd.Series:
        return pd.Series(np.broadcast_to(values, (self.n,)), index=self.index, dtype="str")

    def holidays(self) -> np.ndarray:
        if self._holidays is None:
            self._holidays = np.array([str(h)[:10] for h in self.ctx.holidays], dtype="datetime64[D]")
        return self._holidays

    def day_arrays(self, args: tuple[Node, ...]) -> tuple[np.ndarray, np.ndarray]:
        a = np.asarray(self.dates(self.compute(args[0]))).astype("datetime64[D]")
        b = np.asarray(self.dates(self.compute(args[1]))).astype("datetime64[D]")
        return a, b

    def choose(self, pick: Any, a: Any, b: Any) -> Any:
        """Element-wise ``a if pick else b``, unifying the kinds of a and b."""
        pick = np.asarray(pick, dtype=bool)
        if pick.ndim == 0 and not isinstance(a, pd.Series) and not isinstance(b, pd.Series):
            return a if pick else b
        kinds = {_kind(a), _kind(b)} - {"null"}
        if not kinds:
            return None
        if len(kinds) == 1:
            kind = kinds.pop()
        elif kinds == {"num", "bool"}:
            kind = "num"
        elif kinds == {"date", "str"}:
            kind = "date"
        else:
            kind = "str"
        if kind == "num":
            return self.wrap_num(np.where(pick, self.num(a), self.num(b)))
        if kind == "bool":
            (av, am), (bv, bm) = self.boolean(a), self.boolean(b)
            return self.wrap_bool(np.where(pick, av, bv), np.where(pick, am, bm))
        if kind == "date":
            chosen = np.where(pick, self.dates(a), self.dates(b))
            return pd.Series(np.array(np.broadcast_to(chosen, (self.n,))), index=self.index)
        ta = _to_text(self.broadcast(a), self.index)
        tb = _to_text(self.broadcast(b), self.index)
        # Keep the invariant of text Series: blanks are missing (if(c, '', x) then is-empty works).
        return _text_series(ta.where(np.broadcast_to(pick, (self.n,)), tb))


def evaluate(node: Node | str, frame: pd.DataFrame, ctx: Context | None = None) -> pd.Series:
    """Evaluate over every row of ``frame`` at once; the result has ``frame.index``.

    Boolean expressions give a nullable "boolean" Series (missing = unknown), numeric ones float64
    with NaN, text ones "str". Text is accepted and parsed (cached) for convenience.
    """
    if isinstance(node, str):
        node = parse(node)
    evaluator = _Evaluator(frame, ctx or Context())
    return evaluator.broadcast(evaluator.compute(node))
