"""The WordPress export adapter: a WXR file (WordPress → Tools → Export) -> articles.

A WXR file is an RSS feed with WordPress's own elements: each `<item>` is a post,
page, attachment, menu entry or revision, with its status, dates, author, terms,
metadata and comments, and the post's HTML in `content:encoded` as WordPress
stores it (before its "auto-paragraphs" filter and shortcodes run).

The book takes published posts (and pages when book.yaml asks for them).  Drafts,
private and trashed posts, revisions, attachments, menus and comments stay out,
and the split report counts each.  The HTML then goes the way of every
structured source (html_content.py), after the two things only WordPress does:

- auto-paragraphs: text separated by blank lines is a paragraph, a single newline a
  line break (what `wpautop` does when the post is shown);
- shortcodes: `[caption]` becomes a figure with its caption, the footnote
  shortcodes (`[ref]`, `[footnote]`, `[efn_note]`...) and the block editor's
  footnotes (kept in the post's `footnotes` metadata) become notes, media and
  widget shortcodes (`[gallery]`, `[embed]`, `[contact-form]`...) are left out and
  reported, and any other enclosing shortcode keeps its text.
"""

from __future__ import annotations

import json
import re
from email.utils import parsedate_to_datetime
from pathlib import Path

from lxml import etree

from scripts.core import model as m
from scripts.core.book import Book
from scripts.core.errors import UserError
from scripts.core.memo import Memo
from scripts.ingest import html_content
from scripts.ingest.images import ImageFolder, folder_for
from scripts.ingest.common import LeftOut, Post, Read, Site, clean_text, number_blocks, read_text, slugify

HINT = "export the site again from WordPress (Tools → Export → All content) and use that file as it is"
# WordPress.com writes https:// namespaces, self-hosted WordPress http://.
WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/$")
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
EXCERPT_NS = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/excerpt/$")

STATUS_REASONS = {
    "draft": "a draft, not published", "pending": "waiting for review, not published",
    "future": "scheduled, not yet published", "private": "private: only its author can read it",
    "trash": "in the trash", "auto-draft": "an automatic draft", "inherit": "a revision or attachment",
}
TYPE_REASONS = {
    "attachment": "an uploaded file (the book has no pictures)", "revision": "an earlier revision",
    "nav_menu_item": "a menu entry, not writing", "page": "a page, not a post "
    "(add 'pages: true' under 'select:' in book.yaml to include pages)",
    "wp_block": "a reusable block", "wp_template": "a theme template", "wp_template_part": "a theme part",
    "wp_global_styles": "theme styles", "wp_navigation": "a navigation menu", "custom_css": "theme CSS",
    "oembed_cache": "a cached embed", "customize_changeset": "a theme customisation",
    "feedback": "a contact-form message", "wp_font_family": "a font", "wp_font_face": "a font",
}

# Shortcodes whose content is not text for a book (media, widgets): left out, content and all.
MEDIA_SHORTCODES = frozenset({
    "gallery", "embed", "video", "audio", "playlist", "wpvideo", "youtube", "vimeo", "soundcloud",
    "googlemaps", "tweet", "twitter", "instagram", "slideshow", "contact-form", "contact-form-7",
    "contact-field", "polldaddy", "crowdsignal", "recipe", "slideshare", "scribd", "archives",
    "sitemap", "toc", "table-of-contents", "wpforms", "gravityform", "mailchimp", "subscribe"})
FOOTNOTE_SHORTCODES = frozenset({"ref", "footnote", "fn", "efn_note", "easy_footnote", "note", "mfn"})
SHORTCODE = re.compile(r"\[(/?)([a-z][a-z0-9_-]*)((?:\s[^\]\[]*)?)(/?)\]", re.I)
CAPTION = re.compile(r"\[caption\b[^\]]*\](.*?)\[/caption\]", re.S | re.I)
BLOCK_START = re.compile(r"^\s*<(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|table|thead|tbody|tr|td|th|"
                         r"figure|figcaption|hr|dl|dt|dd|section|article|aside|header|footer|nav|"
                         r"address|form|iframe|script|style|!--|\?|center|details|summary|"
                         r"caption|colgroup|video|audio|object|embed|noscript)\b", re.I)
RULE_THEN_TEXT = re.compile(r"^(\s*<hr\b[^>]*>[ \t]*\n)(?=[ \t]*[^\s<]|[ \t]*<(?:sup|a|em|strong|b|i)\b)", re.I)
URL_LINE = re.compile(r"^\s*https?://\S+\s*$")
PARAGRAPH_TAGS = re.compile(r"</?p>")         # compiled once: _auto_embeds runs it on every line
PRE = re.compile(r"<pre\b.*?</pre>", re.S | re.I)


def read_all(sources: list[tuple[Path, str]], taken: set[str], book: Book,
             conversions: Memo | None = None) -> Read:
    """Every export in turn (each file is checked on its own: an export with no
    published post is an error even beside a good one)."""
    result = Read()
    for path, name in sources:
        one = read(path, name, taken, book)
        result.posts += one.posts
        result.left_out += one.left_out
        result.site = result.site if result.site.title else one.site
    return result


def read(path: Path, name: str, taken: set[str], book: Book) -> Read:
    """Every published post of the export (and page, if book.yaml asks) as an article."""
    pages, book_author = book.select.pages, book.author
    root = _parse(path, name)
    channel = root.find("channel")
    if channel is None:
        raise UserError("this RSS file has no <channel>: it is not a WordPress export", file=name,
                        line=root.sourceline, hint=HINT)
    wp = _wp_namespace(root, channel, name)
    result = Read(site=_site(channel, wp))
    items = channel.findall("item")
    for item in items:
        _read_item(item, wp, name, taken, pages, book_author, result, folder_for(book))
    # An export lists items by id, not by date: the posts in the order they were written
    # (to the minute: several posts of one day keep their order).
    result.posts.sort(key=lambda pair: pair[0].when or pair[0].date or "9999")
    if not items:
        raise UserError("the export holds no posts or pages at all, only the site's settings "
                        "(authors, categories, tags)", file=name, line=channel.sourceline,
                        hint="export 'All content' (Tools → Export in WordPress), not only the settings")
    if not result.posts:
        counted = ", ".join(f"{n} {what}" for what, n in _count(result.left_out).items())
        raise UserError(f"the export has no published posts ({counted})", file=name,
                        hint="export 'All content' or 'Posts' from a site with published posts"
                             + ("; to use pages, add 'pages: true' under 'select:' in book.yaml"
                                if not pages else ""))
    return result


DECLARED_ENCODING = re.compile(rb"^\s*<\?xml[^>]*\bencoding=[\"']([\w.:-]+)[\"']", re.I)


def _decoded(path: Path, name: str) -> str:
    """The export's text.  WordPress writes UTF-8, but an old or hand-made export may
    declare another encoding in its XML declaration: that declaration is obeyed."""
    try:
        head = path.open("rb").read(200)
    except OSError as error:
        raise UserError(f"cannot read the file: {error.strerror}", file=name) from None
    declared = DECLARED_ENCODING.match(head)
    encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    if encoding.replace("-", "").replace("_", "") in ("utf8", "utf16") or encoding == "utf-8":
        return read_text(path, "WordPress export", HINT)
    try:
        text = path.read_bytes().decode(encoding)
    except LookupError:
        raise UserError(f"the export declares an encoding this machine does not know ('{encoding}')",
                        file=name, line=1, hint="save it as UTF-8, or " + HINT) from None
    except UnicodeDecodeError as error:
        raise UserError(f"the export is not the '{encoding}' its first line declares "
                        f"(byte 0x{error.object[error.start]:02x})", file=name,
                        line=error.object[:error.start].count(b"\n") + 1, hint=HINT) from None
    # The text is decoded now: the declaration must not make the parser decode it again.
    return re.sub(r"^(\s*<\?xml[^>]*?)\s+encoding=[\"'][\w.:-]+[\"']", r"\1", text.replace("\r\n", "\n"), count=1)


def _parse(path: Path, name: str) -> etree._Element:
    text = _decoded(path, name)
    if re.search(r"<!DOCTYPE[^>]*\[|<!ENTITY", text[:20000], re.I):
        raise UserError("the file declares its own XML entities, which a WordPress export never does",
                        file=name, line=text[:text.find("<!")].count("\n") + 1, hint=HINT)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=True, remove_comments=False, strip_cdata=True)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as error:
        # An error on the file's last lines, or at its end, is a file cut short (a download
        # or a copy that stopped), whatever libxml2 calls it.
        at_end = (error.lineno or 0) >= text.count("\n") or "end of data" in str(error).lower() \
            or "premature end" in str(error).lower()
        cut = "the file ends before the export does" if at_end else f"the XML is damaged ({error.msg})"
        raise UserError(f"not a readable WordPress export: {cut}", file=name,
                        line=error.lineno or None, hint=HINT) from None
    if etree.QName(root).localname != "rss":
        raise UserError(f"this XML file is a <{etree.QName(root).localname}>, not a WordPress export (<rss>)",
                        file=name, line=root.sourceline, hint=HINT)
    return root


def _wp_namespace(root, channel, name: str) -> str:
    # The namespace bound to "wp" on the channel, else any WordPress export namespace
    # declared (the newest version first, so the choice never depends on set order).
    bound = channel.nsmap.get("wp")
    spaces = sorted({ns for ns in (*root.nsmap.values(), *channel.nsmap.values()) if ns}, reverse=True)
    wp = bound if bound and WP_NAMESPACE.match(bound) else next(
        (ns for ns in spaces if WP_NAMESPACE.match(ns)), None)
    if wp is None:
        raise UserError("this is an RSS feed, not a WordPress export: it has no wp: elements",
                        file=name, line=root.sourceline,
                        hint="a feed holds only the latest posts, cut short; " + HINT)
    return wp


def _text(element, path: str, namespaces: dict | None = None) -> str:
    found = element.find(path, namespaces) if element is not None else None
    return clean_text(found.text or "") if found is not None else ""


def _site(channel, wp: str) -> Site:
    site = Site(title=html_content.normalise_space(_entities(_text(channel, "title"))),
                  link=_text(channel, "link"), language=_text(channel, "language"))
    for author in channel.findall(f"{{{wp}}}author"):
        login = _text(author, f"{{{wp}}}author_login")
        display = _text(author, f"{{{wp}}}author_display_name") or login
        if login:
            site.authors[login] = html_content.normalise_space(display)
    return site


def _entities(text: str) -> str:
    """Titles are stored HTML-escaped ('Tom &amp; Jerry', '&#8217;'): read them as text."""
    import html
    return html.unescape(text)


def _read_item(item, wp: str, name: str, taken: set[str], pages: bool, book_author: str,
               result: Read, images: ImageFolder | None = None) -> None:
    title = html_content.normalise_space(_entities(_text(item, "title")))
    post_type = _text(item, f"{{{wp}}}post_type") or "post"
    status = _text(item, f"{{{wp}}}status") or "publish"
    line = item.sourceline or 1

    def leave(what: str, reason: str) -> None:
        result.left_out.append(LeftOut(name, line, what, title or "(untitled)", reason))

    if post_type not in ("post", "page") or (post_type == "page" and not pages):
        leave(post_type, TYPE_REASONS.get(post_type, f"a '{post_type}' item, not a post"))
        return
    if status != "publish":
        leave(status, STATUS_REASONS.get(status, f"its status is '{status}', not published"))
        return
    if _text(item, f"{{{wp}}}post_password"):
        leave("password-protected", "protected by a password on the site")
        return
    content_element = item.find(f"{{{CONTENT_NS}}}encoded")
    content = clean_text(content_element.text or "") if content_element is not None else ""
    content_line = content_element.sourceline if content_element is not None else line
    footnotes = _meta(item, wp, "footnotes")
    markup, left_out = prepare_content(content, name, content_line, footnotes)
    result.left_out.extend(left_out)
    body = html_content.convert(markup, name, content_line, images=images)
    result.left_out.extend(body.left_out)
    if not any(b.kind in m.CONTENT_KINDS for b in body.blocks):
        pictures = [i for i in body.left_out + left_out if i.what in ("image", "embed", "shortcode")]
        if pictures:
            leave("image-only", f"the post is only pictures or embeds ({len(pictures)}), and the book has "
                                "none: its captions are in the report")
        else:
            leave("empty", "the post has no text")
        return
    date = _date(item, wp)
    if not title:
        first = next(b.text for b in body.blocks if b.kind in m.BODY_KINDS)
        words = html_content.SENTINEL.sub("", first).split()
        title = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
        result.left_out.append(LeftOut(name, line, "untitled", title,
                                       "the post has no title: the book uses its first words"))
    creator = _text(item, f"{{{DC_NS}}}creator")
    author = result.site.authors.get(creator, creator)
    title_element = item.find("title")
    title_line = title_element.sourceline if title_element is not None else line
    blocks = [m.Block(kind=m.TITLE, text=title, source=m.SourceRef(name, title_line, title_line))]
    excerpt = _excerpt(item, body.blocks)
    if excerpt:
        blocks.append(m.Block(kind=m.STANDFIRST, text=excerpt[0], source=m.SourceRef(name, excerpt[1], excerpt[1])))
    blocks += body.blocks
    comments = item.findall(f"{{{wp}}}comment")
    if comments:
        result.left_out.append(LeftOut(name, comments[0].sourceline or line, "comments", title,
                                       f"{len(comments)} comment(s): the book prints the posts, not their comments"))
    last = max([b.source.last_line for b in blocks] + [line])
    article = m.Article(slug=slugify(title, taken), source_file=name, first_line=line, last_line=last,
                        blocks=number_blocks(blocks), origin="wxr", date=date,
                        authors=[author] if author and book_author and author != book_author else [])
    terms = {"category": [], "post_tag": []}
    for category in item.findall("category"):
        terms.setdefault(category.get("domain", "category"), []).append(
            html_content.normalise_space(_entities(category.text or "")))
    post = Post(title=title, date=date, when=_timestamp(item, wp), slug=_text(item, f"{{{wp}}}post_name"),
                authors=[author] if author else [], categories=terms["category"],
                tags=terms["post_tag"], line=line)
    result.posts.append((post, article))


def _timestamp(item, wp: str) -> str:
    value = _text(item, f"{{{wp}}}post_date")
    return value if re.match(r"\d{4}-\d\d-\d\d", value) and not value.startswith("0000") else ""


def _meta(item, wp: str, key: str) -> str:
    for meta in item.findall(f"{{{wp}}}postmeta"):
        if _text(meta, f"{{{wp}}}meta_key") == key:
            return _text(meta, f"{{{wp}}}meta_value")
    return ""


def _date(item, wp: str) -> str:
    for tag in (f"{{{wp}}}post_date", f"{{{wp}}}post_date_gmt"):
        value = _text(item, tag)
        if re.match(r"\d{4}-\d\d-\d\d", value) and not value.startswith("0000"):
            return value[:10]
    published = _text(item, "pubDate")
    try:
        return parsedate_to_datetime(published).date().isoformat() if published else ""
    except (TypeError, ValueError):
        return ""


def _excerpt(item, body: list[m.Block]) -> tuple[str, int] | None:
    """The post's hand-written excerpt, as its standfirst, unless it only repeats the opening."""
    for element in item:
        if isinstance(element.tag, str) and etree.QName(element).localname == "encoded" \
                and EXCERPT_NS.match(etree.QName(element).namespace or ""):
            text = html_content.normalise_space(
                html_content.parse_fragment(clean_text(element.text or "")).text_content())
            if not text:
                return None
            opening = " ".join(html_content.SENTINEL.sub("", b.text) for b in body[:3])
            key = re.sub(r"\W+", " ", text.rstrip(".…[] ")).lower().strip()
            if key and key in re.sub(r"\W+", " ", opening).lower():
                return None
            return text, element.sourceline or 1
    return None


# ---------------------------------------------------------------- WordPress's own markup

def prepare_content(content: str, name: str, first_line: int, footnotes_meta: str = "") \
        -> tuple[str, list[LeftOut]]:
    """The post's stored content as the HTML WordPress would show: shortcodes resolved,
    auto-paragraphs made.  Every replacement keeps the text's line count, so the lines
    the HTML walk reports are the export's lines."""
    left_out: list[LeftOut] = []
    notes: list[str] = []

    def line_at(position: int) -> int:
        return first_line + content.count("\n", 0, position)

    def caption(match: re.Match) -> str:
        inner = match.group(1)
        image = re.search(r"<a\b[^>]*>\s*<img\b[^>]*>\s*</a>|<img\b[^>]*>", inner, re.I)
        picture = image.group(0) if image else ""
        text = (inner[:image.start()] + inner[image.end():]) if image else inner
        return (f"<figure>{picture}<figcaption>{text.strip()}</figcaption></figure>"
                + "\n" * match.group(0).count("\n"))

    content = CAPTION.sub(caption, content)

    def footnote(text: str) -> str:
        notes.append(text)
        k = len(notes)
        return f'<sup><a href="#wxr-note-{k}">{k}</a></sup>' + "\n" * text.count("\n")

    names = "|".join(sorted(FOOTNOTE_SHORTCODES, key=len, reverse=True))
    content = re.sub(rf"\[({names})\b[^\]]*\](.*?)\[/\1\]", lambda mt: footnote(mt.group(2)), content,
                     flags=re.S | re.I)
    # Footnotes Made Easy writes a note as ((text)) in the post.
    content = re.sub(r"\(\(([^()]+?)\)\)", lambda mt: footnote(mt.group(1)), content)
    content = html_content.textile_notes(content)
    content = _shortcodes(content, name, line_at, left_out)
    content = _auto_embeds(content, name, first_line, left_out)
    content = autop(content)
    if notes:
        content += '\n<ol class="footnotes">' + "".join(
            f'<li id="wxr-note-{k}">{text}</li>' for k, text in enumerate(notes, 1)) + "</ol>"
    if footnotes_meta:
        content += _block_editor_footnotes(footnotes_meta, name, first_line, left_out)
    return content, left_out


def _shortcodes(content: str, name: str, line_at, left_out: list[LeftOut]) -> str:
    """Media shortcodes out (content and all); other shortcodes' tags out, their text kept.
    `[sic]` or `[1]` in prose is not a shortcode: only a known name, one with attributes,
    or one that is closed later counts."""
    closed = {mt.group(2).lower() for mt in SHORTCODE.finditer(content) if mt.group(1)}
    for media in sorted(MEDIA_SHORTCODES & closed):
        pattern = re.compile(rf"\[{re.escape(media)}\b[^\]]*\].*?\[/{re.escape(media)}\]", re.S | re.I)
        content = pattern.sub(lambda mt: _left(mt, name, line_at, left_out, "shortcode"), content)

    def tag(mt: re.Match) -> str:
        shortcode = mt.group(2).lower()
        known = (shortcode in MEDIA_SHORTCODES or shortcode in closed or "=" in mt.group(3))
        if not known:
            return mt.group(0)
        if shortcode in MEDIA_SHORTCODES:
            return _left(mt, name, line_at, left_out, "shortcode")
        if not mt.group(1):
            left_out.append(LeftOut(name, line_at(mt.start()), "shortcode", mt.group(0),
                                    f"the [{shortcode}] shortcode is WordPress markup; its text, if any, is kept"))
        return ""

    return SHORTCODE.sub(tag, content)


def _left(mt: re.Match, name: str, line_at, left_out: list[LeftOut], what: str) -> str:
    left_out.append(LeftOut(name, line_at(mt.start()), what, html_content.normalise_space(mt.group(0)),
                            "a media or widget shortcode: the book cannot show it"))
    return "\n" * mt.group(0).count("\n")


def _auto_embeds(content: str, name: str, first_line: int, left_out: list[LeftOut]) -> str:
    """A web address alone on its line is an embed (WordPress shows the video or tweet)."""
    lines = content.split("\n")
    for i, line in enumerate(lines):
        bare = PARAGRAPH_TAGS.sub("", line)
        if URL_LINE.match(bare):
            left_out.append(LeftOut(name, first_line + i, "embed", bare.strip(),
                                    "a web address on its own line, which WordPress shows as an embed"))
            lines[i] = ""
    return "\n".join(lines)


def autop(content: str) -> str:
    """WordPress's auto-paragraphs: a blank line ends a paragraph, a newline breaks a line.
    Text that already sits in block markup (the block editor's, or hand-written) is kept;
    <pre> is never touched.  The number of lines never changes."""
    kept: list[str] = []

    def protect(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00" + "\n" * match.group(0).count("\n")

    content = PRE.sub(protect, content)
    chunks = re.split(r"(\n[ \t]*\n)", content)
    out = []
    for chunk in chunks:
        if not chunk.strip() or chunk.startswith("\n") and not chunk.strip():
            out.append(chunk)
        elif RULE_THEN_TEXT.match(chunk):
            # "<hr />" on its own line, then text: the text is a paragraph of its own.
            rule = RULE_THEN_TEXT.match(chunk).group(1)
            out.append(rule + autop(chunk[len(rule):]))
        elif BLOCK_START.match(chunk) or chunk.strip().startswith("\x00"):
            out.append(chunk)
        else:
            lead = chunk[:len(chunk) - len(chunk.lstrip("\n"))]
            body = chunk.strip("\n")
            trail = chunk[len(lead) + len(body):]
            out.append(lead + "<p>" + body.replace("\n", "<br>\n") + "</p>" + trail)
    content = "".join(out)

    for k, block in enumerate(kept):
        # A <pre> that follows text without a blank line sits inside a paragraph: its
        # line ends got <br> and the paragraph's </p> may stand among them.  Those go (the
        # HTML parser closes the paragraph at the <pre> anyway); the line count stays.
        newlines = block.count("\n")
        placeholder = re.escape(f"\x00{k}\x00") + r"(?:(?:<br>|</?p>)*\n)" + "{%d}" % newlines
        content, found = re.subn(placeholder, lambda _: block, content, count=1)
        if not found:
            # Never lose the code: put it back where its placeholder is, whatever follows.
            content = content.replace(f"\x00{k}\x00", block, 1)
    return content


def _block_editor_footnotes(meta: str, name: str, line: int, left_out: list[LeftOut]) -> str:
    """The block editor keeps a post's footnotes as JSON in its 'footnotes' metadata."""
    try:
        notes = json.loads(meta)
        items = "".join(f'<li id="{_attr(n["id"])}">{n.get("content", "")}</li>' for n in notes)
    except (ValueError, TypeError, KeyError, RecursionError):    # (lists nested thousands deep)
        left_out.append(LeftOut(name, line, "footnotes", meta[:120],
                                "the post's footnotes metadata is not the block editor's JSON"))
        return ""
    return f'\n<ol class="wp-block-footnotes">{items}</ol>'


def _attr(value: str) -> str:
    return re.sub(r"[^\w-]", "", str(value))


def _count(left_out: list[LeftOut]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in left_out:
        counts[item.what] = counts.get(item.what, 0) + 1
    return counts
