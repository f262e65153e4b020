"""The expression language: parsing, helpers, canonical text and vectorised evaluation."""

from __future__ import annotations

import inspect
import math
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest

from monitor import expr
from monitor.expr import (
    Bindings,
    ExprSyntaxError,
    choice_comparisons,
    evaluate,
    names,
    params,
    parse,
    selected_questions,
    to_text,
    truthy,
    uses_current,
)


def values(series: pd.Series) -> list[Any]:
    """Plain Python values; every kind of missing becomes None so tables stay readable."""
    out: list[Any] = []
    for v in series.tolist():
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        elif isinstance(v, float):
            out.append(round(v, 9))
        else:
            out.append(v)
    return out


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "decision": ["granted", "refused", None, "granted", ""],
            "days_to_decision": [10, 40, 5, np.nan, 30],
            "rating": ["1", "5", "4", None, ""],  # a 1..5 scale stored as text codes
            "score": [0.0, 2.5, -1.0, 4.0, np.nan],
            "help": ["medical legal", "", None, "legal", "shelter medical"],  # select_multiple
            "opened": ["2024-01-01", "2024-01-05", None, "2024-01-08", "not a date"],
            "closed": pd.to_datetime(["2024-01-10", "2024-01-05", "2024-01-01", None, "2024-01-09"]),
            "flag": pd.array([True, False, None, True, False], dtype="boolean"),
            "_population": [100, 200, 300, 400, 500],
            "age-group": ["18-29", "30-44", "18-29", None, "45+"],
        }
    )


CTX = Bindings(params={"deadline": 30, "region": "Odesa", "start": "2024-01-05"}, holidays=["2024-01-02"])


def run(text: str, frame: pd.DataFrame, ctx: Bindings = CTX) -> list[Any]:
    result = evaluate(parse(text), frame, ctx)
    assert result.index.equals(frame.index)
    return values(result)


# ------------------------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "same_as"),
    [
        ("a or b and c", "a or (b and c)"),
        ("a and b or c", "(a and b) or c"),
        ("not a and b", "(not a) and b"),
        ("not a = 1", "not (a = 1)"),
        ("not not a", "not (not a)"),
        ("a = 1 and b = 2", "(a = 1) and (b = 2)"),
        ("a + 1 = b * 2", "(a + 1) = (b * 2)"),
        ("1 + 2 * 3", "1 + (2 * 3)"),
        ("1 - 2 - 3", "(1 - 2) - 3"),
        ("8 div 4 div 2", "(8 div 4) div 2"),
        ("a mod 3 + 1", "(a mod 3) + 1"),
        ("-a * b", "(-a) * b"),
        ("-2 * 3", "(-2) * 3"),
        ("a - -3", "a - (-3)"),
        ("a / b * c", "(a / b) * c"),
        ("a == 1", "a = 1"),
        ("x in ('a', 'b') or y", "(x in ('a', 'b')) or y"),
        ("x not in ('a') and y", "(x not in ('a')) and y"),
        ("not(a) and b", "(not a) and b"),
        ("${a} + ${b}", "a + b"),
        ("true() or false()", "true or false"),
        ("count-selected(q) - 1", "(count-selected(q)) - 1"),
        ("a-b", "a - b"),
        ("x-count-selected(q)", "x - count-selected(q)"),
    ],
)
def test_precedence(text: str, same_as: str) -> None:
    assert parse(text) == parse(same_as)


@pytest.mark.parametrize(
    ("text", "node"),
    [
        ("3", expr.Number(3.0)),
        ("2.5", expr.Number(2.5)),
        (".5", expr.Number(0.5)),
        ("'granted'", expr.String("granted")),
        ('"так"', expr.String("так")),
        ("'пам’ятка'", expr.String("пам’ятка")),  # the Ukrainian apostrophe is an ordinary character
        ('"it\'s"', expr.String("it's")),
        ("'it''s'", expr.String("it's")),
        ("true", expr.Boolean(True)),
        (".", expr.Current()),
        ("_population", expr.Name("_population")),
        ("${age-group}", expr.Name("age-group")),
        ("${ q1 }", expr.Name("q1")),
        ("days", expr.Name("days")),  # a function name without "(" is a question name
        ("-3", expr.Number(-3.0)),
        ("-a", expr.Neg(expr.Name("a"))),
        ("not(a)", expr.Not(expr.Name("a"))),
        ("param('d')", expr.Call("param", (expr.String("d"),))),
        (
            "x in (1, -2, 'a', true)",
            expr.In(expr.Name("x"), (expr.Number(1), expr.Number(-2), expr.String("a"), expr.Boolean(True))),
        ),
        ("x not in ('a')", expr.In(expr.Name("x"), (expr.String("a"),), negated=True)),
        ("a != b", expr.Compare("!=", expr.Name("a"), expr.Name("b"))),
        ("a div b", expr.Arith("div", expr.Name("a"), expr.Name("b"))),
    ],
)
def test_parse_nodes(text: str, node: expr.Node) -> None:
    assert parse(text) == node


def test_columns_recorded() -> None:
    node = parse("decision = 'granted'")
    assert isinstance(node, expr.Compare)
    assert (node.col, node.left.col, node.right.col) == (10, 1, 12)


# --------------------------------------------------------------------------------------- syntax errors


@pytest.mark.parametrize(
    ("text", "column", "kind", "fragment"),
    [
        ("", 1, "empty", "empty expression"),
        ("   ", 1, "empty", "empty expression"),
        ("(a + 1", 1, "unclosed_paren", "'(' at column 1 is never closed"),
        ("a = 1)", 6, "unexpected", "unexpected ')' at column 6"),
        ("focal_person = 'yes' and (", 27, "unexpected_end", "unexpected end of expression at column 27"),
        ("a +", 4, "unexpected_end", "at column 4"),
        ("a + * 2", 5, "unexpected", "unexpected '*' at column 5"),
        ("foo(1)", 1, "unknown_function", "unknown function 'foo'"),
        ("a + concat(b, c)", 5, "unknown_function", "unknown function 'concat'"),
        ("count-selectd(q)", 1, "unknown_function", "unknown function 'count-selectd'"),
        ("a = 'granted", 5, "unterminated_string", "column 5"),
        ("x in 'a'", 6, "in_needs_list", "list in parentheses"),
        ("x in ()", 6, "in_empty", "empty"),
        ("x in ('a', b)", 12, "in_literal_only", "only quoted values"),
        ("a ; b", 3, "bad_character", "unexpected character ';' at column 3"),
        ("a @ b", 3, "bad_character", "'@'"),
        ("a = ‘yes’", 5, "bad_character", "straight"),
        ("!a", 1, "bad_character", "'!'"),
        ("a b", 3, "unexpected", "unexpected 'b' at column 3"),
        ("a = 'x' 'y'", 9, "unexpected", "unexpected 'y' at column 9"),
        ("selected(q)", 1, "arity", "selected() at column 1 takes 2 arguments, got 1"),
        ("if(a, b)", 1, "arity", "takes 3 arguments, got 2"),
        ("count-selected(q, 'x')", 1, "arity", "takes 1 argument, got 2"),
        ("coalesce(a)", 1, "arity", "2 or more arguments"),
        ("selected('x', q)", 10, "needs_question", "must be a question name"),
        ("selected(q, x)", 13, "needs_choice", "in quotes"),
        ("param(deadline)", 7, "needs_param_name", "param()"),
        ("round(a, b)", 10, "needs_whole_number", "whole number"),
        ("round(a, 1.5)", 10, "needs_whole_number", "whole number"),
        ("a < b < c", 7, "chained_comparison", "chained"),
        ("a = 1 in ('x')", 7, "chained_comparison", "chained"),
        ("${}", 1, "bad_name", "question name"),
        ("${a", 1, "bad_name", "question name"),
        ("$a", 1, "bad_character", "'$'"),
        ("..", 2, "unexpected", "unexpected '.' at column 2"),
        ("a and", 6, "unexpected_end", "end of expression"),
        ("1 + not a", 5, "unexpected", "unexpected 'not' at column 5"),
        ("selected(q, 'x'", 9, "unclosed_paren", "never closed"),
    ],
)
def test_syntax_errors(text: str, column: int, kind: str, fragment: str) -> None:
    with pytest.raises(ExprSyntaxError) as info:
        parse(text)
    err = info.value
    assert (err.column, err.kind, err.text) == (column, kind, text)
    assert fragment in err.message
    assert str(err) == err.message
    assert err.message_uk and err.message_uk != err.message
    assert str(column) in err.message_uk


# ------------------------------------------------------------------------------------------- helpers


def test_names_params_selected() -> None:
    node = parse(
        "selected(help, 'legal') and count-selected(${other}) > 1 and . >= param('min') "
        "and days(opened, closed) <= param('deadline') and _population > 0 and round(x, 2) = 1"
    )
    assert names(node) == {"help", "other", "opened", "closed", "_population", "x"}
    assert params(node) == {"min", "deadline"}
    assert selected_questions(node) == {"help", "other"}
    assert uses_current(node)
    assert not uses_current(parse("a = 1"))
    assert selected_questions(parse("selected(., 'x')"), current="q") == {"q"}


def test_choice_comparisons_with_columns() -> None:
    text = "decision = 'granted' or 'x' != decision or q in ('a', \"b\", 3) or selected(h, 'z') or r = ''"
    assert choice_comparisons(parse(text)) == [
        ("decision", "granted", 12),
        ("decision", "x", 25),
        ("q", "a", 50),
        ("q", "b", 55),
        ("h", "z", 78),
    ]
    assert choice_comparisons(parse(". = 'yes'")) == []
    assert choice_comparisons(parse(". = 'yes'"), current="consent") == [("consent", "yes", 5)]
    assert choice_comparisons(parse("a = b or a = 1")) == []


@pytest.mark.parametrize(
    "text",
    [
        "decision = 'granted' and days_to_decision <= param('status_decision_days')",
        "a or b and not c",
        "not (a or b) and c",
        "(a + b) * c - d / e div f mod 2",
        "a - (b - c)",
        "a - -3 * -b",
        "- -a",
        "-(a + b)",
        "x not in ('a', \"it's\", 'пам’ятка', -1.5, true)",
        "'say \"hi\" it''s'",
        "${age-group} = '18-29' and ${and} = 1 and ${if} = 2",
        "if(. >= 0, round(x, -1), coalesce(y, z, 0)) > min(a, b, c)",
        "(not(a)) = b",
        "(a = 1) = (b = 2)",
        "working-days(opened, '2024-12-31') + count-selected(q)",
        "0.1 + 1000000 + 2.50",
        "is-empty(a) or not-empty(.) or selected(q, 'x')",
    ],
)
def test_to_text_round_trip(text: str) -> None:
    tree = parse(text)
    canonical = to_text(tree)
    assert parse(canonical) == tree
    assert to_text(parse(canonical)) == canonical


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("${q}='x'", "q = 'x'"),
        ("(a or b) and c", "(a or b) and c"),
        ("a or (b and c)", "a or b and c"),
        ("not   (x)", "not(x)"),
        ("not x = 1", "not(x = 1)"),
        ("a==1", "a = 1"),
        ("2.50", "2.5"),
        ('"x"', "'x'"),
    ],
)
def test_to_text_canonical(text: str, canonical: str) -> None:
    assert to_text(parse(text)) == canonical


# ---------------------------------------------------------------------------------------- evaluation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # comparisons on text, numbers, text coerced to numbers
        ("decision = 'granted'", [True, False, None, True, None]),
        ("decision != 'granted'", [False, True, None, False, None]),
        ("'granted' = decision", [True, False, None, True, None]),
        ("days_to_decision < 30", [True, False, True, None, False]),
        ("days_to_decision <= 30", [True, False, True, None, True]),
        ("days_to_decision > 10", [False, True, False, None, True]),
        ("days_to_decision >= 10", [True, True, False, None, True]),
        ("rating >= 4", [False, True, True, None, None]),
        ("rating = 5", [False, True, False, None, None]),
        ("rating >= '4'", [False, True, True, None, None]),
        ("days_to_decision = '40'", [False, True, False, None, False]),
        ("flag = true", [True, False, None, True, False]),
        ("_population > 250", [False, False, True, True, True]),
        ("${age-group} = '18-29'", [True, False, True, None, False]),
        # in / not in
        ("decision in ('granted', 'pending')", [True, False, None, True, None]),
        ("decision not in ('granted', 'pending')", [False, True, None, False, None]),
        ("rating in (4, 5)", [False, True, True, None, None]),
        # XLSForm emptiness idiom
        ("decision = ''", [False, False, True, False, True]),
        ("decision != ''", [True, True, False, True, False]),
        # arithmetic
        ("days_to_decision + 1", [11.0, 41.0, 6.0, None, 31.0]),
        ("days_to_decision - score", [10.0, 37.5, 6.0, None, None]),
        ("score * 2", [0.0, 5.0, -2.0, 8.0, None]),
        ("days_to_decision / 4", [2.5, 10.0, 1.25, None, 7.5]),
        ("days_to_decision div 4", [2.5, 10.0, 1.25, None, 7.5]),
        ("days_to_decision mod 7", [3.0, 5.0, 5.0, None, 2.0]),
        ("-days_to_decision mod 7", [-3.0, -5.0, -5.0, None, -2.0]),
        ("-score", [0.0, -2.5, 1.0, -4.0, None]),
        ("rating * 10", [10.0, 50.0, 40.0, None, None]),
        ("1 + 2 * 3", [7.0] * 5),
        ("(1 + 2) * 3", [9.0] * 5),
        # division by zero is missing, not inf
        ("days_to_decision / score", [None, 16.0, -5.0, None, None]),
        ("days_to_decision div 0", [None] * 5),
        ("days_to_decision mod 0", [None] * 5),
        ("1 / 0", [None] * 5),
        # functions
        ("param('deadline') * 2", [60.0] * 5),
        ("days_to_decision <= param('deadline')", [True, False, True, None, True]),
        ("if(days_to_decision > 20, 'late', 'ok')", ["ok", "late", "ok", "ok", "late"]),
        ("if(rating >= 4, score, 0)", [0.0, 2.5, -1.0, 0.0, 0.0]),
        ("coalesce(days_to_decision, score, 0)", [10.0, 40.0, 5.0, 4.0, 30.0]),
        ("coalesce(decision, 'none')", ["granted", "refused", "none", "granted", "none"]),
        ("coalesce(score, days_to_decision)", [0.0, 2.5, -1.0, 4.0, 30.0]),
        ("is-empty(decision)", [False, False, True, False, True]),
        ("not-empty(rating)", [True, True, True, False, False]),
        ("is-empty(days_to_decision)", [False, False, False, True, False]),
        ("min(days_to_decision, 20)", [10.0, 20.0, 5.0, None, 20.0]),
        ("max(days_to_decision, score, 12)", [12.0, 40.0, 12.0, None, None]),
        ("round(days_to_decision / 7, 1)", [1.4, 5.7, 0.7, None, 4.3]),
        ("round(score)", [0.0, 3.0, -1.0, 4.0, None]),
        ("round(2.675, 2)", [2.68] * 5),
        ("round(-2.5)", [-3.0] * 5),
        ("round(1234, -2)", [1200.0] * 5),
        ("true()", [True] * 5),
        # Kleene logic with missing values
        ("decision = 'granted' and days_to_decision <= param('deadline')", [True, False, None, None, None]),
        ("decision = 'granted' or days_to_decision <= param('deadline')", [True, False, True, True, True]),
        ("not(decision = 'granted')", [False, True, None, False, None]),
        ("not flag", [False, True, None, False, True]),
        ("flag and score > 1", [False, False, False, True, False]),
        ("flag or score > 1", [True, True, None, True, None]),
        ("score and 1", [False, True, True, True, None]),  # numbers as conditions: non-zero is true
    ],
)
def test_evaluate(frame: pd.DataFrame, text: str, expected: list[Any]) -> None:
    assert run(text, frame) == expected


@pytest.mark.parametrize(
    ("left", "op", "right", "expected"),
    [
        (True, "and", None, None),
        (False, "and", None, False),
        (None, "and", None, None),
        (True, "or", None, True),
        (False, "or", None, None),
        (None, "or", None, None),
        (True, "and", False, False),
        (True, "or", False, True),
    ],
)
def test_kleene_truth_table(left: bool | None, op: str, right: bool | None, expected: bool | None) -> None:
    frame = pd.DataFrame(
        {"l": pd.array([left, right], dtype="boolean"), "r": pd.array([right, left], dtype="boolean")}
    )
    # Both orders of the operands give the same answer.
    assert run(f"l {op} r", frame) == [expected, expected]


def test_kleene_not_missing() -> None:
    frame = pd.DataFrame({"x": pd.array([True, False, None], dtype="boolean")})
    assert run("not x", frame) == [False, True, None]
    assert run("not(not(x))", frame) == [True, False, None]


def test_result_dtypes(frame: pd.DataFrame) -> None:
    assert evaluate(parse("score > 1"), frame, CTX).dtype == "boolean"
    assert evaluate(parse("score + 1"), frame, CTX).dtype == np.float64
    assert evaluate(parse("if(score > 1, 'a', 'b')"), frame, CTX).dtype == "str"
    assert evaluate("1 = 1", frame).dtype == "boolean"  # text is parsed; the context is optional


def test_missing_kinds_all_propagate() -> None:
    frame = pd.DataFrame({"x": pd.Series([1.0, None, np.nan, 4.0], dtype=object), "t": ["a", None, "", "  "]})
    assert run("x + 1", frame) == [2.0, None, None, 5.0]
    assert run("x > 2", frame) == [False, None, None, True]
    assert run("t = 'a'", frame) == [True, None, None, None]
    assert run("is-empty(t)", frame) == [False, True, True, True]


def test_text_conditions() -> None:
    frame = pd.DataFrame({"c": ["yes", "no", "TRUE", "false", "1", "0", "maybe", None]})
    assert run("c and true", frame) == [True, False, True, False, True, False, None, None]
    assert truthy(pd.Series(["yes", "maybe", None])).tolist() == [True, False, False]


def test_truthy() -> None:
    s = pd.Series(pd.array([True, None, False], dtype="boolean"))
    out = truthy(s)
    assert out.dtype == bool and out.tolist() == [True, False, False]
    assert truthy(pd.Series([0.0, 2.0, np.nan, -1.0])).tolist() == [False, True, False, True]


# ----------------------------------------------------------------------------------- select_multiple


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("selected(help, 'legal')", [True, False, None, True, False]),
        ("selected(help, 'medical')", [True, False, None, False, True]),
        ("selected(help, 'med')", [False, False, None, False, False]),  # whole codes only
        ("count-selected(help)", [2.0, 0.0, None, 1.0, 2.0]),
        ("count-selected(help) >= 2", [True, False, None, False, True]),
        ("help = 'legal'", [False, None, None, True, False]),  # exact equality of the whole answer
        ("not selected(help, 'legal')", [False, True, None, False, True]),
    ],
)
def test_select_multiple(frame: pd.DataFrame, text: str, expected: list[Any]) -> None:
    ctx = Bindings(params=CTX.params, holidays=CTX.holidays, multi=frozenset({"help"}))
    assert run(text, frame, ctx) == expected


def test_selected_on_numeric_codes() -> None:
    frame = pd.DataFrame({"q": [1.0, 2.0, np.nan], "m": pd.Series(["1 3", 2, None], dtype=object)})
    assert run("selected(q, '1')", frame) == [True, False, None]
    assert run("selected(m, '3')", frame) == [True, False, None]
    assert run("count-selected(m)", frame) == [2.0, 1.0, None]


# --------------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("days(opened, closed)", [9.0, 0.0, None, None, None]),
        ("days(closed, opened)", [-9.0, 0.0, None, None, None]),
        # 2024-01-01 (Mon) .. 2024-01-10 (Wed), end excluded, 2024-01-02 a holiday: 1, 3, 4, 5, 8, 9
        ("working-days(opened, closed)", [6.0, 0.0, None, None, None]),
        ("working-days(opened, '2024-01-08')", [4.0, 1.0, None, 0.0, None]),
        ("days(param('start'), closed)", [5.0, 0.0, -4.0, None, 4.0]),
        ("closed >= '2024-01-05'", [True, True, False, None, True]),
        ("closed < '2024-01-05'", [False, False, True, None, False]),
        ("closed = '2024-01-09'", [False, False, False, None, True]),
        ("closed > opened", [True, False, None, None, None]),
        ("days(opened, closed) > 5 and working-days(opened, closed) < 10", [True, False, None, None, None]),
    ],
)
def test_dates(frame: pd.DataFrame, text: str, expected: list[Any]) -> None:
    assert run(text, frame) == expected


def test_working_days_without_holidays(frame: pd.DataFrame) -> None:
    assert run("working-days(opened, closed)", frame, Bindings())[:2] == [7.0, 0.0]


def test_dates_with_times_and_offsets() -> None:
    frame = pd.DataFrame(
        {
            "start": ["2024-03-01T23:30:00+03:00", "2024-03-01T08:00:00Z", "2024-03-01", None],
            "end": pd.to_datetime(
                ["2024-03-04 01:00", "2024-03-02 00:00", "2024-03-08 12:00", "2024-03-08 00:00"]
            ),
        }
    )
    assert run("days(start, end)", frame) == [3.0, 1.0, 7.0, None]
    assert run("working-days(start, end)", frame, Bindings()) == [1.0, 1.0, 5.0, None]


def test_date_arithmetic_is_refused(frame: pd.DataFrame) -> None:
    with pytest.raises(TypeError, match="days"):
        evaluate(parse("closed + 1"), frame, CTX)


# ---------------------------------------------------------------------------------- current and names


def test_current_answer() -> None:
    frame = pd.DataFrame({"pct": [-1, 0, 50, 100, 101, None]})
    ctx = Bindings(current="pct")
    assert run(". >= 0 and . <= 100", frame, ctx) == [False, True, True, True, False, None]
    with pytest.raises(ValueError, match="current"):
        evaluate(parse(". > 0"), frame, Bindings())


def test_braced_names_and_apostrophe() -> None:
    frame = pd.DataFrame({"answer": ["пам’ятка", "так", None], "and": [1, 2, 3]})
    assert run("${answer} = 'пам’ятка'", frame) == [True, False, None]
    assert run('answer = "так"', frame) == [False, True, None]
    assert run("${and} * 2", frame) == [2.0, 4.0, 6.0]


def test_missing_column_and_param(frame: pd.DataFrame) -> None:
    with pytest.raises(KeyError, match="nowhere"):
        evaluate(parse("nowhere = 1"), frame, CTX)
    with pytest.raises(KeyError, match="unknown"):
        evaluate(parse("param('unknown') = 1"), frame, CTX)


def test_param_kinds(frame: pd.DataFrame) -> None:
    assert run("param('region') = 'Odesa'", frame) == [True] * 5
    assert run("closed >= param('start')", frame) == [True, True, False, None, True]


def test_index_is_kept() -> None:
    frame = pd.DataFrame({"x": [1, 2, 3]}, index=[10, 10, 7])  # duplicate labels must not realign
    result = evaluate(parse("x * 2 > 3 and 1 = 1"), frame, Bindings())
    assert list(result.index) == [10, 10, 7]
    assert values(result) == [False, True, True]


def test_empty_frame() -> None:
    frame = pd.DataFrame({"x": pd.Series([], dtype=float)})
    assert len(evaluate(parse("x > 1 and 'a' = 'a'"), frame, Bindings())) == 0


def test_large_frame_vectorised() -> None:
    n = 200_000
    rng = np.random.default_rng(7)
    decision = rng.choice(["granted", "refused", ""], n)
    days_to = rng.integers(0, 60, n).astype(float)
    days_to[::97] = np.nan
    rating = rng.choice(["1", "2", "3", "4", "5"], n)
    help_ = rng.choice(["medical legal", "", "legal", "shelter"], n)
    frame = pd.DataFrame({"decision": decision, "days": days_to, "rating": rating, "help": help_})
    text = "(decision = 'granted' and days <= param('deadline')) or (rating >= 4 and selected(help, 'legal'))"
    result = truthy(evaluate(parse(text), frame, CTX))
    granted = (decision == "granted") & (np.nan_to_num(days_to, nan=1e9) <= 30)
    rated = (rating.astype(int) >= 4) & np.isin(help_, ["medical legal", "legal"])
    np.testing.assert_array_equal(result.to_numpy(), granted | rated)


def test_source_never_evaluates_code() -> None:
    source = "\n".join(inspect.getsource(module) for module in (
        expr, expr.nodes, expr.precedence, expr.parser, expr.tree, expr.text, expr.xpath, expr.evaluate))
    for forbidden in ("eval(", "exec(", "literal_eval", "__import__"):
        assert forbidden not in source
    # re.compile is fine; the builtin compile() is not.
    assert not re.search(r"(?<![\w.])compile\(", source)
