"""Text -> tree: a hand-written tokenizer and a recursive-descent parser driven by the precedence table.

Nothing is ever handed to Python's eval/exec/compile, so a definition file cannot run code. Every
syntax error names its 1-based column, in English and Ukrainian, with a stable `kind`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from monitor.expr import nodes
from monitor.expr.precedence import BINARY, COMPARISONS, Level

__all__ = ["parse"]

# ------------------------------------------------------------------------------------------ tokenizer

_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HYPHENATED_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z_][A-Za-z0-9_]*)+")
_NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
_BRACED_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
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


def _error(text: str, column: int, kind: str, en: str, uk: str) -> nodes.ExprSyntaxError:
    return nodes.ExprSyntaxError(en, uk, column, text, kind)


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
        if word in nodes.FUNCTIONS:
            tokens.append(_Token("func", word, col, word))
            return hyph.end()
        parts = word.split("-")
        # "x-count-selected(q)" is x minus a call; only a word with no known function at its end is an error.
        if not any("-".join(parts[k:]) in nodes.FUNCTIONS for k in range(1, len(parts))):
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
        if word not in nodes.FUNCTIONS:
            raise _error(
                text,
                col,
                "unknown_function",
                f"unknown function '{word}' at column {col}",
                f"невідома функція '{word}' на позиції {col}",
            )
        tokens.append(_Token("func", word, col, word))
    elif word in nodes.KEYWORDS:
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

    def unexpected(self, tok: _Token | None = None) -> nodes.ExprSyntaxError:
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

    def parse(self) -> nodes.Node:
        if self.tok.kind == "eof":
            raise _error(self.text, 1, "empty", "empty expression at column 1", "порожній вираз (позиція 1)")
        node = self.parse_or()
        if self.tok.kind != "eof":
            raise self.unexpected()
        return node

    def binary_op(self) -> str | None:
        """The binary operator at the current token, if it is one (`a - b`, `a and b`, `a div b`)."""
        tok = self.tok
        if tok.kind in ("op", "kw") and tok.value in BINARY:
            return str(tok.value)
        return None

    def parse_level(self, level: Level) -> nodes.Node:
        """Precedence climbing over the shared table: the binary levels loop, the others descend."""
        if level == Level.NOT:
            return self.parse_not()
        if level == Level.COMPARE:
            return self.parse_comparison()
        if level == Level.NEG:
            return self.parse_unary()
        node = self.parse_level(Level(level + 1))
        while (op := self.binary_op()) is not None and BINARY[op] == level:
            tok = self.advance()
            kind = nodes.Logic if level <= Level.AND else nodes.Arith
            node = kind(op, node, self.parse_level(Level(level + 1)), col=tok.col)
        return node

    def parse_or(self) -> nodes.Node:
        return self.parse_level(Level.OR)

    def parse_not(self) -> nodes.Node:
        if self.is_kw("not"):
            col = self.advance().col
            return nodes.Not(self.parse_not(), col=col)
        return self.parse_level(Level.COMPARE)

    def parse_comparison(self) -> nodes.Node:
        node = self.parse_level(Level.ADD)
        if self.tok.kind == "op" and self.tok.value in COMPARISONS:
            tok = self.advance()
            node = nodes.Compare(tok.value, node, self.parse_level(Level.ADD), col=tok.col)
        elif self.is_kw("in") or (self.is_kw("not") and self.is_kw("in", self.peek())):
            col = self.tok.col
            negated = self.is_kw("not")
            self.pos += 2 if negated else 1
            node = nodes.In(node, self.parse_in_list(), negated, col=col)
        else:
            return node
        if (
            (self.tok.kind == "op" and self.tok.value in COMPARISONS)
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

    def parse_in_list(self) -> tuple[nodes.Literal, ...]:
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
        items: list[nodes.Literal] = []
        while True:
            items.append(self.parse_list_literal())
            if self.tok.kind == ",":
                self.advance()
                continue
            self.expect_close(opener)
            return tuple(items)

    def parse_list_literal(self) -> nodes.Literal:
        tok = self.tok
        if tok.kind == "str":
            self.advance()
            return nodes.String(tok.value, col=tok.col)
        if tok.kind == "num":
            self.advance()
            return nodes.Number(tok.value, col=tok.col)
        if tok.kind == "op" and tok.value == "-" and self.peek().kind == "num":
            self.advance()
            return nodes.Number(-self.advance().value, col=tok.col)
        if tok.kind == "kw" and tok.value in ("true", "false"):
            self.advance()
            return nodes.Boolean(tok.value == "true", col=tok.col)
        if tok.kind == "eof":
            raise self.unexpected()
        raise _error(
            self.text,
            tok.col,
            "in_literal_only",
            f"only quoted values, numbers, true or false can be listed after 'in' (column {tok.col})",
            f"після 'in' можна перелічувати лише значення в лапках, числа, true або false (позиція {tok.col})",
        )

    def parse_unary(self) -> nodes.Node:
        if self.tok.kind == "op" and self.tok.value == "-":
            col = self.advance().col
            operand = self.parse_unary()
            if isinstance(
                operand, nodes.Number
            ):  # fold "-3" into a literal so lists, round() and to_text see a number
                return nodes.Number(-operand.value, col=col)
            return nodes.Neg(operand, col=col)
        return self.parse_primary()

    def parse_primary(self) -> nodes.Node:
        tok = self.tok
        if tok.kind == "num":
            self.advance()
            return nodes.Number(tok.value, col=tok.col)
        if tok.kind == "str":
            self.advance()
            return nodes.String(tok.value, col=tok.col)
        if tok.kind == "name":
            self.advance()
            return nodes.Name(tok.value, col=tok.col)
        if tok.kind == ".":
            self.advance()
            return nodes.Current(col=tok.col)
        if tok.kind == "kw" and tok.value in ("true", "false"):
            self.advance()
            return nodes.Boolean(tok.value == "true", col=tok.col)
        if tok.kind == "func":
            return self.parse_call()
        if tok.kind == "(":
            opener = self.advance()
            node = self.parse_or()
            self.expect_close(opener)
            return node
        raise self.unexpected()

    def parse_call(self) -> nodes.Node:
        func_tok = self.advance()
        func, col = func_tok.value, func_tok.col
        opener = self.advance()  # the tokenizer only makes a "func" token when "(" follows
        args: list[nodes.Node] = []
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
            return nodes.Boolean(func == "true", col=col)
        if func == "not":
            return nodes.Not(args[0], col=col)
        if func in ("selected", "count-selected") and not isinstance(args[0], nodes.Name | nodes.Current):
            raise _error(
                self.text,
                args[0].col,
                "needs_question",
                f"the first argument of {func}() must be a question name (column {args[0].col})",
                f"перший аргумент {func}() має бути назвою питання (позиція {args[0].col})",
            )
        if func == "selected" and not isinstance(args[1], nodes.String):
            raise _error(
                self.text,
                args[1].col,
                "needs_choice",
                f"the second argument of selected() must be a choice code in quotes (column {args[1].col})",
                f"другий аргумент selected() має бути кодом варіанта в лапках (позиція {args[1].col})",
            )
        if func == "param" and not isinstance(args[0], nodes.String):
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
            and not (isinstance(args[1], nodes.Number) and float(args[1].value).is_integer())
        ):
            raise _error(
                self.text,
                args[1].col,
                "needs_whole_number",
                f"the digits of round() must be a whole number (column {args[1].col})",
                f"кількість знаків у round() має бути цілим числом (позиція {args[1].col})",
            )
        return nodes.Call(func, tuple(args), col=col)

    def check_arity(self, func: str, col: int, got: int) -> None:
        low, high = nodes.FUNCTIONS[func]
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
def parse(text: str) -> nodes.Node:
    """Parse expression text into a tree; raise :class:`ExprSyntaxError` naming the column."""
    return _Parser(text).parse()

