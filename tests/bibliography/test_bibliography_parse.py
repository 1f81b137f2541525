"""The note parser's heuristics, each on real note texts from the seeds."""

from __future__ import annotations

import pytest

from scripts.bibliography import parse as bp
# Real notes (manuscript/sources/002_90ad01e3225f3153.txt), quoted as the archive has them.
RUSI_1 = ("Anastasiya Lejepekova, “V Kazakhstane vo Vremya Yanvarskikh Besporyadkov Pogibli 230 "
          "Chelovek [230 People Were Killed in Kazakhstan During January Riots],” Gazeta.ru, "
          "March 14, 2022, https://www.gazeta.ru/social/news/2022/03/14/17421187.shtml.")
RUSI_5 = ("“Kazakhstan in Crisis: Politics and Geopolitics – Three Questions to Nargis Kassenova,” "
          "Institut Montaigne, January 13, 2022, https://www.institutmontaigne.org/en/analysis/"
          "kazakhstan-crisis-politics-and-geopolitics; Claire Parker and Mary Ilyushina, “Why is "
          "Kazakhstan Claiming Foreign Links to the Unrest? Here’s What We Know,” The Washington "
          "Post, January 8, 2022, https://www.washingtonpost.com/world/2022/01/08/"
          "kazakhstan-foreign-protests/.")
RUSI_14 = ("“Emomali Rakhmon o Sobytiyakh v GBAO: ‘Drugogo Vykhoda ne Bylo’ [Emomali Rahmon on the "
           "Events in GBAO: ‘There Was No Other Way Out’],” Radio Ozodi, June 19, 2022, "
           "https://rus.ozodi.org/a/31905149.html.")
RUSI_22 = ("Over the past 10 years, more than 150 clashes took place between the Kyrgyz and Tajik "
           "communities and border guards over the disputed ownership of undefined territories, "
           "cross-border water streams and roads, as well as illegal crossings and livestock "
           "grazing. Before the September events, there had been at least three major outbreaks "
           "in 2022 – in January, March and June. Nazir Aliyev, “Kyrgyzstan, Tajikistan Border "
           "Disputes Continue for 31 years,” September 17, 2022, Anadolu Agency, "
           "https://www.aa.com.tr/en/asia-pacific/kyrgyzstan-tajikistan-border-disputescontinue-"
           "for-31-years/2687807#.")
RUSI_32_TAIL = ("It was ultimately not clear whether ethnicity played any role in his detention "
                "(Alim was reportedly moved to serve a different security role in Ghazni). See "
                "Ehsanullah Amiri and Saeed Shah, “Afghanistan’s Taliban Battle Rebellion by Ethnic "
                "Minority Fighters,” The Wall Street Journal, January 14, 2022, https://www.wsj.com/"
                "articles/afghanistans-taliban-battle-rebellion-by-ethnic-minority-fighters-"
                "11642197509; “Taliban Replaces Its Acting Education Minister in Reshuffle,” Amu TV, "
                "September 21, 2022.")
RUSI_29 = ("United Nations Security Council, Letter Dated 3 February 2022 from the Chair of the "
           "Security Council Committee Pursuant to Resolutions 1267 (1999), 1989 (2011) and 2253 "
           "(2015) Concerning Islamic State in Iraq and the Levant (Dae’esh), Al-Qaida and "
           "Associated Individuals, Groups, Undertakings and Entities Addressed to the President "
           "of the Security Council, S/2022/83, February 3, 2022, p. 16, "
           "https://digitallibrary.un.org/record/3957081?ln=en.")
RUSI_44 = ("U.S. Department of State, Terrorist Designation of Katibat al Tawhid wal Jihad "
           "(Washington D.C.: GPO, 2022), https://www.state.gov/terrorist-designation-of-katibat-"
           "al-tawhid-wal-jihad/.")
RUSI_46 = ("For instance, in a disclaimer on Twitter, where he has more than 10,000 followers, "
           "Fayzimatov claimed that his postings are for “informational purposes only” and “do no "
           "promote violence or terrorist organisations”. After the US Treasury Department "
           "blacklisted him in 2021 for his connections with HTS, Fayzimatov appears to have taken "
           "a more cautious approach in the online domain in an apparent attempt to present "
           "himself more positively.")
RUSI_49 = ("In July, Tajik authorities also announced it had registered 720 criminal cases related "
           "to terrorist and extremist activity in the first half of 2022, a slight increase over "
           "the same period in the year prior. See “General’nyy Prokuror Zayavil o Pugayushchey "
           "Tendentsii v Tadzhikistane [The Prosecutor General Announced a Frightening Trend in "
           "Tajikistan], Sputnik News, July 15, 2022, https://tj.sputniknews.ru/20220715/"
           "tajikistan-terrorizm-ekstrimizm-rost1050026384.html.")
FP_1 = ("People’s Republic of China Ministry of Foreign Affairs, ‘Zhōng, é, hā, jí, tǎ wǔ guó "
        "huìwù’ [‘China, Russia, Kazakhstan, Kyrgyzstan, Tajikistan Five Country Meeting’], 11 "
        "November 2000, <https://www.mfa.gov.cn/ce/cohk//chn/topic/zgwj/wjlshk/t8984.htm>, "
        "accessed 14 August 2022.")
FP_3 = ("Xi Jinping, ‘Promote Friendship Between Our People and Work Together to Build a Bright "
        "Future’, speech given at Nazarbayev University, Astana, 7 September 2013, "
        "<https://www.fmprc.gov.cn/ce/cebel/eng/zxxx/t1078088.htm>, accessed 12 September 2022.")
FP_14 = ("Nargis Kassenova, ‘Kazakhstan and Eurasian Economic Integration: Quick Start, Mixed "
         "Results and Uncertain Future’, IFRI, Russie Nei Reports, No. 14, November 2012, "
         "pp. 3–29, <https://www.ifri.org/sites/default/files/atoms/files/"
         "ifrikassenovakazandeurasianintegrationengnov2012.pdf>, accessed 14 August 2022.")
FP_21 = ("Raffaello Pantucci and Alexandros Petersen, ‘Uzbekistan’s Balancing Act with China: A "
         "View From the Ground’, China Brief (Vol. 12, No. 14, July 2012).")
FP_25 = ("Shanghai Cooperation Organisation (SCO), ‘SCO Promotes Transport Links’, July 2017, "
         "<http://eng.sectsco.org/news/20170706/306862.html>, accessed 14 August 2022; author "
         "interview with logistics experts in Osh, Kyrgyzstan, 2019.")
FP_52 = ("In 2018, Huawei’s ‘Seeds for the Future’ programme launched in Kazakhstan, offering "
         "direct training for future generations of digital and tech engineers. Huawei, ‘Huawei "
         "Central Asia Innovation Day: Build Digital Silk Road Through Innovation, Openness and "
         "Win-win’, 14 November 2017, <https://www.huawei.com/en/events/huawei-central-asia-"
         "innovation-day-2017/day-of-innovation-in-centrala-asia-hw>, accessed 14 August 2022.")
FP_69 = ("Huawei, ‘Tǔkùmàn sītǎn’ [‘Turkmenistan’], <https://www.huawei.com/cn/sustainability/"
         "win-win-development/social-contribution/seeds-for-the-future/turkmenistan>, accessed 14 "
         "August 2022. Huawei, ‘Wūzībiékè sītǎn’ [‘Uzbekistan’], <https://www.huawei.com/cn/"
         "sustainability/win-win-development/social-contribution/seeds-for-the-future/uzbekistan>,"
         " accessed 14 August 2022.")
FP_74 = ("Raffaello Pantucci, ‘Beijing Binds: COVID-19 and the China-Central Asia Relationship’, "
         "Central Asia Program Paper\u00a0No. 232, 19 June 2020,\u00a0<https://www."
         "centralasiaprogram.org/wp-content/uploads/2020/06/Beijing-Binds-COVID-19-and-the-China-"
         "Central-Asia-RelationshipCAP232.pdf>, accessed 14 August 2022.")
FP_76 = ("UzDaily, ‘Chinese Platform Alibaba Simplifies Registration for Uzbekistan Merchants’, 10 "
         "August 2020, <<http://uzdaily.com/en/post/60623>, accessed 14 August 2022.")
FP_79 = ("Kursiv, ‘Tokayev poruchil perenyat’ u Kitaya opyt tsifrovizatsii grazhdan’ [‘Tokayev "
         "Instructed to Adopt the Experience of Digitalisation of Citizens from China’], 8 October "
         "2019.")


def only_citation(text: str) -> bp.Segment:
    segments = [s for s in bp.parse_note(text) if s.kind == bp.CITATION]
    assert len(segments) == 1, segments
    return segments[0]


# ---------------------------------------------------------------- text, addresses, dates

def test_no_break_spaces_become_spaces():
    assert "Paper No. 232, 19 June 2020, <" in bp.normalise(FP_74)


@pytest.mark.parametrize("text, url", [
    (FP_76, "http://uzdaily.com/en/post/60623"),                          # <<…> typo
    (RUSI_22, "https://www.aa.com.tr/en/asia-pacific/kyrgyzstan-tajikistan-border-"
              "disputescontinue-for-31-years/2687807"),                   # bare, ends '#.'
    (RUSI_1, "https://www.gazeta.ru/social/news/2022/03/14/17421187.shtml"),
])
def test_addresses_are_found_without_their_punctuation(text, url):
    urls, rest = bp.find_urls(text)
    assert urls[-1] == url
    assert "http" not in rest


def test_an_address_stops_before_the_semicolon_that_separates_two_sources():
    urls, _ = bp.find_urls(RUSI_5)
    assert urls[0].endswith("kazakhstan-crisis-politics-and-geopolitics")


@pytest.mark.parametrize("text, parts", [
    ("March 14, 2022", [2022, 3, 14]), ("14 August 2022", [2022, 8, 14]),
    ("May 9,2022", [2022, 5, 9]), ("July 2012", [2012, 7]), ("2013", [2013]),
    ("November 2012", [2012, 11]), ("Astana", None), ("32 May 2022", None),
])
def test_dates(text, parts):
    assert bp.parse_date(text) == parts


def test_accessed_date_is_taken_out():
    date, rest = bp.find_accessed(", 17 April 2020, , accessed 14 August 2022.")
    assert date == [2022, 8, 14]
    assert "accessed" not in rest


# ---------------------------------------------------------------- quotes and splitting

def test_soft_sign_apostrophe_does_not_close_a_single_quoted_title():
    start = FP_79.index("‘")
    end = bp.closing_of(FP_79, start)
    assert FP_79[start + 1:end] == "Tokayev poruchil perenyat’ u Kitaya opyt tsifrovizatsii grazhdan"


def test_a_phrase_in_single_quotes_closes_before_the_next_quotation():
    start = FP_52.index("‘")
    assert FP_52[start:bp.closing_of(FP_52, start) + 1] == "‘Seeds for the Future’"


def test_note_splits_at_sentences_and_semicolons_but_not_inside_titles():
    pieces, warnings = bp.split_segments(RUSI_32_TAIL)
    assert [p[:12] for p in pieces] == ["It was ultim", "See Ehsanull", "“Taliban Rep"]
    assert warnings == []


def test_initials_and_abbreviations_do_not_end_a_sentence():
    pieces, _ = bp.split_segments(RUSI_44)
    assert len(pieces) == 1


def test_two_sources_in_two_sentences():
    pieces, _ = bp.split_segments(FP_69)
    assert len(pieces) == 2


def test_an_unclosed_quote_is_reported_and_does_not_swallow_the_note():
    pieces, warnings = bp.split_segments(RUSI_49)
    assert len(pieces) == 2
    assert warnings == ["unclosed quotation mark “"]


def test_fields_keep_commas_inside_quotes_and_rejoin_us_dates():
    fields = bp.split_fields("‘Uzbekistan, China Sign Major Gas Pipeline Deal’, Reuters, "
                             "April 30, 2007")
    assert fields == ["‘Uzbekistan, China Sign Major Gas Pipeline Deal’", "Reuters",
                      "April 30, 2007"]


# ---------------------------------------------------------------- creators

@pytest.mark.parametrize("name", [
    "People’s Republic of China Ministry of Foreign Affairs", "UPI Archives", "Xinhua", "CGTN",
    "Radio Free Europe/Radio Liberty", "Kazakhstan Today", "qdcaijing.com",
    "Jokargy Kenes of the Republic of Karakalpakstan", "U.S. Department of State"])
def test_organisations(name):
    assert bp.looks_like_organisation(name)


@pytest.mark.parametrize("name", ["Sébastien Peyrouse", "Mohammad Yunus Yawar", "Deirdre Tynan",
                                  "Kassym-Jomart Tokayev"])
def test_people(name):
    assert not bp.looks_like_organisation(name)
    assert bp.looks_like_person(name)


@pytest.mark.parametrize("text, expected", [
    ("Selected works of Jiang Zemin", True), ("Shanghai Cooperation Organisation (SCO)", True),
    ("The CSTO is a regional military alliance of Armenia", False), ("In 2018", False),
    ("For instance", False),
])
def test_what_can_stand_before_a_title(text, expected):
    assert bp.looks_like_creator(text) is expected


def test_several_people_and_the_outlet_rule():
    names, _, warnings = bp.parse_creator("Mariya Gordeyeva and Tamara Vaal", True)
    assert names == [{"family": "Gordeyeva", "given": "Mariya"}, {"family": "Vaal", "given": "Tamara"}]
    assert warnings == []
    # The same shape with no outlet after the title is an outlet in the author slot: flagged.
    names, _, warnings = bp.parse_creator("Qingdao Caijing", False)
    assert names == [{"literal": "Qingdao Caijing"}]
    assert "could be a person" in warnings[0]


def test_chinese_name_order_is_a_flagged_guess_and_an_override_wins():
    names, _, warnings = bp.parse_creator("Xi Jinping", True)
    assert names == [{"literal": "Xi Jinping"}] and "family name first" in warnings[0]
    names, _, warnings = bp.parse_creator("Xi Jinping", True,
                                          {"Xi Jinping": {"family": "Xi", "given": "Jinping"}})
    assert names == [{"family": "Xi", "given": "Jinping"}] and warnings == []


def test_acronym_in_parentheses_becomes_an_alias():
    names, aliases, _ = bp.parse_creator("Shanghai Cooperation Organisation (SCO)", False)
    assert names == [{"literal": "Shanghai Cooperation Organisation"}] and aliases == ["SCO"]


# ---------------------------------------------------------------- titles and fields

def test_translation_inside_double_quotes_keeps_its_inner_quotes():
    item = only_citation(RUSI_14).item
    assert item["translated-title"] == "Emomali Rahmon on the Events in GBAO: ‘There Was No Other Way Out’"
    assert item["title"].startswith("Emomali Rakhmon o Sobytiyakh v GBAO: ‘Drugogo Vykhoda ne Bylo’ [")
    assert item["language"] == "und"


def test_translation_after_single_quotes_and_pinyin_language():
    item = only_citation(FP_1).item
    assert item["title"] == ("Zhōng, é, hā, jí, tǎ wǔ guó huìwù [China, Russia, Kazakhstan, "
                             "Kyrgyzstan, Tajikistan Five Country Meeting]")
    assert item["language"] == "zh-Latn"
    assert item["issued"] == {"date-parts": [[2000, 11, 11]]}
    assert item["accessed"] == {"date-parts": [[2022, 8, 14]]}


def test_journal_volume_issue_in_parentheses():
    item = only_citation(FP_21).item
    assert (item["type"], item["container-title"], item["volume"], item["issue"]) == \
        ("article-journal", "China Brief", "12", "14")
    assert item["author"][1] == {"family": "Petersen", "given": "Alexandros"}


def test_report_series_and_pages():
    item = only_citation(FP_14).item
    assert (item["type"], item["publisher"], item["collection-title"],
            item["collection-number"], item["page"]) == \
        ("report", "IFRI", "Russie Nei Reports", "14", "3–29")


def test_series_with_number_in_one_field():
    item = only_citation(FP_74).item
    assert (item["collection-title"], item["collection-number"]) == ("Central Asia Program Paper", "232")


def test_speech():
    item = only_citation(FP_3).item
    assert (item["type"], item["genre"], item["event-place"]) == \
        ("speech", "Speech given at Nazarbayev University", "Astana")


def test_unquoted_document_title_with_commas_ends_at_the_symbol():
    item = only_citation(RUSI_29).item
    assert item["title"].endswith("Addressed to the President of the Security Council")
    assert "Al-Qaida and Associated Individuals, Groups, Undertakings" in item["title"]
    assert (item["type"], item["number"], item["page"]) == ("report", "S/2022/83", "16")


def test_imprint_in_parentheses():
    item = only_citation(RUSI_44).item
    assert (item["title"], item["publisher-place"], item["publisher"], item["issued"]) == (
        "Terrorist Designation of Katibat al Tawhid wal Jihad", "Washington D.C.", "GPO",
        {"date-parts": [[2022]]})


def test_outlet_after_the_date():
    item = only_citation(RUSI_22).item
    assert item["container-title"] == "Anadolu Agency"
    assert item["author"] == [{"family": "Aliyev", "given": "Nazir"}]


# ---------------------------------------------------------------- segment kinds

def test_discursive_note_contributes_only_the_work_it_cites():
    segments = bp.parse_note(RUSI_49)
    assert [s.kind for s in segments] == [bp.NO_SOURCE, bp.CITATION]
    assert "never closes" in segments[1].warnings[0]       # honest about the guessed title


def test_a_quoted_phrase_in_prose_is_not_a_title():
    assert [s.kind for s in bp.parse_note(RUSI_46)] == [bp.NO_SOURCE, bp.NO_SOURCE]
    assert [s.kind for s in bp.parse_note(FP_52)] == [bp.NO_SOURCE, bp.CITATION]


def test_interview_is_not_a_source():
    segments = bp.parse_note(FP_25)
    assert [s.kind for s in segments] == [bp.CITATION, bp.NO_SOURCE]
    assert "interview" in segments[1].reason


@pytest.mark.parametrize("text, kind", [("Ibid.", bp.IBID), ("Ibid., p. 5", bp.IBID),
                                        ("As highlighted in note 41.", bp.NOTE_REF)])
def test_pointers(text, kind):
    (segment,) = bp.parse_note(text)
    assert segment.kind == kind


def test_short_forms_are_marked():
    assert only_citation("SCO, ‘SCO Promotes Transport Links’.").short_form
    assert only_citation("U.S. Department of State, Terrorist Designation of Katibat al "
                         "Tawhid wal Jihad.").short_form
    assert not only_citation(FP_76).short_form


def test_bare_address_is_a_webpage_named_after_its_site():
    item = only_citation("https://www3.nd.edu/~pmoody/Text%20Pages/AdvanceTowardWest.pdf").item
    assert item == {"type": "webpage",
                    "URL": "https://www3.nd.edu/~pmoody/Text%20Pages/AdvanceTowardWest.pdf",
                    "author": [{"literal": "www3.nd.edu"}]}
    segment = only_citation("Data from <http://finance.yahoo.com>, accessed 14 August 2022.")
    assert segment.item["author"] == [{"literal": "finance.yahoo.com"}] and "title" not in segment.item
    assert segment.warnings                                   # low confidence, for the editor
