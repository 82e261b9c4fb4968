"""A text in another language than the page's keeps its mark where the plugin writes it into
a message or beside other text, and loses it where no mark can go (attributes, labels)."""

from __future__ import annotations

from markupsafe import Markup, escape

from portfolio_plugin.i18n import Translator
from portfolio_plugin.model import Foreign, Mixed, unmarked
from portfolio_plugin.render.charts import label
from portfolio_plugin.render.text import joined, theme_text


def test_a_message_with_a_text_in_another_language_marks_it_as_html() -> None:
    t = Translator.for_language("sv")
    name = Foreign("Nordic <Firm> & Co", "en")
    made = t("opendata.feed_title", name=name)
    assert isinstance(made, Mixed)
    assert str(made) == t("opendata.feed_title", name="Nordic <Firm> & Co")
    html = str(escape(made))
    assert '<span lang="en">Nordic &lt;Firm&gt; &amp; Co</span>' in html
    assert "<Firm>" not in html
    # Where no mark can go: the plain text, escaped once.
    assert unmarked(made) == str(made) and type(unmarked(made)) is str
    assert theme_text(made) == str(escape(str(made)))
    assert "span" not in label(made)


def test_a_message_without_one_is_a_plain_string() -> None:
    t = Translator.for_language("sv")
    made = t("opendata.feed_title", name="Norrvik")
    assert type(made) is str


def test_texts_joined_keep_the_mark_of_the_one_in_another_language() -> None:
    made = joined(Foreign("Leaks", "en"), " (", "procent", ")")
    assert str(made) == "Leaks (procent)"
    assert str(escape(made)) == '<span lang="en">Leaks</span> (procent)'
    assert type(joined("a", "b")) is str


def test_markup_is_left_as_it_is_for_an_attribute() -> None:
    already = Markup("a &amp; b")
    assert unmarked(already) is already
