"""User text stays plain in the app, and number boxes refuse out-of-range values with a message."""

from __future__ import annotations

import pytest

from chiapp.ui.session import plain
from tests.app.test_pages import open_page


def _unescaped(markdown: str) -> str:
    """What CommonMark renders for text escaped by ``plain``: each backslash-escaped character."""
    out, i = [], 0
    while i < len(markdown):
        if markdown[i] == "\\" and i + 1 < len(markdown):
            i += 1
        out.append(markdown[i])
        i += 1
    return "".join(out)


@pytest.mark.parametrize("text", ["[x](http://example.com)", "*CC(*)c1ccccc1", "<b>bold</b>", "$x$ :smile: ~a~"])
def test_plain_escapes_every_markdown_character_and_renders_back(text):
    escaped = plain(text)
    assert _unescaped(escaped) == text
    for char in "[]()*<>$:~":
        assert f"{char}" not in escaped.replace(f"\\{char}", "")


def test_typed_link_in_an_error_is_shown_as_text():
    at = open_page()
    at.radio(key="solvent_mode").set_value("SMILES").run()
    at.text_input(key="solvent_smiles").set_value("[x](http://example.com)").run()
    assert not at.exception
    assert len(at.error) == 1
    shown = at.error[0].value
    assert "\\[x\\]\\(http\\:" in shown  # no markdown link survives
    assert "[x](http://example.com)" in _unescaped(shown)


def test_polymer_stars_survive_in_an_error():
    at = open_page()
    at.radio(key="solvent_mode").set_value("SMILES").run()
    at.text_input(key="solvent_smiles").set_value("*CC(*)c1ccccc1").run()
    assert len(at.error) == 1
    assert "*CC(*)c1ccccc1" in _unescaped(at.error[0].value)
    assert "\\*CC\\(\\*\\)" in at.error[0].value


@pytest.mark.parametrize("value, words", [(1e12, "Chain length N must be between 1 and 1e+06, got 1e+12"),
                                          (0.5, "got 0.5")])
def test_chain_length_out_of_range_is_refused_not_kept(value, words):
    at = open_page()
    at.number_input(key="chain_length").set_value(value).run()
    assert not at.exception
    assert len(at.error) == 1 and words in _unescaped(at.error[0].value)
