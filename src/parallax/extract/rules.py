"""What page clutter looks like, as data: the plain-text clean-up reads its rules here.

Each family is a few regular expressions learnt from how news pages and apps
are assembled (banner copy, teaser lists, photo credits, bylines), not from
the wording of any one page.  ``text.py`` decides *where* a family applies:
a weak promo phrase only drops a line that is not a sentence, a teaser heading
only cuts the text when what follows it is unrelated to the article.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE


def _any(*patterns: str, flags: int = _I) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PAYWALL = (
    r"\bsign (?:up|in) (?:to|for) (?:read|continue|keep|unlock|get|access)",
    r"\balready (?:a )?(?:member|subscriber|registered)",
    r"\bbecome a (?:member|subscriber)",
    r"\b(?:download|get|install|open|try) (?:the|our) app\b",
    r"\b(?:start|continue|keep) reading\b",
    r"\bread (?:the )?(?:full|whole|rest of the) (?:article|story)\b",
    r"\b\d+\s*(?:[’']s|\+)?\s+(?:of\s+)?(?:[a-z]+\s+){0,2}(?:titles|publications|sources|newspapers|magazines)\b",
    r"\ball (?:of )?your news\b",
    r"\bone (?:app|membership)\b",
    r"\bfree (?:trial|for \d+)|\b(?:\w+|\d+) (?:days?|weeks?|months?) free\b",
    r"\bsubscribe (?:now|today|here|to (?:our|the))\b|\bsubscribers? only\b",
    r"\bcancel (?:at )?any ?time\b|\bunlimited (?:digital )?access\b",
    r"\bsupport (?:independent|quality|our|local) journalism\b",
    r"\bnewsletters?\b.{0,40}\b(?:sign|subscribe|inbox|email)|\b(?:sign|subscribe)\b.{0,40}\bnewsletters?\b",
)

PAYWALL = _any(*_PAYWALL)
"""Paywall and app-wrapper copy: where it appears the visible article usually ends."""

PROMO_STRONG = _any(
    *_PAYWALL,
    # sharing and comments
    r"\bshare (?:this|the) (?:article|story|page)\b|\bclick to (?:share|tweet|email|print)\b",
    r"^share(?: on \w+)?$|^(?:tweet|email|print|copy link|whatsapp|facebook|twitter|linkedin)$",
    r"^\d+\s+comments?$|^comments?\s*\(\d+\)$|^comments?$",
    r"\b(?:view|show|read|load|add|leave|post|join) (?:\d+ |a |all |the |your )?comments?\b",
    r"\bfollow us on\b|\bfollow @\w+",
    r"^follow\b.{1,40}\bon (?:twitter|x|facebook|instagram|tiktok|threads|linkedin|youtube)$",
    r"^[\d.,]+k?\s+(?:shares?|likes?|reactions?|replies|views|comments?)$",
    # furniture
    r"^advertisement$|^(?:sponsored|promoted|paid)(?: content| post| partner)?$",
    r"\bstory continues below\b|\bskip (?:ad|advert|advertisement)\b",
    r"\blisten to (?:this )?(?:article|story)\b|^\d+\s*min(?:ute)?s?(?: read| listen)?$",
    r"©|\bcopyright\b|\ball rights reserved\b",
    r"\bcookies?\b.{0,30}\b(?:accept|settings|policy)\b|\bprivacy (?:policy|notice)\b",
    r"\bterms (?:of|and) (?:use|service|conditions)\b",
    # an inline teaser: "Read more: <headline>", "RELATED: <headline>"
    r"^(?:read more|more|related|see also|also read|watch|listen|read next|must read|"
    r"recommended|latest|top story|explainer|opinion)\s*[:|–—-]\s*\S",
)
"""Phrases that only banners, buttons and counters use; a short line with one is clutter."""

_COUNTER = r"[\d.,]+k?\s+(?:comments?|shares?|replies|reactions?)"
COUNTER_LINE = re.compile(rf"^{_COUNTER}$", _I)
"""A line that is only a counter under the article ("0 Comments", "1.2k shares")."""
COUNTER_TAIL = re.compile(rf"(?<=[.!?\"”’)])\s+{_COUNTER}$", _I)
"""A counter run on after the last sentence of a paragraph ("... the mayor said. 0 Comments")."""

PROMO_WEAK = _any(
    r"\bsign (?:up|in)\b|\blog ?in\b|\bregister\b|\bsubscri(?:be|ption)\b",
    r"\bmembers?(?:hip)?\b|\bpremium\b|\bapp\b|\bfree\b|\bnewsletters?\b",
    r"\bcurated\b|\btrusted\b|\bfor you\b|\bunlimited\b|\bad-free\b",
    r"\bshare\b|\bcomments?\b|\bdownload\b|\bjoin\b",
)
"""Phrases that also occur in articles; only a line that is not a sentence, or a
line outside the body, is dropped for them."""

TEASER_HEADING = _any(
    r"^(?:see|view|read|show) (?:more|all)\b",
    r"^(?:related|latest|trending|popular|recommended|sponsored)\b",
    r"^top (?:stories|news|picks|videos?|reads?)\b",
    r"^more (?:from|on|in|stories|news|like this|to read|top stories)\b",
    r"^most (?:read|popular|viewed|shared|commented)\b",
    r"^(?:our|editor[’']?s|editors[’']?|staff) picks?\b",
    r"^you (?:may|might) (?:also )?(?:like|enjoy)\b",
    r"^(?:see also|also read|read next|up next|what to read next|don[’']t miss|must reads?)\b",
    r"^(?:around|elsewhere on) the web\b|^from (?:our|the) partners\b|^in other news\b",
)
"""Headings of teaser lists (other stories): from one of these the page usually
lists headlines and standfirsts to its end."""

PHOTO_CREDIT = _any(
    r"\((?:[^()]*\b(?:Getty|AFP|AP|Reuters|PA|EPA|Shutterstock|Alamy|Bloomberg|Pool|"
    r"Photo|Photograph|Picture|Image|File|Handout|Courtesy|Supplied|Credit)\b[^()]*)\)$",
    r"\b(?:Picture|Photo|Photograph|Image|Pic|Credit|Illustration|Video|Footage)s?\s*:\s*[^.!?]{1,60}$",
    r"[|/,]\s*(?:Getty(?: Images)?|Reuters|AFP|AP|PA(?: Wire| Media)?|EPA|Shutterstock|Alamy)$",
    r"^(?:Picture|Photo|Photograph|Image|Pic)s? (?:by|courtesy of|source|copyright)\b[^.!?]{1,60}$",
    flags=0,
)
"""Line endings that credit a photo: "(AFP via Getty Images)", "Picture: PA", "| Reuters"."""

BYLINE = re.compile(
    r"^(?:by|words by|written by|story by|reporting by)\s+(?P<name>[^.!?]{2,80}?)\s*$", _I
)
_CREDIT_WORK = (
    r"(?:(?:additional|further) )?"
    r"(?:reporting|writing|editing|edited|written|compiled|research|graphics)"
)
REPORTING_CREDIT = re.compile(rf"^\(?{_CREDIT_WORK} by\b", _I)
"""Wire sign-offs ("Reporting by ...; Editing by ...") close an article; they are credits."""

CREDIT_IN_BRACKETS = re.compile(rf"\({_CREDIT_WORK} by\b[^()\n]*\)", _I)
"""A sign-off in brackets, wherever it sits: "... the ministry said. (Editing by Jo Bloggs)"."""

_AGENCY = (
    r"(?:the )?(?:press association|pa(?: media| wire)?|associated press|ap|reuters|"
    r"agence france[- ]presse|afp|bloomberg|dpa|efe|ansa|anadolu(?: agency)?|xinhua|"
    r"kyodo|canadian press|australian associated press|aap|upi|pti|ians)"
)
WIRE_AGENCIES = re.compile(f"^{_AGENCY}$", _I)
"""Bylines naming a news agency: the agency is the source as much as the author."""

AGENCY_AT_END = re.compile(rf"(?<=\S)\s+({_AGENCY})$", _I)
"""An agency run on after a name, as author tags print it: "JANE DOE Associated Press"."""

AUTHOR_ROLES = _wordset(
    """
    writer writers editor editors reporter reporters correspondent correspondents columnist
    contributor contributors producer journalist photographer critic analyst presenter
    """
)
"""Job titles that author tags append to a name ("Jane Doe, Staff writer")."""

ROLE_QUALIFIERS = _wordset(
    """
    senior chief staff national political politics sports sport auto business security
    science health news special contributing associate deputy managing executive
    investigative foreign digital technology tech world economics legal is a an the
    metro city local courts crime transport education environment climate culture arts
    travel food fashion property motoring energy defence defense diplomatic royal music
    film media home affairs europe us uk
    """
)
"""Words that go before a job title: "Senior Political Correspondent", "Transport editor"."""

TEAM_WORDS = _wordset(
    """
    staff desk bureau team editorial newsroom wire services reports agencies admin
    """
)
"""An author tag with one of these credits a desk, not a person ("News Desk", "HNN Staff")."""

OUTLET_WORDS = _wordset(
    """
    times post news herald standard guardian telegraph journal tribune mail express
    independent gazette chronicle observer daily evening sunday weekly press mirror star
    record review courier inquirer examiner bulletin monitor register sentinel dispatch
    globe mercury echo advertiser argus star-ledger today magazine radio tv television
    network media wire reporter insider times-dispatch post-gazette bbc cnn npr abc nbc
    cbs sky reuters bloomberg politico axios vox
    """
)
"""Words that name newspapers and broadcasters; a short header line made of
capitalised words with one of these is the outlet."""

SECTIONS = _wordset(
    """
    world uk us usa news politics business money economy markets finance sport sports
    football tech technology science health opinion comment analysis culture arts
    entertainment lifestyle life travel europe africa asia americas australia
    environment climate education local national international features video crime law
    justice
    """
) | {
    "middle east",
    "world news",
    "uk news",
    "us news",
    "global development",
    "north america",
    "latin america",
}
"""Section names as page headers print them ("World", "Middle East", "UK news")."""

BREADCRUMB = re.compile(r"\s*(?:›|»|>|/|\|)\s*")

DATE_WORDS = _any(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?=\W|$)",
    r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?(?=\W|$)",
    r"\b(?:published|updated|posted|last updated|modified|on|at|am|pm|a\.m\.|p\.m\.)(?=\W|$)",
    r"\b(?:gmt|utc|bst|cet|cest|est|edt|cst|cdt|pst|pdt|et|pt|aest|aedt|ist|z)(?=\W|$)",
    r"\d+(?:st|nd|rd|th)?",
)
"""Tokens a dateline is made of; a line that is nothing else is a dateline."""

NAME_PARTICLES = _wordset(
    """
    al al- bin ibn de del della der di du el la le van von da dos das mc mac o' st.
    """
)

STOPWORDS = _wordset(
    """
    a an the and or but if of to in on at by for with from as into over after before
    about against between during without within under than then so such that this these
    those there their they them he she his her its it we our you your i me my is are was
    were be been being has have had do does did will would can could should may might
    must not no nor also just more most other some any all each both few many much said
    says say who whom whose which what when where why how while since until because
    through per via up down out off again further once here very too only own same new
    one two three last first year years week day days monday tuesday wednesday thursday
    friday saturday sunday
    """
)
"""Words too common to show that two passages share a topic."""
