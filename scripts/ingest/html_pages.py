"""The saved-pages adapter: web pages saved from a browser (a post's own page, or an archive
page holding several posts) -> articles.

A saved page is the post wrapped in the site: masthead, menus, sidebars, share
buttons, "related posts", comments, footer.  The post is found from the markup
themes use for it, in this order of evidence:

1. the post elements: `<article>`, `.hentry`, `.type-post`, `.post`, schema.org
   `BlogPosting`/`Article` (the outermost of them, so an archive page gives one per post);
2. else the page's main content (`[itemprop=articleBody]`, `.entry-content`,
   `.post-content`, `<main>`, `#content`) as one post, titled by the page's heading.

Within a post: the title (`.entry-title`, `[itemprop=headline]`, its first `h1`/`h2`,
else the page's), the date (`time[datetime]`, `[itemprop=datePublished]`, a date in
the byline or meta line, `article:published_time`, a date in the page's address), the
byline's author, and the body (`.entry-content` and kin, else the post minus its header).
Everything else is page chrome: left out, one report entry per region.  A post an
archive page shows only in part ("Continue reading →") is left out with a reason: its
own page holds it whole.  The body then goes the way of every structured source
(html_content.py).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from scripts.core import model as m
from scripts.core.book import Book
from scripts.core.errors import UserError
from scripts.core.memo import Memo
from scripts.ingest import html_content
from scripts.ingest.images import folder_for
from scripts.ingest.common import LeftOut, Post, Read, clean_text, number_blocks, slugify

HINT = "save the post's own page from the browser (File → Save page as… → HTML), or use the blog's export"
POST_SELECTORS = ("article", ".hentry", ".type-post", ".post", "[itemtype*='BlogPosting']",
                  "[itemtype*='schema.org/Article']", ".blog-post", ".entry")
BODY_SELECTORS = ("[itemprop='articleBody']", ".entry-content", ".post-content", ".article-content",
                  ".post-body", ".entry-body", ".content-body", ".post-entry")
MAIN_SELECTORS = ("main", "[role='main']", "#content", "#main", ".content")
TITLE_SELECTORS = (".entry-title", "[itemprop='headline']", ".post-title", ".article-title")
DATE_SELECTORS = ("time[datetime]", "[itemprop='datePublished']", ".published", ".entry-date",
                  ".post-date", ".date", ".byline", ".entry-meta", ".post-meta", ".info", ".meta")
AUTHOR_SELECTORS = (".author .fn", "[itemprop='author']", "[rel='author']", ".author-name", ".author")
META_SELECTORS = (".entry-meta", ".entry-footer", ".post-meta", ".byline", ".info", ".meta", ".tags",
                  ".categories", ".cat-links", ".tags-links", ".post-categories", ".entry-utility")
CHROME_SELECTORS = ("header", "nav", "footer", "aside", "form", "[role='navigation']", "[role='banner']",
                    "[role='contentinfo']", "[role='complementary']", "#comments", ".comments",
                    ".comments-area", ".comment-respond", "#respond", ".sharedaddy", ".share", ".sharing",
                    ".social", ".jp-relatedposts", ".related", ".related-posts", ".post-navigation",
                    ".navigation", ".widget", ".sidebar", "#sidebar", ".widget-area", ".site-header",
                    ".site-footer", ".cookie", "#disqus_thread", ".subscribe", ".newsletter")
MORE = re.compile(r"^\s*(?:continue reading|read more|read the rest|more\s*[→»›]|\[?…\]?|keep reading)",
                  re.I)
CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", re.I)
MONTH_DATE = re.compile(r"\b(?:(\d{1,2})\s+)?(January|February|March|April|May|June|July|August|September|"
                        r"October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+"
                        r"(?:(\d{1,2})(?:st|nd|rd|th)?,?\s+)?(\d{4})\b")
ISO_DATE = re.compile(r"\b(\d{4})-(\d\d)-(\d\d)\b")
URL_DATE = re.compile(r"/(\d{4})/(\d\d)/(\d\d)/")
MONTHS = {name: n for n, names in enumerate((("january", "jan"), ("february", "feb"), ("march", "mar"),
                                              ("april", "apr"), ("may",), ("june", "jun"), ("july", "jul"),
                                              ("august", "aug"), ("september", "sep", "sept"),
                                              ("october", "oct"), ("november", "nov"), ("december", "dec")), 1)
          for name in names}


def read_all(sources: list[tuple[Path, str]], taken: set[str], book: Book,
             conversions: Memo | None = None) -> Read:
    result = Read()
    for path, name in sources:
        _read_page(path, name, taken, book, result)
    return result


# ---------------------------------------------------------------- reading a page

def decode(path: Path, name: str) -> str:
    """The page's text in the encoding it declares (old pages: windows-1252, iso-8859-1),
    else UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UserError(f"cannot read the file: {error.strerror}", file=name) from None
    if not data.strip():
        raise UserError("the file is empty: expected a saved web page", file=name, hint=HINT)
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UserError("this is a binary file, not a saved web page", file=name, line=1, hint=HINT)
    declared = CHARSET.search(data[:4096])
    encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    try:
        return data.decode("utf-8-sig" if encoding in ("utf-8", "utf8") else encoding)
    except LookupError:
        raise UserError(f"the page declares an encoding this machine does not know ('{encoding}')",
                        file=name, line=1, hint="save the page again as UTF-8") from None
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise UserError(f"the page is not the {encoding} it declares (byte 0x{data[error.start]:02x})",
                        file=name, line=line, hint="save the page again from the browser") from None


def _find(root, selector: str) -> list:
    """Elements matching one simple selector: tag, .class, #id, [attr='v'], [attr*='v'],
    `.a .b` (descendant), tag[attr] — the forms this module uses."""
    return root.xpath("." + "".join(_xpath_step(step) for step in selector.split()))


def _xpath_step(step: str) -> str:
    match = re.fullmatch(r"([a-z0-9]*)((?:[.#][\w-]+)*)((?:\[[^\]]+\])*)", step)
    if not match:
        raise ValueError(step)
    tag, marks, attributes = match.group(1) or "*", match.group(2), match.group(3)
    tests = []
    for mark in re.findall(r"[.#][\w-]+", marks):
        if mark[0] == ".":
            tests.append(f"contains(concat(' ', normalize-space(@class), ' '), ' {mark[1:]} ')")
        else:
            tests.append(f"@id='{mark[1:]}'")
    for attribute in re.findall(r"\[([^\]]+)\]", attributes):
        parts = re.fullmatch(r"([\w-]+)(?:(\*?=)['\"]?([^'\"]*)['\"]?)?", attribute)
        key, op, value = parts.group(1), parts.group(2), parts.group(3)
        tests.append(f"@{key}" if not op else f"contains(@{key}, '{value}')" if op == "*=" else f"@{key}='{value}'")
    return f"//{tag}" + "".join(f"[{t}]" for t in tests)


def _first(root, selectors) -> object | None:
    for selector in selectors:
        found = _find(root, selector)
        if found:
            return found[0]
    return None


def _outermost(elements: list) -> list:
    chosen = set(elements)
    return [e for e in elements if not any(a in chosen for a in e.iterancestors())]


def _text(element) -> str:
    return html_content.normalise_space(element.text_content()) if element is not None else ""


def _read_page(path: Path, name: str, taken: set[str], book: Book, result: Read) -> None:
    text = html_content.textile_notes(clean_text(decode(path, name)))
    try:
        document = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError) as error:
        raise UserError(f"not a readable web page: {error}", file=name, hint=HINT) from None
    html_content.refuse_too_deep(document, name)
    for element in document.xpath("//script | //style | //noscript | //template"):
        element.drop_tree()                       # never text, anywhere on the page
    _site(document, result)
    page_title = _page_title(document)
    posts = []
    for selector in POST_SELECTORS:
        # A theme also uses <article> for a tag list or a related-posts card: a post has a
        # heading or some length of text, and is not inside the site's chrome.
        found = [e for e in _outermost(_find(document, selector)) if _looks_like_post(e)]
        if found:
            posts = found
            break
    single = False
    if not posts:
        main = _first(document, BODY_SELECTORS)
        main = main if main is not None else _first(document, MAIN_SELECTORS)
        if main is None:
            raise UserError("no post found in this page: it has no <article>, no post markup and no "
                            "main content", file=name, line=1, hint=HINT)
        posts, single = [main], True
    kept_before = len(result.posts)
    for element in posts:
        _read_post(element, document, name, taken, book, result, page_title if (single or len(posts) == 1) else "")
    _report_chrome(document, posts, name, result)
    if len(result.posts) == kept_before:
        whys = {i.what for i in result.left_out if i.file == name}
        if "excerpt-only" in whys:
            raise UserError("this page shows only the openings of its posts (\"Continue reading\")",
                            file=name, line=1, hint="save each post's own page, or use the blog's export")
        if whys <= {"page-chrome", "not-a-post", "archive"} or not whys:
            result.left_out.append(LeftOut(name, 1, "archive", page_title or name,
                                           "a page of links to posts (an archive or index), not a post"))


def _site(document, result: Read) -> None:
    site = result.site
    if not site.title:
        meta = document.xpath("//meta[@property='og:site_name']/@content")
        site.title = html_content.normalise_space(meta[0]) if meta else site.title
    if not site.language:
        site.language = (document.get("lang") or "").strip()
    author = document.xpath("//meta[@name='author']/@content")
    if author and author[0].strip():
        site.authors.setdefault(author[0].strip(), author[0].strip())


def _page_title(document) -> str:
    og = document.xpath("//meta[@property='og:title']/@content")
    if og and og[0].strip():
        return html_content.normalise_space(og[0])
    title = document.find(".//title")
    text = _text(title)
    # "Post title – Site name", "Site · Post": keep the longer part, the post's.
    parts = re.split(r"\s+[–—|·»:-]\s+", text)
    return max(parts, key=len) if parts else text


# ---------------------------------------------------------------- one post

def _read_post(element, document, name: str, taken: set[str], book: Book, result: Read,
               page_title: str) -> None:
    line = element.sourceline or 1
    title_element = next((found for found in (_first(element, TITLE_SELECTORS), _first(element, ("h1",)),
                                              _first(element, ("h2",))) if found is not None), None)
    if title_element is None and page_title:
        # A single post whose heading sits outside its content root (a theme's <h1> above <article>).
        headings = document.xpath("//h1")
        title_element = next((h for h in headings if _text(h) and _text(h) in page_title),
                             headings[-1] if headings else None)
    title = _text(title_element) or page_title
    body = _first(element, BODY_SELECTORS)
    excerpt = element.xpath(".//*[contains(concat(' ', normalize-space(@class), ' '), ' entry-summary ')]")
    more = [a for a in element.iter("a") if MORE.match(_text(a)) or "more-link" in (a.get("class") or "")]
    if (excerpt and body is None) or more:
        result.left_out.append(LeftOut(name, line, "excerpt-only", title or "(untitled)",
                                       "the page shows only the post's opening: save the post's own page"))
        return
    if _mostly_links(body if body is not None else element):
        result.left_out.append(LeftOut(name, line, "archive", title or page_title or name,
                                       "a list of links to posts (an archive or index page), not a post"))
        return
    date = _date(element, document)
    author = _text(_first(element, AUTHOR_SELECTORS))
    author = re.sub(r"^(?:by|posted by)\s+", "", author, flags=re.I)
    if body is None:
        body = element
    else:
        # The post's parts around its body: header (title, byline), meta and footer lines.
        for part in _around(element, body):
            rest = _text(part)
            if title and title_element is not None and any(e is title_element for e in part.iter()):
                rest = rest.replace(title, "", 1).strip()
            if rest:
                result.left_out.append(LeftOut(name, part.sourceline or line, "post-meta", rest,
                                               "the post's byline, categories or footer, not its text"))
    for meta in [e for selector in META_SELECTORS for e in _find(body, selector)]:
        if meta.getparent() is not None and meta is not body:
            if _text(meta):
                result.left_out.append(LeftOut(name, meta.sourceline or line, "post-meta", _text(meta),
                                               "the post's date, author and category line, not its text"))
            meta.drop_tree()
    if title_element is not None and any(a is body for a in title_element.iterancestors()):
        title_element.drop_tree()                  # the title is the chapter's, not a heading in it
    for chrome in _outermost([e for selector in CHROME_SELECTORS for e in _find(body, selector)]):
        if chrome is body or chrome.getparent() is None:
            continue
        if title_element is not None and any(e is title_element for e in chrome.iter()):
            # The post's own header: its title (the chapter's) and its byline.
            rest = _text(chrome).replace(title, "", 1).strip()
            if rest:
                result.left_out.append(LeftOut(name, chrome.sourceline or line, "post-meta", rest,
                                               "the post's byline and categories, not its text"))
            chrome.drop_tree()
            continue
        if _text(chrome):
            result.left_out.append(LeftOut(name, chrome.sourceline or line, "page-chrome", _text(chrome),
                                           f"{_describe(chrome)} inside the post, not its text"))
        chrome.drop_tree()
    content = html_content.convert_element(body, name, images=folder_for(book))
    result.left_out.extend(content.left_out)
    if not any(b.kind in m.CONTENT_KINDS for b in content.blocks):
        result.left_out.append(LeftOut(name, line, "empty", title or "(untitled)", "the post has no text"))
        return
    if not title:
        first = next(b.text for b in content.blocks if b.kind in m.BODY_KINDS)
        words = html_content.SENTINEL.sub("", first).split()
        title = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
        result.left_out.append(LeftOut(name, line, "untitled", title, "the post has no title: the book uses its first words"))
    title_line = (title_element.sourceline if title_element is not None else None) or line
    blocks = [m.Block(kind=m.TITLE, text=title, source=m.SourceRef(name, title_line, title_line))] + content.blocks
    last = max(b.source.last_line for b in blocks)
    authors = [author] if author else []
    article = m.Article(slug=slugify(title, taken), source_file=name, first_line=line, last_line=last,
                        blocks=number_blocks(blocks), origin="html", date=date,
                        authors=authors if authors and authors != [book.author] else [])
    result.posts.append((Post(title=title, date=date, slug=Path(name).parent.name if Path(name).stem == "index"
                              else Path(name).stem, authors=authors, line=line), article))


def _around(element, body) -> list:
    """The largest parts of `element` that do not hold `body`, in reading order."""
    parts = []
    for child in element:
        if not _tag_of(child):
            continue
        if child is body:
            continue
        if any(e is body for e in child.iter()):
            parts += _around(child, body)
        else:
            parts.append(child)
    return parts


def _looks_like_post(element) -> bool:
    if _tag_of(element) in ("html", "body"):           # <body class="blog-post">: the page's kind
        return False
    if any(_tag_of(a) in ("nav", "footer", "aside", "header") for a in element.iterancestors()):
        return False
    has_heading = any(_tag_of(e) in ("h1", "h2") for e in element.iter())
    words = len(_text(element).split())
    return words >= 40 or (has_heading and words >= 15)


def _tag_of(element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _mostly_links(element) -> bool:
    """An archive or index page: most of its words are links to other pages."""
    words = len(_text(element).split())
    linked = sum(len(_text(a).split()) for a in element.iter("a") if not (a.get("href") or "").startswith("#"))
    links = sum(1 for _ in element.iter("a"))
    return links >= 5 and words > 0 and linked / words >= 0.5


def _describe(element) -> str:
    classes = (element.get("class") or element.get("id") or "").split()
    return f"<{element.tag}{' class=' + classes[0] if classes else ''}>"


def _date(element, document) -> str:
    for selector in DATE_SELECTORS:
        for found in _find(element, selector):
            for value in (found.get("datetime"), found.get("content"), _text(found)):
                date = parse_date(value or "")
                if date:
                    return date
    published = document.xpath("//meta[@property='article:published_time']/@content")
    if published and parse_date(published[0]):
        return parse_date(published[0])
    for link in document.xpath("//link[@rel='canonical']/@href") + document.xpath("//meta[@property='og:url']/@content"):
        match = URL_DATE.search(link)
        if match:
            return "-".join(match.groups())
    return ""


def parse_date(text: str) -> str:
    """An ISO date from "2012-11-30", "November 30, 2012", "30 November 2012", "Nov 30 2012"."""
    match = ISO_DATE.search(text)
    if match:
        return _valid(*map(int, match.groups()))
    match = MONTH_DATE.search(text)
    if match:
        day = match.group(1) or match.group(3)
        if day:
            return _valid(int(match.group(4)), MONTHS[match.group(2).lower().rstrip(".")], int(day))
    return ""


def _valid(year: int, month: int, day: int) -> str:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return ""


def _report_chrome(document, posts: list, name: str, result: Read) -> None:
    """The site around the posts (masthead, menu, sidebar, comments, footer, a "skip to
    content" link): every part of the page that holds no post, one report entry each."""
    body = document.find("body")
    if body is None:
        return
    for region in _around_all(body, posts):
        if _text(region):
            result.left_out.append(LeftOut(name, region.sourceline or 1, "page-chrome", _text(region),
                                           f"the site's {_describe(region)} around the posts"))


def _around_all(element, posts: list) -> list:
    """The largest parts of `element` that hold none of `posts`, in reading order (text
    straight inside a part that holds a post is wrapped, so it is reported too)."""
    parts = []
    holders = {id(a) for post in posts for a in post.iterancestors()}
    if element.text and element.text.strip():
        loose = lxml_html.Element("span")
        loose.text, loose.sourceline = element.text, element.sourceline
        parts.append(loose)
    for child in element:
        if not _tag_of(child) or any(child is p for p in posts):
            pass
        elif id(child) in holders:
            parts += _around_all(child, posts)
        else:
            parts.append(child)
        if child.tail and child.tail.strip() and id(element) in holders | {id(element)}:
            loose = lxml_html.Element("span")
            loose.text, loose.sourceline = child.tail, child.sourceline
            parts.append(loose)
    return parts
