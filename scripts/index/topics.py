"""Suggest the topics a reader looks up: common nouns such as energy, trade or water.

The names and acronyms report finds capitalised phrases; a reader also turns to the index
for subjects, which are ordinary lower-case nouns.  Without a part-of-speech tagger (none
ships with the project's dependencies) a noun is recognised by the company it keeps, over
all its occurrences in the book:

- it heads a phrase: it is often followed by punctuation or a function word ("trade with",
  "investment in", "security.") -- or it modifies another noun ("energy projects", "trade
  routes"), which is how a subject noun often appears, and which most topic nouns do;
- it is rarely a verb: it seldom follows "to", a modal or a pronoun ("to seek", "they push");
- it is not an adjective, adverb or participle: common ones are listed, and words with
  those endings (-al, -ic, -ive, -ous..., -ly, -ed, -ing) and hyphenated compounds are left out.

A topic must be written in at least three paragraphs of at least two chapters.  Candidates
are ranked by the paragraphs they occur in, weighted up when the word often modifies another
noun (a subject of discussion: "security interests") and down when it is spread thin over
every chapter as a general word ("region", "country") is.  The rules are English only; for a
book in another language the report says so and suggests none.  It is a list for an editor
to choose from, never applied by itself.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

MIN_PARAGRAPHS = 3
MIN_CHAPTERS = 2
SHOWN = 40

FUNCTION_WORDS = frozenset(["a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "may", "might", "must", "shall", "us", "yet", "still", "per", "via", "etc", "like", "well", "way", "even", "much", "many", "whose", "alongside"])

# Adjectives, adverbs and verb forms common enough to look like nouns by their company.
NOT_NOUNS = frozenset(["able", "back", "best", "better", "big", "broader", "certain", "clear", "close", "complex", "current", "deep", "different", "direct", "early", "easy", "entire", "every", "far", "few", "first", "free", "full", "good", "great", "greater", "hard", "high", "joint", "large", "last", "late", "later", "least", "less", "likely", "little", "long", "low", "main", "major", "near", "new", "next", "often", "old", "open", "particular", "past", "possible", "real", "recent", "rich", "second", "several", "short", "similar", "simple", "single", "small", "soon", "strong", "third", "top", "true", "whole", "wide", "wider", "widespread", "worse", "worst", "already", "almost", "perhaps", "instead", "indeed", "together", "away", "ahead", "along", "across", "around", "behind", "beyond", "inside", "outside", "within", "without", "upon", "onto", "toward", "towards", "whether", "though", "although", "unless", "because", "since", "despite", "except", "rather", "quite", "ever", "never", "once", "twice", "again", "key", "forward", "home", "future", "efficient", "made", "done", "gone", "known", "shown", "taken", "given", "seen", "came", "went", "took", "became", "become", "got", "put", "set", "let", "kept", "held", "told", "found", "left", "brought", "thought", "felt", "mean", "means", "seem", "seems", "uses", "thank", "something", "anything", "nothing", "everything", "someone", "anyone", "everyone", "another", "worth", "former", "larger", "smaller", "bigger", "higher", "lower", "longer", "shorter", "older", "younger", "wider", "pretty"])

# Nouns too general to locate anything: every text is full of them.
GENERAL_NOUNS = frozenset(["time", "year", "way", "part", "side", "lot", "number", "kind", "sort", "fact", "case", "point", "thing", "example", "issue", "question", "problem", "term", "level", "area", "situation", "end", "start", "beginning", "moment", "period", "day", "week", "month", "today", "people", "person", "man", "woman", "world", "place", "sense", "idea", "view", "reason", "result", "role", "use", "work", "hand", "course", "matter", "step", "piece", "set", "list", "line", "form", "type", "rest", "word", "name", "page", "post", "article", "blog", "version"])

# What follows a noun that heads its phrase.
_HEAD_FOLLOWERS = frozenset(["of", "in", "and", "or", "is", "was", "has", "have", "had", "are", "were", "to", "with", "for", "that", "which", "on", "from", "by", "at", "as", "but", "than", "who", "whose", "remains", "remain", "also", "will", "would", "can", "could"])
# What precedes a verb.
_VERB_LEADERS = frozenset(["to", "will", "would", "can", "could", "should", "may", "might", "must", "they", "we", "i", "you", "he", "she", "it", "not", "did", "does", "do", "has", "have", "had"])
# Adjective, adverb and verb endings: a topic noun with one of them (funding, mining) is lost,
# which is the price of keeping "growing", "increasingly" and "highlighted" out.
_NOT_NOUN_ENDING = re.compile(r"(?:al|ic|ive|ous|ful|less|able|ible|ary|ant|ern|ese|ish|est|ian|ly|ed|ing)$")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_CONTRACTION = re.compile(r"['’](?!s?$)")            # won't, doesn't (a possessive's is kept)


@dataclass
class Topic:
    word: str                                   # the folded form: "sanction"
    forms: Counter = field(default_factory=Counter)
    count: int = 0
    paragraphs: set = field(default_factory=set)
    chapters: set = field(default_factory=set)
    heads: int = 0                              # followed by punctuation or a function word
    modifies: int = 0                           # followed by another word
    verbal: int = 0                             # preceded by to, a modal or a pronoun
    lower_case: int = 0                         # written in lower case (not only opening sentences)
    example: str = ""                           # a sentence-sized extract, for the report

    @property
    def shown(self) -> str:
        return self.forms.most_common(1)[0][0]

    @property
    def score(self) -> float:
        spread = len(self.chapters)
        modifier_share = self.modifies / self.count
        return len(self.paragraphs) * (0.3 + modifier_share) * min(spread, 4) / 4


def fold(word: str) -> str:
    """One key for a noun's singular and plural: sanctions -> sanction, clashes -> clash."""
    word = re.sub(r"['’]s?$", "", word.lower())
    if len(word) > 5 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _eligible(word: str) -> bool:
    lower = re.sub(r"['’]s?$", "", word.lower())          # "it's" is "it"
    return (word[0].islower() and len(word) >= 3 and lower not in FUNCTION_WORDS
            and lower not in NOT_NOUNS and "-" not in word and not _CONTRACTION.search(word))


def find_topics(chapters: Sequence[Sequence[str]], is_indexed=lambda word: False) -> list[Topic]:
    """Topic nouns in the chapters' paragraphs (a list of paragraph texts per chapter), best
    first; `is_indexed(word)` leaves out what the index already locates."""
    topics: dict[str, Topic] = {}
    for chapter, paragraphs in enumerate(chapters):
        for number, paragraph in enumerate(paragraphs):
            words = list(_WORD.finditer(paragraph))
            for index, match in enumerate(words):
                word = match.group()
                if _in_address(paragraph, match.start(), match.end()):
                    continue                              # "creativecommons.org", "wiki/Main_Page"
                opens_sentence = index == 0 or paragraph[:match.start()].rstrip()[-1:] in ".!?:“\"‘("
                written_lower = word[0].islower()
                if opens_sentence and not written_lower:
                    word = word[0].lower() + word[1:]     # "Water is short": the noun, capitalised
                if not _eligible(word):
                    continue
                key = fold(word)
                topic = topics.get(key) or topics.setdefault(key, Topic(key))
                # a possessive counts for its noun; the index finds "region" in "region's"
                topic.forms[re.sub(r"['’]s?$", "", word.lower())] += 1
                topic.count += 1
                topic.lower_case += written_lower
                topic.paragraphs.add((chapter, number))
                topic.chapters.add(chapter)
                after = paragraph[match.end():match.end() + 1]
                following = words[index + 1].group().lower() if index + 1 < len(words) else ""
                if after != " " or following in _HEAD_FOLLOWERS:
                    topic.heads += 1
                elif following:
                    topic.modifies += 1
                if index and words[index - 1].group().lower() in _VERB_LEADERS:
                    topic.verbal += 1
                if not topic.example:
                    topic.example = _extract(paragraph, match.start(), match.end())
    found = []
    for key, topic in topics.items():
        if (not topic.lower_case or len(topic.paragraphs) < MIN_PARAGRAPHS or len(topic.chapters) < MIN_CHAPTERS
                or key in GENERAL_NOUNS or _NOT_NOUN_ENDING.search(key)
                or topic.verbal > 0.2 * topic.count
                or any(is_indexed(form) for form in topic.forms)):
            continue
        found.append(topic)
    return sorted(found, key=lambda t: (-t.score, t.word))


def _in_address(paragraph: str, start: int, end: int) -> bool:
    """The word is part of a web or mail address: glued to a dot, slash, @ or _ before it,
    or followed by one of them (a dot only when another letter follows: "org." ends a sentence)."""
    before = paragraph[start - 1] if start else " "
    after = paragraph[end:end + 2]
    return (before in "./@_" or after[:1] in ("/", "@", "_")
            or (after[:1] == "." and after[1:2].isalnum()))


def _extract(paragraph: str, start: int, end: int, width: int = 50) -> str:
    """The words round an occurrence, cut at word boundaries."""
    left = paragraph[max(0, start - width):start]
    right = paragraph[end:end + width]
    if start > width:
        left = "…" + left.split(" ", 1)[-1]
    if end + width < len(paragraph):
        right = right.rsplit(" ", 1)[0] + "…"
    return left + paragraph[start:end] + right


def suggested_entry(topic: Topic) -> str:
    forms = sorted(topic.forms, key=lambda form: (-topic.forms[form], form))
    return f"- term: {topic.shown}\n  match: [{', '.join(forms)}]"
