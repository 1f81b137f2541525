"""Read and validate a book's book.yaml (its metadata, sources and chapter order).

Only `title` and `author` are required.  The rest has a default a publisher would
accept, and the report says which were defaulted:

- language `en`; publisher: the author;
- identifier: a UUID derived from title and author, so it stays the same between
  builds (give one of your own, and never change it between editions);
- date (the edition's date, which also fixes every timestamp inside the books): the
  newest post's date, which only the sources know, so the split stage records the
  posts' dates (build/model/split-extra.json) and `book_for` reads them back;
- rights: "© <years> <author>. All rights reserved.", the years being those the chapters first
  appeared (the books fill them in with `with_years`), else the posts'.

`{years}` written in the subtitle, the rights or the description is filled in the same way.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from scripts.core.config import Field, Validator, read_editor_file
from scripts.core.errors import UserError
from scripts.core.identity import (CoverArt, Contributor, FontChoice, Isbns, Series, Subject,
                                   read_contributors, read_cover, read_fonts, read_isbns, read_series,
                                   read_subjects)
from scripts.core.printing import DEFAULT_PRINTER, PrinterProfile, Trim, load_profile, printer_from, trim_from

REQUIRED = ("title", "author")
DEFAULTED = ("language", "publisher", "rights", "identifier", "date")
OPTIONAL = DEFAULTED + ("subtitle", "description", "subjects", "sources", "chapter_order", "select",
                        "images", "intros", "paper")
# The book's identity (scripts/core/identity.py): its ISBNs, series, contributors, own cover, faces.
OPTIONAL += ("isbn", "series", "contributors", "cover", "fonts")
# The print edition's page and the printer it goes to (scripts/core/printing.py).
OPTIONAL += ("trim", "printer")
# A long book printed as several volumes (scripts/books/volumes.py; docs/volumes.md).
OPTIONAL += ("volumes",)
IDENTIFIER_NAMESPACE = uuid.UUID("6f1c0b8e-6a49-4d8e-9a51-3c0f6c7b2a10")   # this toolchain's own
AUTHOR_KEYS = ("name", "file_as")
CHAPTER_ORDERS = ("chronological", "archive")
# Where the blogger's introduction to a piece goes (book.yaml `intros:`, chapters.yaml per
# chapter): set apart at the chapter's head, moved to the back ("About these pieces"), or left out.
INTRO_PLACES = ("keep", "back", "drop")
# Written in the subtitle, the rights or the description, `{years}` becomes the years the
# chapters were first published ("2021–2023"), so the book never states a range by hand.
YEARS = "{years}"
# The thickness of one printed page (half a leaf), in inches, of the two uncoated stocks
# print-on-demand books are printed on (50-60 lb): Amazon KDP's figures for its black-ink
# interiors, white 0.002252 in and cream 0.0025 in per page.  KDP's "Create a Paperback Cover"
# help page (kdp.amazon.com/en_US/help/topic/G201953020) gives the spine formula; the figures
# as quoted here are from guides that cite it (publishing.co.uk/guides/spine-width-calculator/,
# kdpprintcover.com/blog/how-to-calculate-kdp-spine-width), as docs/release.md says.  Another
# printer's paper differs: book.yaml then gives that printer's own figure (`paper: 0.0572 mm`).
PAPER_STOCKS = {"white": 0.002252, "cream": 0.0025}
PAPER_HINT = ("write white or cream (the stock the interior is printed on), or the thickness of one "
              "page your printer gives, e.g. '0.0572 mm' or '0.00225 in'")
VOLUME_KEYS = ("by", "years", "pages", "epub", "isbn")
VOLUME_SPLITS = ("year", "category", "pages")
VOLUME_EPUBS = ("one", "per-volume")
VOLUMES_HINT = ("write 'volumes:' and under it 'by: year' (with 'years: N' for N years a volume), "
                "'by: category', or 'by: pages' with 'pages: N' (the most pages a volume may have), "
                "and 'epub: one' (the default) or 'epub: per-volume'; 'isbn:' gives each volume's "
                "own ISBNs by its number")
SELECT_KEYS = ("pages", "categories", "tags", "from", "to", "posts", "leave_out")
SELECT_HINT = ("'select:' takes pages (true/false), categories, tags, posts, leave_out "
               "(lists) and from, to (dates, YYYY-MM-DD)")


@dataclass
class Selection:
    """Which posts of a WordPress export or a folder of posts make the book.  Empty lists
    select everything; a post must pass every filter given.  `posts` and `leave_out` name
    posts by their slug (the source's own, e.g. WordPress's post name) or their title."""
    pages: bool = False                   # WordPress pages too, not only posts
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    since: dt.date | None = None
    until: dt.date | None = None
    posts: list[str] = field(default_factory=list)
    leave_out: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Volumes:
    """book.yaml `volumes:`: how the print book is cut into volumes, each a complete book."""
    by: str                           # "year" (the chapters' years of first publication), "category", "pages"
    years: int = 1                    # by year: how many years one volume holds
    pages: int = 0                    # by pages: the most pages a volume's print master may have
    epub: str = "one"                 # "one" EPUB of the whole book, or one "per-volume"
    isbns: tuple[tuple[int, Isbns], ...] = ()     # (volume number, its ISBNs), as book.yaml gives them

    def isbn_of(self, number: int) -> Isbns:
        """A volume's own ISBNs (`volumes: isbn: {2: {print: ...}}`); none when not given."""
        return dict(self.isbns).get(number, Isbns())


@dataclass(frozen=True)
class Paper:
    """The stock the print edition is printed on, and how thick one of its pages is."""
    name: str                         # "white", "cream", or the figure as written
    inches_per_page: float


@dataclass
class Book:
    title: str
    author: str
    author_file_as: str
    language: str
    publisher: str
    rights: str
    identifier: str
    date: dt.date | None              # None only before the split stage has dated the posts
    subtitle: str = ""
    description: str = ""
    subjects: list[Subject] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    chapter_order: str | list[str] = "chronological"
    select: Selection = field(default_factory=Selection)
    defaulted: dict[str, str] = field(default_factory=dict)   # key -> where its value came from
    images: Path | None = None        # the folder of the blog's pictures (its uploads), if given
    intros: str = "back"              # where the blogger's introductions go (INTRO_PLACES)
    post_years: str = ""              # the posts' years, as the sources date them ("2019–2023")
    paper: Paper = field(default_factory=lambda: Paper("white", PAPER_STOCKS["white"]))
    isbn: Isbns = field(default_factory=Isbns)
    series: Series | None = None
    contributors: list[Contributor] = field(default_factory=list)   # book.yaml's, with their roles
    cover: CoverArt | None = None     # the editor's own front-cover artwork; None: the typographic cover
    fonts: FontChoice = field(default_factory=FontChoice)
    trim: Trim = field(default_factory=Trim.default)
    printer: PrinterProfile = field(default_factory=lambda: load_profile(DEFAULT_PRINTER))
    volumes: Volumes | None = None    # None: one book, as without the key
    # Set on a volume's book (books/volumes.py), as its cover prints it: "Volume 2 · 2014–2016".
    volume_label: str = ""

    @property
    def lang_short(self) -> str:
        return self.language.split("-")[0]


@dataclass
class PostDates:
    """What the sources say that book.yaml may leave out: the posts' dates, the site's language."""
    newest: str = ""          # ISO date
    oldest: str = ""
    language: str = ""

    @property
    def years(self) -> str:
        if not self.newest:
            return ""
        first, last = self.oldest[:4] or self.newest[:4], self.newest[:4]
        return first if first == last else f"{first}–{last}"

    def to_dict(self) -> dict:
        return {"newest": self.newest, "oldest": self.oldest, "language": self.language}


def book_for(paths) -> Book:
    """The book as every stage after split sees it: book.yaml, with the defaults the
    sources decide (the posts' dates, recorded by the split stage) filled in.  A book
    whose date cannot be known stops here with what to add."""
    posts = PostDates()
    if paths.split_extra.exists():
        recorded = json.loads(paths.split_extra.read_text(encoding="utf-8")).get("book", {})
        posts = PostDates(**{k: recorded.get(k, "") for k in ("newest", "oldest", "language")})
    book = load_book(paths.book_yaml, posts)
    if book.date is None:
        raise UserError("the book has no date: book.yaml gives none and no post is dated",
                        file=str(paths.book_yaml),
                        hint="add the edition's date, e.g. 'date: \"" + dt.date.today().isoformat() + "\"'")
    return book


def load_book(path: Path | str = "manuscript/book.yaml", posts: PostDates | None = None) -> Book:
    """book.yaml as written, defaults filled in (from `posts` where the sources decide)."""
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise UserError("book metadata file is missing", file=name,
                        hint="create it from the example in README.md")
    check = Validator(name)
    root = check.parse(read_editor_file(path),
                       syntax_hint="check indentation and quoting on that line "
                                   "(quote values that contain ': ' or start with a symbol)")
    if root is None:
        raise UserError("the file is empty: expected keys such as 'title:' and 'author:'", file=name,
                        line=1, hint="see the example in README.md")
    fields = check.mapping(root, "the file", REQUIRED + OPTIONAL, required=REQUIRED,
                           hint="see the example in README.md")

    def text(key: str) -> str:
        return check.text(fields[key].value, f"'{key}'")

    def optional_text(key: str) -> str:
        return check.optional_text(fields[key].value, f"'{key}'") if key in fields else ""

    def texts(key: str) -> list[str]:
        if key not in fields:
            return []
        return check.texts(fields[key].value, f"'{key}'", hint=f"write one '- item' per line under '{key}:'")

    def value_of(key: str) -> yaml.Node | None:
        return fields[key].value if key in fields else None

    author, file_as = _author(check, fields["author"].value)
    title = text("title")
    defaulted: dict[str, str] = {}
    posts = posts or PostDates()

    def given_or(key: str, value: str, why: str) -> str:
        if key in fields:
            return text(key)
        defaulted[key] = why
        return value

    if "date" in fields:
        date = check.date(fields["date"].value, "'date'")
    else:
        date = dt.date.fromisoformat(posts.newest) if posts.newest else None
        defaulted["date"] = f"the newest post's date ({posts.newest})" if posts.newest else "not known yet"
    years = posts.years or (str(date.year) if date else "")
    printer = printer_from(check, fields["printer"].value if "printer" in fields else None)
    trim = trim_from(check, fields["trim"].value if "trim" in fields else None, printer)
    return Book(
        title=title, subtitle=optional_text("subtitle"),
        author=author, author_file_as=file_as,
        language=given_or("language", posts.language or "en",
                          f"the site's language ({posts.language})" if posts.language else "English, the default"),
        publisher=given_or("publisher", author, "the author"),
        rights=given_or("rights", default_rights(years, author),
                        "the author and the years of the posts"),
        identifier=given_or("identifier", f"urn:uuid:{uuid.uuid5(IDENTIFIER_NAMESPACE, f'{title}|{author}')}",
                            "derived from the title and the author"),
        date=date, defaulted=defaulted,
        description=optional_text("description"),
        subjects=read_subjects(check, value_of("subjects")),
        sources=texts("sources"),
        chapter_order=_chapter_order(check, fields.get("chapter_order")),
        select=_selection(check, fields.get("select")),
        images=_images_folder(check, fields.get("images"), path.parent),
        intros=(check.choice(fields["intros"].value, "'intros'", INTRO_PLACES,
                             hint="write keep (at the chapter's head), back (in 'About these "
                                  "pieces', the default) or drop")
                if "intros" in fields else "back"),
        post_years=posts.years,
        paper=_paper(check, fields.get("paper")),
        isbn=(isbn := read_isbns(check, value_of("isbn"))), series=read_series(check, value_of("series")),
        contributors=read_contributors(check, value_of("contributors")),
        cover=read_cover(check, value_of("cover"), path.parent, trim),
        fonts=read_fonts(check, value_of("fonts")),
        printer=printer,
        trim=trim,
        volumes=_volumes(check, fields.get("volumes"), printer, isbn),
    )


def _volumes(check: Validator, given: Field | None, printer: PrinterProfile,
             book_isbns: Isbns = Isbns()) -> Volumes | None:
    """`volumes: {by: year}` (`years: 3` for three years a volume), `{by: category}`,
    `{by: pages, pages: 600}`;
    `epub: per-volume` for one EPUB per volume; `isbn: {1: {print: ...}, 2: ...}` for each
    volume's own.  A volume's page cap must be one the printer prints (its profile's page
    maximum: KDP's 828)."""
    if given is None:
        return None
    parts = check.mapping(given.value, "'volumes'", VOLUME_KEYS, required=("by",), hint=VOLUMES_HINT)
    volume = _volume_settings(check, given, parts, printer)
    isbns = _volume_isbns(check, parts["isbn"].value, book_isbns) if "isbn" in parts else ()
    return replace(volume, isbns=isbns)


VOLUME_ISBN_HINT = ("write each volume's number and its ISBNs under it, e.g. 'isbn:' then "
                    "'  1: {print: 978-1-...}' and '  2: {print: ..., epub: ...}'")


def _volume_isbns(check: Validator, node, book_isbns: Isbns) -> tuple[tuple[int, Isbns], ...]:
    """Each volume's ISBNs by its number; an ISBN names one book, so none may be given twice
    (to two volumes, two editions, or a volume and the whole book)."""
    given = check.mapping(node, "'volumes: isbn'", None, hint=VOLUME_ISBN_HINT)
    taken = {isbn.digits: "the whole book's 'isbn'" for isbn in vars(book_isbns).values() if isbn}
    found = []
    for key, field_ in given.items():
        if not key.isdigit() or int(key) < 1:
            raise check.fail(f"'volumes: isbn' names volume '{key}': volumes are numbered 1, 2, 3 ...",
                             field_.key, hint=VOLUME_ISBN_HINT)
        isbns = read_isbns(check, field_.value)
        for edition, isbn in vars(isbns).items():
            if isbn is None:
                continue
            if isbn.digits in taken:
                raise check.fail(f"volume {key}'s {edition} ISBN {isbn.printed} is also {taken[isbn.digits]}",
                                 field_.value, hint="an ISBN names one edition of one book: give each its own")
            taken[isbn.digits] = f"volume {key}'s {edition} ISBN"
        found.append((int(key), isbns))
    return tuple(sorted(found))


def _volume_settings(check: Validator, given: Field, parts: dict, printer: PrinterProfile) -> Volumes:
    by = check.choice(parts["by"].value, "'volumes: by'", VOLUME_SPLITS,
                      hint="write year (a volume for each year, or 'years: N' years), category (a "
                           "volume for each of the blog's categories) or pages (volumes of at most "
                           "'pages: N' pages)")
    epub = (check.choice(parts["epub"].value, "'volumes: epub'", VOLUME_EPUBS,
                         hint="write one (one EPUB of the whole book, the default) or per-volume")
            if "epub" in parts else "one")
    for key, belongs in (("years", "year"), ("pages", "pages")):
        if key in parts and by != belongs:
            raise check.fail(f"'volumes: {key}' goes with 'by: {belongs}', not 'by: {by}'", parts[key].key,
                             hint=f"remove the '{key}:' line, or write 'by: {belongs}'")
    if by == "year":
        years = (check.integer(parts["years"].value, "'volumes: years'", minimum=1)
                 if "years" in parts else 1)
        return Volumes("year", years=years, epub=epub)
    if by == "category":
        return Volumes("category", epub=epub)
    if "pages" not in parts:
        raise check.fail("'volumes: by: pages' needs the most pages a volume may have", given.value,
                         hint="add 'pages: 600' (or another count) under 'volumes:'")
    node = parts["pages"].value
    pages = check.integer(node, "'volumes: pages'", minimum=1)
    floor = max(printer.minimum_pages or 0, 24)
    if pages < floor:
        raise check.fail(f"'volumes: pages' is {pages}: a volume needs room for its front and back "
                         f"matter and a chapter (at least {floor} pages)", node,
                         hint=f"write a count of {floor} or more")
    if printer.maximum_pages is not None and pages > printer.maximum_pages:
        raise check.fail(f"'volumes: pages' is {pages}, more than {printer.name} prints in one "
                         f"book ({printer.maximum_pages} pages)", node,
                         hint=f"write {printer.maximum_pages} or fewer")
    return Volumes("pages", pages=pages, epub=epub)


def _paper(check: Validator, given: Field | None) -> Paper:
    """`paper: white` (the default) or `cream`, or one page's thickness with its unit."""
    if given is None:
        return Paper("white", PAPER_STOCKS["white"])
    written = check.text(given.value, "'paper'", hint=PAPER_HINT)
    figure = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(mm|in)", written)
    if figure is None:
        stock = check.choice(given.value, "paper", tuple(PAPER_STOCKS), hint=PAPER_HINT)
        return Paper(stock, PAPER_STOCKS[stock])
    inches = float(figure[1]) / (25.4 if figure[2] == "mm" else 1)
    # A page of book paper is 0.04-0.1 mm; outside 0.01-0.5 mm the figure is a mistake of
    # unit or of digits (a leaf for a page is still in range, and the printer's proof shows it).
    if not 0.01 / 25.4 <= inches <= 0.5 / 25.4:
        raise check.fail(f"'paper' gives {written} for one page, which no book paper is", given.value,
                         hint="give the thickness of one page (half a sheet) in mm or in, "
                              "e.g. '0.0572 mm'")
    return Paper(written, inches)


def _images_folder(check: Validator, given: Field | None, book_folder: Path) -> Path | None:
    """`images: uploads` names the folder (in the book folder, or anywhere) holding the blog's
    pictures: a WordPress site's wp-content/uploads, a static site's assets or images."""
    if given is None:
        return None
    folder = Path(check.text(given.value, "'images'")).expanduser()
    folder = folder if folder.is_absolute() else book_folder / folder
    if not folder.is_dir():
        raise check.fail(f"'images' names {folder}, which is not a folder", given.value,
                         hint="copy the blog's uploads folder (e.g. wp-content/uploads) into the book "
                              "folder and name it here, or remove the line to leave pictures out")
    return folder


def _selection(check: Validator, given: Field | None) -> Selection:
    if given is None:
        return Selection()
    parts = check.mapping(given.value, "'select'", SELECT_KEYS, hint=SELECT_HINT)

    def texts(key: str) -> list[str]:
        return check.texts(parts[key].value, f"'select: {key}'",
                           hint=f"write one '- item' per line under '{key}:'") if key in parts else []

    def date(key: str) -> dt.date | None:
        return check.date(parts[key].value, f"'select: {key}'") if key in parts else None

    selection = Selection(pages=check.boolean(parts["pages"].value, "'select: pages'") if "pages" in parts else False,
                          categories=texts("categories"), tags=texts("tags"), since=date("from"),
                          until=date("to"), posts=texts("posts"), leave_out=texts("leave_out"))
    if selection.since and selection.until and selection.since > selection.until:
        raise check.fail("'select: from' is after 'select: to'", parts["from"].value,
                         hint="swap the two dates")
    return selection


def _author(check: Validator, node: yaml.Node) -> tuple[str, str]:
    """The author's name and its file-as form, from a name or from `name:` and `file_as:`."""
    if isinstance(node, yaml.MappingNode):
        parts = check.mapping(node, "'author'", AUTHOR_KEYS, required=("name",),
                              hint="author takes 'name' and optionally 'file_as'")
        name = check.text(parts["name"].value, "'author: name'")
        file_as = check.optional_text(parts["file_as"].value, "'author: file_as'") if "file_as" in parts else ""
        return name, file_as or _file_as(name)
    name = check.text(node, "'author'", hint="write the author's name, or 'name:' and 'file_as:' "
                                             "on the lines below, indented")
    return name, _file_as(name)


def _chapter_order(check: Validator, given: Field | None) -> str | list[str]:
    """chronological (the default), archive, or the article slugs in the order the book takes."""
    if given is None:
        return "chronological"
    if isinstance(given.value, yaml.SequenceNode):
        return check.texts(given.value, "'chapter_order'", hint="write one '- article-slug' per line")
    return check.choice(given.value, "chapter order", CHAPTER_ORDERS,
                        hint="write chronological, archive, or a list of article slugs")


def _file_as(name: str) -> str:
    parts = name.split()
    return f"{parts[-1]}, {' '.join(parts[:-1])}" if len(parts) > 1 else name


def default_rights(years: str, author: str) -> str:
    return f"© {years + ' ' if years else ''}{author}. All rights reserved."


def year_range(dates) -> str:
    """"2021–2023" from ISO dates (whole or partial), "2022" for one year, "" for none."""
    years = sorted({d[:4] for d in dates if d})
    if not years:
        return ""
    return years[0] if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def with_years(book: Book, years: str) -> Book:
    """The book as printed: `{years}` in the subtitle, rights and description replaced by
    `years` (the chapters' years of first publication), and a defaulted rights line made from
    them.  Without a dated chapter the posts' years stand in, then the edition's year."""
    from dataclasses import replace
    years = years or book.post_years or (str(book.date.year) if book.date else "")

    def filled(text: str) -> str:
        return text.replace(YEARS, years)

    rights = default_rights(years, book.author) if "rights" in book.defaulted else filled(book.rights)
    return replace(book, subtitle=filled(book.subtitle), rights=rights,
                   description=filled(book.description))
