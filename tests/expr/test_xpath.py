"""Our expressions printed as ODK XPath for XLSForm, by the shared precedence table."""

from __future__ import annotations

import pytest

from monitor.expr import Untranslatable, parse, to_text, to_xpath


@pytest.mark.parametrize(
    ("ours", "xpath"),
    [
        ("consent = 'yes'", "${consent} = 'yes'"),
        (". >= 0 and . <= 100", ". >= 0 and . <= 100"),
        ("decision in ('granted', 'refused')", "(${decision} = 'granted' or ${decision} = 'refused')"),
        ("decision not in ('a', 'b')", "not(${decision} = 'a' or ${decision} = 'b')"),
        ("days(applied, decided) <= param('deadline')",
         "round(decimal-date-time(${decided}) - decimal-date-time(${applied}), 0) <= 10"),
        ("coalesce(a, b, c) > 1", "coalesce(${a}, coalesce(${b}, ${c})) > 1"),
        ("is-empty(x) or not-empty(y)", "${x} = '' or ${y} != ''"),
        ("is-empty(x) = false", "(${x} = '') = false()"),
        ("selected(q, 'x') and count-selected(q) >= 2", "selected(${q}, 'x') and count-selected(${q}) >= 2"),
        ("if(a > 1, 2, 3) = 2", "if(${a} > 1, 2, 3) = 2"),
        ("min(a, b) + max(a, b) / 2", "min(${a}, ${b}) + max(${a}, ${b}) div 2"),
        ("round(a div b, 2) mod 3", "round(${a} div ${b}, 2) mod 3"),
        ("not a = 1", "not(${a} = 1)"),
        ("-(a + b) * 2", "-(${a} + ${b}) * 2"),
        ("a - (b - c)", "${a} - (${b} - ${c})"),
        ("(a or b) and c", "(${a} or ${b}) and ${c}"),
        ("name = param('label')", "${name} = \"it's\""),
        ("${a} = 1", "${a} = 1"),
    ],
)
def test_to_xpath(ours: str, xpath: str) -> None:
    assert to_xpath(ours, {"deadline": 10, "label": "it's", "items": ["a", "b"]}) == xpath


@pytest.mark.parametrize(
    ("ours", "reason"),
    [
        ("working-days(a, b) <= 5", "working-days"),
        ("_population > 0", "_population"),
        ("x = param('items')", "list"),
        ("x = param('missing')", "missing"),
    ],
)
def test_untranslatable(ours: str, reason: str) -> None:
    with pytest.raises(Untranslatable, match=reason):
        to_xpath(ours, {"items": ["a", "b"]})


@pytest.mark.parametrize("text", [
    "a - (b - c)", "(a or b) and c", "a or b and c", "not a = 1", "not(a) = b", "-(a + b) * 2",
    "a * (b + c) mod 2", "(a + b) div c <= d", "a div (b * c)", "-a - -b", "(a = 1) = (b = 2)",
    "round(a div b, 2) mod 3", "if(a > 1, 2, 3) = 2 or not(b)",
])
def test_xpath_parses_back_into_the_same_tree(text: str) -> None:
    """Both printers bracket by the one precedence table: the XPath (`${a}`, `div`, `not()`) is in our
    language too, and where no function is rewritten it must parse back into the tree it came from."""
    assert parse(to_xpath(text)) == parse(text)
    assert parse(to_text(parse(text))) == parse(text)
