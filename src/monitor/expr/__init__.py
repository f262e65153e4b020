"""The expression language of indicator and survey definitions (XLSForm-like): grammar, parser, printers, evaluator.

Expressions appear in the YAML framework, e.g.::

    numerator: "decision = 'granted' and days_to_decision <= param('status_decision_days')"
    constraint: ". >= 0 and . <= 100"

Modules, one concept each: ``nodes`` (the tree, the syntax error, the function table),
``precedence`` (the one precedence table), ``parser`` (text -> tree), ``tree`` (names, parameters and
choices a tree uses), ``text`` and ``xpath`` (tree -> our canonical text / ODK XPath), ``evaluate``
(tree -> pandas values). Callers import from this package, not its modules.

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
  (:attr:`Bindings.current`). Names starting with ``_`` are engine fields like any other name.
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
  counts Monday-Friday days in ``[d1, d2)`` minus :attr:`Bindings.holidays` (``numpy.busday_count``;
  negative when d2 < d1); with :attr:`Bindings.calendar` (the engine's Ukrainian calendar,
  monitor.deadlines) it counts that calendar's working days in ``(d1, d2]`` instead (a term runs from the
  day after d1; working Saturdays count). Both take datetime columns or ISO text (time-zone offsets are
  dropped, the wall-clock date is kept) and give floats with NaN where a date is missing or unparseable.
* ``request-status(received, answered, as_of, urgent, notice, days, extended_days, urgent_hours)`` and
  ``step-status(start, end, as_of, days)`` judge one legal term per row with monitor.deadlines: text
  ``'on_time'``, ``'late'`` or ``'pending'`` (not ended and ``as_of`` not past the deadline), missing when
  the start (or the deadline) is unknown. request-status counts working days (Law No. 2939-VI art. 20),
  step-status calendar days (Procedure 417).
* ``subsistence-minimum(category, date)`` is the subsistence minimum in UAH for a category code
  (child_under_6, child_6_17, able_bodied, lost_capacity) on a date, from :attr:`Bindings.subsistence`
  (monitor.subsistence); missing where the table has no row for them.
* ``/`` and ``div`` are the same floating division (XPath ``div``, not integer division); division by
  zero gives missing. ``mod`` is the truncated remainder (sign of the dividend, ``numpy.fmod``).
* ``if(c, a, b)`` takes ``b`` where ``c`` is false *or missing* (as in XLSForm). ``coalesce`` takes the
  first non-missing argument. ``min`` / ``max`` are numeric and propagate missing. ``round`` rounds
  half away from zero; its digit count must be a whole-number literal.
* Arithmetic on dates, or comparing a date with a number, raises ``TypeError`` (use ``days()``). A column missing from the frame raises
  ``KeyError(name)``; ``param('x')`` absent from :attr:`Bindings.params` raises ``KeyError('x')``;
  ``.`` without :attr:`Bindings.current` raises ``ValueError``.
"""

from __future__ import annotations

from monitor.expr.evaluate import Bindings, evaluate, truthy
from monitor.expr.nodes import (
    FUNCTIONS,
    KEYWORDS,
    Arith,
    Boolean,
    Call,
    Compare,
    Current,
    ExprSyntaxError,
    In,
    Literal,
    Logic,
    Name,
    Neg,
    Node,
    Not,
    Number,
    String,
)
from monitor.expr.parser import parse
from monitor.expr.precedence import BINARY, COMPARISONS, Level, level
from monitor.expr.text import to_text
from monitor.expr.tree import choice_comparisons, names, params, selected_questions, uses_current, walk
from monitor.expr.xpath import Untranslatable, XPath, to_xpath

__all__ = [
    "BINARY",
    "COMPARISONS",
    "FUNCTIONS",
    "KEYWORDS",
    "Arith",
    "Bindings",
    "Boolean",
    "Call",
    "Compare",
    "Current",
    "ExprSyntaxError",
    "In",
    "Level",
    "Literal",
    "Logic",
    "Name",
    "Neg",
    "Node",
    "Not",
    "Number",
    "String",
    "Untranslatable",
    "XPath",
    "choice_comparisons",
    "evaluate",
    "level",
    "names",
    "params",
    "parse",
    "selected_questions",
    "to_text",
    "to_xpath",
    "truthy",
    "uses_current",
    "walk",
]
