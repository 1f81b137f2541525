"""A static blog's generator markup in a post's Markdown: Liquid tags (`{% ... %}`, `{{ ... }}`),
Hugo shortcodes (`{{< ... >}}`, `{{% ... %}}`) and kramdown's attribute lists are not Markdown.
They are taken out and reported, except what a reader sees of them: a figure shortcode's picture
and caption, a quote shortcode's quotation, a gallery's pictures, an escaped shortcode printed as
the site prints it, and the code a highlight block shows.  Replacements keep the line count, so
the lines pandoc's `sourcepos` gives are still the file's."""

from __future__ import annotations

import re

from scripts.ingest import html_content
from scripts.ingest.common import LeftOut

LIQUID = re.compile(r"\{%-?\s*(\w+)[^%]*?-?%\}|\{\{-?[^{}<>%]*?-?\}\}", re.S)
SHORTCODE = re.compile(r"\{\{[<%]\s*(/?)\s*([\w/-]+)(.*?)\s*[>%]\}\}", re.S)
ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# Jekyll's kramdown: "{: .lead}" or "{::options ...}" on a line of its own styles the block
# beside it; "* TOC" over "{:toc}" is where the site generates a table of contents.
KRAMDOWN = re.compile(r"(?P<toc>^ {0,3}[*-][ \t]+TOC[ \t]*\n)?^ {0,3}\{::?[^}\n]*\}[ \t]*$", re.M)
# Jekyll's {% highlight ruby %} ... {% endhighlight %}, Hugo's {{< highlight go >}} ... {{< /highlight >}}.
HIGHLIGHT = re.compile(r"^\s*(?:\{%-?\s*highlight\s+([\w+#.-]+)[^%]*%\}"
                       r"|\{\{[<%]\s*highlight\s+\"?([\w+#.-]+)\"?[^>%]*[>%]\}\})\s*$")
END_HIGHLIGHT = re.compile(r"^\s*(?:\{%-?\s*endhighlight\s*-?%\}|\{\{[<%]\s*/\s*highlight\s*[>%]\}\})\s*$")
RAW = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.S)


def code_and_text(body: str) -> list[tuple[int, str, bool]]:
    """The body cut into (first line, text, is_code) pieces, lines kept one for one.  Code is
    what the site shows as written, so generator markup in it is text: fenced blocks,
    Jekyll's {% highlight %} blocks (made fenced blocks here) and {% raw %} spans."""
    lines = body.split("\n")
    pieces: list[tuple[int, str, bool]] = []
    current: list[str] = []
    current_start, code = 0, False

    def flush(next_start: int, next_code: bool) -> None:
        nonlocal current, current_start, code
        if current:
            pieces.append((current_start, "\n".join(current) + "\n", code))
        current, current_start, code = [], next_start, next_code

    closing = None                       # what ends the code block we are in
    for number, line in enumerate(lines):
        if closing is None:
            fence, highlight = FENCE.match(line), HIGHLIGHT.match(line)
            closes_later = highlight and any(END_HIGHLIGHT.match(later) for later in lines[number + 1:])
            if fence or closes_later:
                flush(number, True)
                closing = fence.group(1) if fence else END_HIGHLIGHT
                current.append(line if fence else "```" + (highlight.group(1) or highlight.group(2)))
                continue
            current.append(line)
            continue
        current.append(line)
        ends = (closing.match(line) if closing is END_HIGHLIGHT
                else line.strip().startswith(closing) and not line.strip().strip(closing[0]))
        if ends:
            if closing is END_HIGHLIGHT:
                current[-1] = "```"
            flush(number + 1, False)
            closing = None
    flush(len(lines), False)
    if pieces:
        last_start, last_text, last_code = pieces[-1]
        pieces[-1] = (last_start, last_text[:-1], last_code)    # no newline the body did not have
    out = []
    for start, text, is_code in pieces:          # {% raw %}...{% endraw %}: its text, as written
        if is_code or not RAW.search(text):
            out.append((start, text, is_code))
            continue
        position = 0
        for match in RAW.finditer(text):
            before = text[position:match.start()]
            out.append((start + text.count("\n", 0, position), before, False))
            out.append((start + text.count("\n", 0, match.start()), match.group(1), True))
            position = match.end()
        out.append((start + text.count("\n", 0, position), text[position:], False))
    return out


# Hugo's escaped shortcode, `{{</* figure src="a.png" */>}}`: the site prints `{{< figure src="a.png" >}}`.
ESCAPED_SHORTCODE = re.compile(r"\{\{([<%])/\*(.*?)\*/([>%])\}\}", re.S)
# A shortcode whose `src` is a picture file shows that picture, whatever the theme calls it
# (`figureforgallery`, `img`, `imgtxt`, `image`); Hugo's own `figure` does, whatever its src.
PICTURE = re.compile(r"\.(?:png|jpe?g|gif|webp|svg|avif|tiff?|bmp)$", re.I)
CAPTION_MARK = "\ue000caption {}\ue001"     # where a caption's HTML goes, after pandoc
# A theme's quotation shortcode, `{{< quote footer="Ann" cite="a talk" >}} ... {{< /quote >}}`:
# the text between its tags is a quotation (someone else's words, not the post's), the
# parameters naming who said it, its attribution.
QUOTE_SHORTCODE = re.compile(r"\{\{([<%])\s*(quote|blockquote|pullquote)\b(?P<attributes>[^{}]*?)\s*[>%]\}\}"
                             r"(?P<inner>.*?)\{\{[<%]\s*/\s*\2\s*[>%]\}\}", re.S | re.I)
ATTRIBUTION_KEYS = ("author", "by", "name", "footer", "attribution", "source", "cite")
# A gallery of pictures (`{{< gallery caption="..." >}} {{< figure >}}... {{< /gallery >}}`):
# its caption is the caption of the set, printed under its last picture.
GALLERY_SHORTCODE = re.compile(r"\{\{[<%]\s*(\w*gallery\w*)\b(?P<attributes>[^{}]*?)\s*[>%]\}\}"
                               r"(?P<inner>.*?)(?=\{\{[<%]\s*/\s*\1\s*[>%]\}\})", re.S | re.I)
ESCAPE_MARK = "\ue000escaped {}\ue001"


def unescaped(match: re.Match) -> str:
    return "{{" + match.group(1) + match.group(2) + match.group(3) + "}}"


def generator_markup(body: str, name: str, first_line: int, left_out: list[LeftOut],
                      captions: list[str] | None = None, body_line: int = 1) -> str:
    """Hugo shortcodes and Liquid tags out, each reported; a picture shortcode becomes the
    picture, with its caption.  Replacements keep the line count, so sourcepos lines stay the
    file's.  `captions` collects the captions' Markdown, rendered later (CAPTION_MARK);
    `body_line` is the file's line pandoc will call line 1."""
    captions = [] if captions is None else captions
    escaped: list[str] = []

    def line_at(position: int) -> int:
        return first_line + body.count("\n", 0, position)

    def shortcode(match: re.Match) -> str:
        closing, kind, attributes = match.group(1), match.group(2).lower(), match.group(3)
        keep = "\n" * match.group(0).count("\n")
        if closing:
            return keep
        values = {a.group(1).lower(): next(v for v in a.groups()[1:] if v is not None)
                  for a in ATTRIBUTE.finditer(attributes)}
        source = values.get("src", "")
        if kind == "figure" or PICTURE.search(source.split("?")[0]):
            return figure_html(values, line_at(match.start())) + keep
        left_out.append(LeftOut(name, line_at(match.start()), "shortcode", match.group(0),
                                f"the Hugo shortcode '{kind}' is the site's markup, not text"))
        return keep

    def liquid(match: re.Match) -> str:
        left_out.append(LeftOut(name, line_at(match.start()), "shortcode", match.group(0),
                                "a Liquid tag (Jekyll's template markup), not text"))
        return "\n" * match.group(0).count("\n")

    def kramdown(match: re.Match) -> str:
        toc = match.group("toc")
        left_out.append(LeftOut(name, line_at(match.start()), "shortcode", " ".join(match.group(0).split()),
                                "kramdown's marker for a generated table of contents" if toc else
                                "a kramdown attribute list (the site's styling), not text"))
        return "\n" * match.group(0).count("\n")

    def figure_html(values: dict[str, str], line: int) -> str:
        """A figure for the HTML walk, which makes it the book's figure (when the book has
        the picture) or reports the picture, and keeps the caption.  It opens with an HTML
        comment, so the HTML block it starts ends on its own line (CommonMark's kind 2) and
        a paragraph written on the next line stays Markdown.  pandoc gives raw HTML no
        position: the figure carries its line as pandoc would write it."""
        # Hugo's figure prints title, then caption, then attribution: all three are its caption.
        title = html_content.normalise_space(values.get("title", ""))
        caption = html_content.normalise_space(values.get("caption", ""))
        attribution = html_content.normalise_space(values.get("attr", ""))
        if title and caption and not re.search(r"[.:!?]$", title):
            title += "."
        words = " ".join(part for part in (title, caption, attribution) if part)
        of_gallery = html_content.normalise_space(values.get("gallery-caption", ""))
        if of_gallery:
            words = (words + (". " if words and not re.search(r"[.:!?]$", words) else " ") + of_gallery).strip()
        marked = ""
        if words:
            marked = f"<figcaption>{CAPTION_MARK.format(len(captions))}</figcaption>"
            captions.append(words)
        alt = f' alt="{escape(values["alt"])}"' if values.get("alt") else ""
        at = line - body_line + 1
        return f'<!-- shortcode --><figure data-pos="{at}:1-{at}:1"><img src="{escape(values.get("src", ""))}"' \
               f"{alt}>{marked}</figure>"

    def quotation(match: re.Match) -> str:
        """The inner lines as a Markdown block quote ("> " before each, so every line keeps
        its number), its attribution on the closing tag's line, inside the quote."""
        values = {a.group(1).lower(): next(v for v in a.groups()[1:] if v is not None)
                  for a in ATTRIBUTE.finditer(match.group("attributes"))}
        attribution = ", ".join(" ".join(values[k].split()) for k in ATTRIBUTION_KEYS if values.get(k, "").strip())
        opening = match.group(0)[:match.start("inner") - match.start()]
        closing = match.group(0)[match.end("inner") - match.start():]
        lines = match.group("inner").split("\n")
        if attribution:
            lines[-1] += ("\n" * closing.count("\n")) + ("  " if lines[-1].strip() else "") + "— " + attribution
            closing = ""
        quoted = "\n".join(">" + (" " + line if line.strip() else "") for line in "\n".join(lines).split("\n"))
        return "\n" * opening.count("\n") + quoted + "\n" * closing.count("\n")

    def is_picture(match: re.Match) -> bool:
        source = next((v for a in ATTRIBUTE.finditer(match.group(3)) if a.group(1).lower() == "src"
                       for v in a.groups()[1:] if v is not None), "")
        return not match.group(1) and (match.group(2).lower() == "figure" or bool(PICTURE.search(source.split("?")[0])))

    def gallery(match: re.Match) -> str:
        """The gallery's caption handed to its last picture (`gallery-caption`); its tags are
        the theme's markup, and go with the other shortcodes' (the closing one, untouched here)."""
        caption = next((next(v for v in a.groups()[1:] if v is not None) for a in ATTRIBUTE.finditer(match.group("attributes"))
                        if a.group(1).lower() == "caption"), "")
        pictures = [found for found in SHORTCODE.finditer(match.group("inner")) if is_picture(found)]
        if not caption.strip() or not pictures:
            return match.group(0)
        inner, last = match.group("inner"), pictures[-1]
        quote = "'" if '"' in caption else '"'
        tag_end = last.start(3) + len(last.group(3))
        inner = inner[:tag_end] + f" gallery-caption={quote}{caption}{quote}" + inner[tag_end:]
        return "\n" * match.group(0)[:match.start("inner") - match.start()].count("\n") + inner

    def hold(match: re.Match) -> str:                # held out of the passes below, then put back
        escaped.append(unescaped(match))
        return ESCAPE_MARK.format(len(escaped) - 1) + "\n" * match.group(0).count("\n")

    body = ESCAPED_SHORTCODE.sub(hold, body)
    body = QUOTE_SHORTCODE.sub(quotation, body)
    body = GALLERY_SHORTCODE.sub(gallery, body)
    body = KRAMDOWN.sub(kramdown, body)
    body = SHORTCODE.sub(shortcode, body)
    # Liquid's raw/endraw and comment blocks hold text or nothing; every other tag is markup.
    body = re.sub(r"\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}",
                  lambda mt: liquid(mt), body, flags=re.S)
    body = LIQUID.sub(liquid, body)
    for number, text in enumerate(escaped):
        body = body.replace(ESCAPE_MARK.format(number) + "\n" * text.count("\n"), text)
    return body


def escape(text: str) -> str:
    """Text for an HTML attribute or element: the shortcode's values are the author's text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
