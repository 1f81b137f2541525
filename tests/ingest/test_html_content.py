"""The shared HTML walk: every kind of markup a blog post holds gets its role, every
footnote convention links, and what cannot be in a book is recorded as left out."""

from __future__ import annotations

from scripts.core import model as m
from scripts.ingest.html_content import convert


def kinds_and_texts(markup: str) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in convert(markup, "post.html").blocks]


def ref(n: int) -> str:
    return m.note_ref(n)


def test_paragraphs_headings_lists_quotes_and_code_keep_their_roles():
    blocks = kinds_and_texts(
        "<p>One <em>two</em>\n three.</p><h2>Part</h2><ul><li>a</li><li>b</li></ul>"
        "<ol start='4'><li><p>four</p><p>still four</p></li><li>five</li></ol>"
        "<blockquote><p>Said.</p><p>Again.</p></blockquote><pre>x = 1\n  y = 2</pre>")
    assert blocks == [("paragraph", "One two three."), ("heading", "Part"), ("bullet", "a"),
                      ("bullet", "b"), ("numbered", "four still four"), ("numbered", "five"),
                      ("quote", "Said."), ("quote", "Again."), ("code", "x = 1\n  y = 2")]
    numbered = [b.number for b in convert("<ol start='4'><li>a</li><li>b</li></ol>", "f").blocks]
    assert numbered == [4, 5]


def test_nested_list_items_stay_items_of_their_own():
    blocks = kinds_and_texts("<ul><li>outer<ul><li>inner one</li><li>inner two</li></ul></li></ul>")
    assert blocks == [("bullet", "outer"), ("bullet", "inner one"), ("bullet", "inner two")]


def test_linked_footnotes_become_notes_in_reading_order_without_their_back_links():
    content = convert(
        '<p>Claim.<sup id="r2"><a href="#fn2">2</a></sup> Other [<a href="#fn1">1</a>].</p>'
        '<h3>Notes</h3><ol><li id="fn1">First cited second. <a href="#r1">↩</a></li>'
        '<li id="fn2">Cited first, <a href="https://example.org/report">the report</a>. '
        '<a href="#r2">↩︎</a></li></ol>', "post.html")
    body = [(b.kind, b.text) for b in content.blocks]
    assert body == [("paragraph", f"Claim.{ref(1)} Other{ref(2)}."), ("notes_heading", "Notes"),
                    ("note", "Cited first, the report, https://example.org/report."),
                    ("note", "First cited second.")]
    assert [b.number for b in content.blocks if b.kind == m.NOTE] == [1, 2]


def test_word_style_and_pandoc_style_notes_link():
    word = convert('<p>Text<a href="#_ftn1" name="_ftnref1">[1]</a></p>'
                   '<p><a href="#_ftnref1" name="_ftn1">[1]</a> Word note.</p>', "f")
    assert [(b.kind, b.text) for b in word.blocks] == [("paragraph", f"Text{ref(1)}"), ("note", "Word note.")]
    pandoc = convert('<p>Text<a href="#fn1" class="footnote-ref" id="fnref1" role="doc-noteref">'
                     '<sup>1</sup></a></p><section id="footnotes" class="footnotes footnotes-end-of-document">'
                     '<hr /><ol><li id="fn1"><p>Pandoc note.<a href="#fnref1" class="footnote-back">↩︎</a>'
                     '</p></li></ol></section>', "f")
    assert [(b.kind, b.text) for b in pandoc.blocks] == [("paragraph", f"Text{ref(1)}"), ("note", "Pandoc note.")]


def test_bare_superscripts_link_to_a_numbered_list_under_a_notes_heading():
    content = convert("<p>One<sup>1</sup> and two<sup>2</sup>, 5 m<sup>2</sup> aside.</p>"
                      "<p><strong>Notes</strong></p><ol><li>A.</li><li>B.</li></ol>", "f")
    assert [(b.kind, b.text) for b in content.blocks] == [
        ("paragraph", f"One{ref(1)} and two{ref(2)}, 5 m² aside."), ("note", "A."), ("note", "B.")]


def test_bare_superscripts_stay_text_when_the_notes_do_not_match_them():
    content = convert("<p>One<sup>1</sup> and two<sup>2</sup>.</p><h2>Notes</h2><ol><li>Only one.</li></ol>", "f")
    assert [b.kind for b in content.blocks] == ["paragraph", "heading", "numbered"]


def test_unreferenced_notes_and_media_are_recorded_as_left_out():
    content = convert('<p>Cited<a href="#n1">1</a>.</p><figure><img src="a.jpg" alt="A map">'
                      '<figcaption>The map</figcaption></figure><iframe src="https://video.example/1"></iframe>'
                      '<script>alert(1)</script><ol class="footnotes"><li id="n1">Yes.</li><li id="n2">Never cited.</li></ol>',
                      "post.html", 10)
    assert [(b.kind, b.text) for b in content.blocks] == [
        ("paragraph", f"Cited{ref(1)}."), ("caption", "The map"), ("note", "Yes.")]
    assert sorted(item.what for item in content.left_out) == ["embed", "image", "markup", "unreferenced-note"]
    assert all(item.line >= 10 for item in content.left_out)


def test_markup_in_the_text_is_never_markup_in_the_model():
    blocks = kinds_and_texts("<p>&lt;script&gt;alert(1)&lt;/script&gt; and <b onclick='x()'>bold</b></p>")
    assert blocks == [("paragraph", "<script>alert(1)</script> and bold")]


def test_a_table_keeps_its_text_one_paragraph_per_row_and_says_so():
    content = convert("<table><tr><th>Year</th><th>Sales</th></tr><tr><td>2020</td><td>5</td></tr></table>", "f")
    assert [(b.kind, b.text) for b in content.blocks] == [("paragraph", "Year · Sales"), ("paragraph", "2020 · 5")]
    assert [item.what for item in content.left_out] == ["table-layout"]


def test_source_lines_count_from_the_first_line_given():
    content = convert("<p>a</p>\n\n<p>b</p>", "export.xml", 40)
    assert [b.source.first_line for b in content.blocks] == [40, 42]
