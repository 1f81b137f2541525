"""Pictures: a post's picture found in the writer's copy of the uploads folder, placed in
the chapter where the post shows it, with its caption and alternative text; what is not
found is reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from scripts.core import model as m
from scripts.ingest.html_content import convert
from scripts.ingest.images import ImageFolder


def picture(path: Path, size=(40, 30), form="JPEG") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (120, 90, 60)).save(path, form)
    return path


@pytest.fixture
def uploads(tmp_path) -> ImageFolder:
    root = tmp_path / "uploads"
    picture(root / "2020" / "05" / "harbour.jpg")
    picture(root / "2020" / "05" / "harbour-1024x683.jpg")
    picture(root / "2019" / "01" / "Map Of Asia.PNG", form="PNG")
    picture(root / "assets" / "img" / "diagram.png", form="PNG")
    picture(root / "top.jpg")
    (root / "2020" / "05" / "notes.txt").write_text("not a picture")
    (root / "2020" / "05" / "broken.jpg").write_bytes(b"not really a jpeg")
    return ImageFolder(root)


@pytest.mark.parametrize("src, found", [
    ("https://blog.example/wp-content/uploads/2020/05/harbour.jpg", "2020/05/harbour.jpg"),
    # WordPress's smaller copy, and one it never made: the original upload is printed.
    ("https://blog.example/wp-content/uploads/2020/05/harbour-1024x683.jpg?w=604", "2020/05/harbour.jpg"),
    ("https://blog.example/wp-content/uploads/2020/05/harbour-300x200.jpg", "2020/05/harbour.jpg"),
    ("https://cdn.example/2019/01/Map%20Of%20Asia.png", "2019/01/Map Of Asia.PNG"),   # case, escapes
    ("/assets/img/diagram.png", "assets/img/diagram.png"),                            # a static site's
    ("../img/diagram.png", "assets/img/diagram.png"),
    ("https://blog.example/wp-content/uploads/2021/02/elsewhere.jpg", None),
    ("https://blog.example/wp-content/uploads/2021/02/harbour.jpg", None),   # another month's
    ("https://blog.example/top.jpg", "top.jpg"),                             # a flat folder
    ("https://blog.example/2020/05/notes.txt", None),                                 # not a picture
    ("../../../../etc/passwd", None),
    ("", None),
])
def test_a_picture_is_found_by_the_end_of_its_address(uploads, src, found):
    result = uploads.find(src)
    assert (result.path if result else None) == found
    if result:
        assert uploads.root in result.absolute.parents


def test_a_figure_found_becomes_a_figure_with_its_caption_and_alt_text(uploads):
    body = convert('<p>Before.</p><figure><img src="/wp-content/uploads/2020/05/harbour-300x200.jpg" '
                   'alt="Boats at dawn"><figcaption>The harbour in <em>May</em>.</figcaption></figure>'
                   '<p>After.</p>', "post.xml", images=uploads)
    assert [(b.kind, b.text, b.image, b.alt) for b in body.blocks] == [
        (m.PARAGRAPH, "Before.", "", ""),
        (m.FIGURE, "The harbour in May.", "2020/05/harbour.jpg", "Boats at dawn"),
        (m.PARAGRAPH, "After.", "", "")]
    assert body.left_out == []


def test_a_picture_opening_a_paragraph_goes_before_it_one_inside_goes_after(uploads):
    body = convert('<p><a href="/big.jpg"><img src="/2020/05/harbour.jpg" alt="A"></a><br>Caption-like '
                   'words.</p><p>Text <img src="/assets/img/diagram.png"> more text.</p>',
                   "post.xml", images=uploads)
    assert [(b.kind, b.image) for b in body.blocks] == [
        (m.FIGURE, "2020/05/harbour.jpg"), (m.PARAGRAPH, ""), (m.PARAGRAPH, ""),
        (m.FIGURE, "assets/img/diagram.png")]


def test_without_a_copy_the_caption_stays_a_caption_and_the_picture_is_reported(uploads):
    markup = ('<figure><img src="/2021/02/elsewhere.jpg" alt="Gone"><figcaption>Lost view.</figcaption>'
              '</figure><p>Text.</p><img src="/2020/05/broken.jpg">')
    without = convert(markup, "post.xml")
    assert [b.kind for b in without.blocks] == [m.CAPTION, m.PARAGRAPH]
    assert "images:" in without.left_out[0].reason              # says how to give the book a copy
    found = convert(markup, "post.xml", images=uploads)
    assert [b.kind for b in found.blocks] == [m.CAPTION, m.PARAGRAPH]
    assert [i.what for i in found.left_out] == ["image", "image"]
    assert "not in the book's images folder" in found.left_out[0].reason
    assert "not a picture the book can read" in found.left_out[1].reason


def test_a_gallery_keeps_every_picture_and_puts_its_caption_under_the_last(uploads):
    body = convert('<figure class="wp-block-gallery"><figure><img src="/2020/05/harbour.jpg"></figure>'
                   '<figure><img src="/assets/img/diagram.png"></figure>'
                   '<figcaption>Two views.</figcaption></figure>', "post.xml", images=uploads)
    assert [(b.kind, b.text) for b in body.blocks] == [(m.FIGURE, ""), (m.FIGURE, "Two views.")]


def test_a_relative_address_is_the_picture_beside_the_post(tmp_path):
    """Hugo page bundles: every post is content/blog/<slug>/index.md with its pictures beside
    it, so "histogram.png" names a different file in each.  Copied with the bundles' layout,
    the picture found is the one beside the post; an address alone still finds a picture at
    the top of the folder, and an absolute one is not moved."""
    root = tmp_path / "pictures"
    picture(root / "content" / "blog" / "a" / "histogram.png", form="PNG")
    picture(root / "content" / "blog" / "b" / "histogram.png", form="PNG")
    picture(root / "flat.png", form="PNG")
    picture(root / "img" / "site.png", form="PNG")
    folder = ImageFolder(root)
    markup = ('<p><img src="histogram.png"> <img src="flat.png"> <img src="/img/site.png">'
              ' <img src="../b/histogram.png"></p>')
    body = convert(markup, "content/blog/a/index.md", images=folder)
    assert [b.image for b in body.blocks if b.kind == m.FIGURE] == [
        "content/blog/a/histogram.png", "flat.png", "img/site.png", "content/blog/b/histogram.png"]
    assert convert('<p><img src="histogram.png"></p>', "post.xml", images=folder).left_out[0].what == "image"
