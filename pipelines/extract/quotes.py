"""Quotations and who said them, in French and English news text.

A quote is text between « », “ ” or a pair of straight double quotes. Its speaker
comes from the attribution around it in the same sentence: after the quote
(``…”, a déclaré M. Lavrov``, ``…,” said Antony Blinken``, ``…, a-t-elle ajouté``)
or before it (``Lavrov a affirmé que «…»``, ``selon X, « … »``,
``Blinken said: "…"``). A pronoun (``elle``, ``he``) resolves to the last person
the text named as a speaker or as the subject of a sentence, when there is one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.text.document import Extractor, TextContext, TextRecord

_QUOTE_PAIRS = re.compile(
    r"«\s*(?P<a>[^«»]{2,1500}?)\s*»|“(?P<b>[^“”]{2,1500}?)”|(?<![\w\"])\"(?P<c>[^\"\n]{2,1500}?)\"(?![\w\"])"
)
NAME = (r"(?:[A-ZÀ-ÖØ-Þ][\w'’\-]+|[A-Z]\.(?:[A-Z]\.)?)"
        r"(?:\s+(?:de\s+|van\s+|von\s+|al-|bin\s+)?(?:[A-ZÀ-ÖØ-Þ][\w'’\-]+|[A-Z]\.(?:[A-Z]\.)?(?=\s+[A-Z]))){0,5}")
# A party and state after a US politician's name: "Rep. Gwen Moore (D-Wis.)".
_PAREN = r"(?:\s*\([A-Z][^()\n]{0,24}\))?"
# A role description between a verb and a name: "souligne la glaciologue norvégienne Ingrid Solberg".
_ROLE_WORDS = r"(?:(?:l['’]|[a-zà-öø-ÿ][\w'’\-]*,?)\s+){0,7}"
_TITLES = (
    r"(?:M\.|Mme|Mlle|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Pr\.?|Prof\.|President|Président|Prime Minister|Premier ministre|"
    r"Minister|ministre|Secretary|Senator|Sen\.|Rep\.|Reps\.|Gov\.|Lt\.|Col\.|Sgt\.|Capt\.|Adm\.|Rev\.|"
    r"Del\.|Governor|Mayor|Chief|Judge|Justice|Ambassador|Congressman|Congresswoman|General|Général|Gen\.)\s+"
)
_VERBS_FR = (
    r"déclaré|ajouté|affirmé|annoncé|expliqué|indiqué|précisé|souligné|estimé|assuré|dit|répondu|"
    r"proclamé|averti|martelé|insisté|confié|lancé|poursuivi|conclu|rappelé|reconnu|dénoncé|prévenu|"
    r"promis|jugé|commenté|écrit|tweeté|répété|noté|observé|admis|soutenu|regretté|confirmé"
)
_VERBS_FR_PRESENT = (
    r"déclare|ajoute|affirme|explique|indique|précise|souligne|estime|assure|dit|poursuit|conclut|résume|"
    r"martèle|avertit|insiste|confie|lance|note|observe|rappelle|reconnaît|tranche|commente|raconte|détaille"
)
_VERBS_EN = (
    r"said|says|added|adds|told|tells|stated|explained|warned|noted|insisted|argued|declared|announced|"
    r"wrote|tweeted|asked|replied|responded|continued|concluded|claimed|stressed|acknowledged|admitted|"
    r"promised|vowed|remarked|observed|confirmed|urged|recalled|demanded|suggested|countered|quipped|joked|"
    r"shouted|predicted|conceded|boasted|complained|charged|cautioned|lamented|recounted|testified|posted|mused|"
    r"yelled|agreed|answered|emphasized|emphasised|maintained|reiterated|contended|explains|argues|recalls|writes|"
    r"notes|warns|insists"
)
_PRONOUNS = {"il", "elle", "ils", "elles", "he", "she", "they"}
_PRONOUN_GENDER = {"il": "m", "elle": "f", "he": "m", "she": "f"}
_NAME_RE = re.compile(NAME)
# "la ministre … Choe Song-hee", "le président russe Vladimir Poutine", "Mme Dupont"
_ROLE_CUE = re.compile(
    r"\b(?P<article>la|le|du|l['’]|de la|une|un)\s+(?P<role>(?:première |premier )?(?:ministre|présidente?|"
    r"dirigeante?|secrétaire|cheffe?|directeur|directrice|porte-parole|chancelière?|reine|roi|générale?|"
    r"ambassadeur|ambassadrice|juge|maire|journaliste|ministre|avocate?|experte?|responsable|sénatrice|sénateur|"
    r"députée?|patronne|patron|porte-parole|diplomate|dictateur|dictatrice))\b[^.!?]{0,60}$"
    r"|\b(?P<honorific>Mme|Madame|Mrs\.?|Ms\.?|M\.|Monsieur|Mr\.?)\s*$",
    re.IGNORECASE,
)
_FEMININE_ROLES = re.compile(r"(?:e|ice|esse|eine)$")

# After the quote: ", a déclaré M. Lavrov" / ", a-t-elle ajouté" / ", said X" / ", X said"
_AFTER_FR = re.compile(
    rf"^\s*[,.]?\s*(?:a|ont|avait)(?:-t)?-(?P<pron>il|elle|ils|elles)\s+(?P<verb>{_VERBS_FR})"
    rf"|^\s*[,.]?\s*(?:a|ont|avait)\s+(?P<verb2>{_VERBS_FR})\s+{_ROLE_WORDS}(?P<who>(?:{_TITLES})?{NAME})"
    rf"|^\s*[,.]?\s*(?P<verb3>{_VERBS_FR_PRESENT})(?:-t)?(?:-(?P<pron3>il|elle)\b|\s+{_ROLE_WORDS}"
    rf"(?P<who3>(?:{_TITLES})?{NAME}|il|elle))"
    rf"|^\s*[,.]?\s*selon\s+{_ROLE_WORDS}(?P<who4>(?:{_TITLES})?{NAME})"
    rf"|^\s*[,.]?\s*(?:a|ont|avait)\s+(?P<verb5>{_VERBS_FR})\s+(?P<role5>(?:l['’]|le\s+|la\s+)[a-zà-öø-ÿ\-]+)"
)
_AFTER_EN = re.compile(
    rf"^\s*[,.]?\s*(?P<verb>{_VERBS_EN})\s+(?P<who>(?:{_TITLES})?{NAME}|he|she|they)"
    rf"|^\s*[,.]?\s*(?P<who2>(?:{_TITLES})?{NAME}|[Hh]e|[Ss]he|[Tt]hey){_PAREN}\s+(?P<verb2>{_VERBS_EN})\b"
    rf"|^\s*[,.]?\s*according to\s+(?P<who3>(?:{_TITLES})?{NAME})"
    # "Scott Pruitt, the Republican attorney general of Oklahoma, one of the states …, said"; "Kelly, 53, said"
    rf"|^\s*[,.]?\s*(?P<who4>(?:{_TITLES})?{NAME}){_PAREN},\s+[^“”\"\n]{{1,160}}?,\s+(?P<verb4>{_VERBS_EN})\b"
    # "” ― Pamela Padilla": a name after a dash
    rf"|^\s*[,.]?\s*[―—–]\s*(?P<who5>{NAME})"
    # "Tulsa police Chief Chuck Jordan said", "Trump lawyer Marc Kasowitz said": a role, then the full name
    rf"|^\s*[,.]?\s*(?:[\w’'.\-]+\s+){{1,5}}?(?P<who6>(?:{_TITLES})?{NAME}\s+{NAME}){_PAREN}\s+(?P<verb6>{_VERBS_EN})\b"
    # "…," the minister said / said the spokeswoman: resolved to the name the text gave that role
    rf"|^\s*[,.]?\s*(?P<role7>the\s+[a-z]+)\s+(?P<verb7>{_VERBS_EN})\b"
    rf"|^\s*[,.]?\s*(?P<verb8>{_VERBS_EN})\s+(?P<role8>the\s+[a-z]+)\s*[.,]"
)
_CHARACTERIZING = (r"called|calls|described|describes|termed|dubbed|labeled|labelled|branded|likened|criticized|"
                   r"criticised|blasted|denounced|praised|condemned|hailed|derided|mocked|slammed")
# Before the quote: "Lavrov a affirmé que « " / "selon X, « " / 'Blinken said: "' / 'according to X, "'
_REST_OF_CLAUSE = r",?(?:\s*(?:que|qu['’]|that)\b[^.!?«“\"]{0,160}|\s+[^.!?«“\"]{0,120})?\s*[:,]?\s*$"
_APPOSITION = r"(?:\s*,\s*(?=[a-z\d])[^,.;«»“”\"]{0,90},?)?"  # ", a historian who …," / ", 53," (never ", Trump")
_BEFORE = re.compile(
    rf"(?P<who>(?:{_TITLES})?{NAME}),?\s+(?:a|avait|ont)\s+(?:\w+\s+)?(?P<verb>{_VERBS_FR}){_REST_OF_CLAUSE}"
    rf"|(?P<who2>(?:{_TITLES})?{NAME}){_PAREN}{_APPOSITION}\s+(?P<verb2>{_VERBS_EN})(?:\s+(?:reporters|journalists))?"
    rf"{_REST_OF_CLAUSE}"
    # "Said Ellis: “…”"
    rf"|\b(?i:said)\s+(?P<who5>(?:{_TITLES})?{NAME})\s*:\s*$"
    # "Democratic Sen. Claire McCaskill (D-Mo.) scolded him: “…”": a subject, a verb, a colon
    rf"|(?P<who6>(?:{_TITLES})?{NAME}){_PAREN}\s+(?:\w+ly\s+)?[a-z]+(?:ed|s)\b[^.!?:«»“”\"]{{0,40}}:\s*$"
    # "… an explosion that Mayor Bill de Blasio described as “…”": a verb that names what the words were
    rf"|(?P<who8>(?:{_TITLES})?{NAME}){_PAREN}{_APPOSITION},?\s+(?:\w+ly\s+)?(?P<verb8>{_CHARACTERIZING})\b"
    rf"[^.!?«»“”\"]{{0,100}}$"
    rf"|(?i:selon|pour|according to|for|laut|según|segun|secondo|segundo|volgens)\s+{_ROLE_WORDS}"
    rf"(?P<who3>(?:{_TITLES})?{NAME}){_APPOSITION}"
    rf"[^.!?«»“”\"]{{0,80}}?\s*[:,]?\s*$"
    rf"|\b(?P<pron>[Ii]l|[Ee]lle|[Hh]e|[Ss]he)\s+(?:a\s+)?(?:\w+\s+)?(?P<verb4>{_VERBS_FR}|{_VERBS_EN}){_REST_OF_CLAUSE}",
)
_NOT_NAMES = {
    "Le", "La", "Les", "Un", "Une", "Des", "Ce", "Cette", "Il", "Elle", "The", "A", "An", "This", "That", "It",
    "Dans", "Lors", "Depuis", "Alors", "Selon", "Mais", "Et", "Pour", "In", "On", "At", "But", "And",
    # sentence openers a capitalized run may start with ("When Clinton", "Following Monday’s")
    "When", "While", "Since", "After", "Before", "If", "As", "Although", "Because", "So", "Then", "Now", "Still",
    "With", "Without", "Following", "During", "All", "His", "Her", "Their", "Its", "Our", "My", "Another",
    "Only", "Even", "Also", "Yet", "Said", "Asked", "Speaking", "Quand", "Après", "Avant", "Comme", "Si",
}
_NOT_A_SUBJECT = rf"(?!(?:{'|'.join(sorted(_NOT_NAMES))})\b)"  # "At Monday’s debate, Clinton …"
_IRREGULAR_PAST = (r"(?:took|made|gave|went|said|told|wrote|got|put|sent|saw|spoke|met|ran|began|drew|struck|threw|"
                   r"brought|thought|felt|kept|left|won|sang|fought|hit|led|paid|read|sold|stood|swore)")
_SENTENCE_SUBJECT = re.compile(
    # An opening phrase may come first ("In July, ", "At Monday’s debate, ", "Speaking in Novi, Michigan, ").
    rf"^\W*(?:[^,.;:!?«»“”\"]{{1,90}},\s+){{0,2}}?(?:But\s+|And\s+)?"
    rf"(?P<who>{_NOT_A_SUBJECT}(?:{_TITLES})?{NAME}|[Ii]l|[Ee]lle|[Hh]e|[Ss]he){_PAREN},?\s+(?:a\s+|s['’]est\s+|has\s+|had\s+)?"
    rf"(?:been\s+)?"
    rf"(?:\w+\s+)?(?:[a-zà-öø-ÿ]+(?:é|ée|és|ait|e|ed|s|ing)|{_IRREGULAR_PAST})\b[^.!?«»“”\"]*$"
)
_SUBJECT = re.compile(rf"(?:(?:{_TITLES})?(?P<name>{NAME}))\s+(?:a|avait|has|had|est|was|is)\s+\w+")
_TITLE_PREFIX = re.compile(rf"^{_TITLES}")
_TITLE_WORDS = {
    "Leader", "Chief", "Cabinet", "Secretary", "Minister", "Foreign", "President", "Prime", "General", "Deputy",
    "Spokesperson", "Spokesman", "Spokeswoman", "Senator", "Governor", "Mayor", "Director", "Defence", "Defense",
    "State", "Vice", "Chairman", "Chair", "CEO", "Coach", "Captain", "Professor", "Prof", "Dr", "Sir", "Lady",
    "Président", "Ministre", "Premier", "Général", "Directeur", "Directrice", "Maire", "Secrétaire",
}
# A run of capitals that names a day, a month or a number is no speaker ("Friday", "Twenty-nine").
_NOT_SPEAKERS = re.compile(
    r"^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|"
    r"August|September|October|November|December|Lundi|Mardi|Mercredi|Jeudi|Vendredi|Samedi|Dimanche|"
    r"(?:Twenty|Thirty|Forty|Fifty|Sixty|Seventy|Eighty|Ninety|One|Two|Three|Four|Five|Six|Seven|Eight|Nine|"
    r"Ten|Hundred|Thousand)(?:-\w+)?)(?:['’]s)?$"
)


@dataclass(frozen=True)
class Quote:
    text: str
    char_start: int  # of the quoted text (marks excluded), in the paragraph/document text given
    char_end: int
    speaker: str | None  # resolved name
    speaker_text: str | None  # as written: "M. Lavrov", "elle"
    verb: str | None


def _clean_name(name: str | None) -> str | None:
    if not name:
        return None
    name = re.sub(r"^[\w-]+['’]s\s+", "", name.strip(" ,."))  # "Kenya's Kiprop" -> "Kiprop"
    stripped = _TITLE_PREFIX.sub("", name).strip()
    tokens = stripped.split()
    while tokens and (tokens[0] in _NOT_NAMES or (len(tokens) > 1 and tokens[0] in _TITLE_WORDS)):
        tokens = tokens[1:]  # "When Clinton"; "Leader Kim Jong-un", "Chief Cabinet Secretary Hiroshi Tamura"
    inner_titles = [i for i, t in enumerate(tokens[:-1]) if t in _TITLE_WORDS or _TITLE_PREFIX.match(t + " ")]
    if inner_titles:
        tokens = tokens[inner_titles[-1] + 1 :]  # "New Jersey Gov. Chris Christie", "Charlotte Mayor Jennifer Roberts"
    if not tokens or _NOT_SPEAKERS.match(" ".join(tokens)):
        return None
    name = _TITLE_PREFIX.sub("", " ".join(tokens)).strip()
    return name or None


def _sentence_end(text: str, start: int) -> int:
    match = re.search(r"[.!?](?:\s|$)", text[start:])
    return start + match.end() if match else len(text)


def extract_quotes(text: str) -> list[Quote]:
    """Quotes in ``text`` with offsets into it, and their attributed speakers."""
    quotes: list[Quote] = []
    last_speaker: str | None = None
    genders: dict[str, str] = {}
    position = 0
    # Names inside quotes are not who speaks next: search attributions in text with quotes blanked.
    outside = _QUOTE_PAIRS.sub(lambda m: " " * len(m.group(0)), text)
    for match in _QUOTE_PAIRS.finditer(text):
        group = next(g for g in ("a", "b", "c") if match.group(g) is not None)
        inner = match.group(group)
        stripped = inner.strip()
        if sum(c.isalpha() for c in stripped) < 3 or _is_title_of_work(stripped, text[: match.start()]):
            continue
        start = match.start(group) + (len(inner) - len(inner.lstrip()))
        last_speaker = _last_named_subject(text[position : match.start()]) or last_speaker
        speaker_text, verb = _attribution(text, match.start(), match.end())
        speaker = _clean_name(speaker_text)
        if speaker_text and speaker_text[:1].islower() and speaker_text.lower() not in _PRONOUNS:
            speaker = _resolve_role(speaker_text, outside[: match.start()])  # "le ministre" -> his name
        elif speaker and " " not in speaker and _is_common_word(speaker, text):
            speaker = None  # "Inflation is …": a sentence subject that is not a speaker
        if speaker and speaker_text:
            gender = _name_gender(speaker_text.split(speaker)[0]) or _gender_in(outside, speaker)
            if gender:
                genders[speaker] = gender
        if speaker_text and speaker_text.strip().lower() in _PRONOUNS:
            gender = _PRONOUN_GENDER.get(speaker_text.strip().lower())
            if last_speaker and genders.get(last_speaker) == gender:
                speaker = last_speaker
            else:
                speaker = (
                    _last_name_of_gender(outside[: match.start()], gender)
                    or _nearest_speaking_subject(outside[position : match.start()])
                    or last_speaker
                    or _last_full_name(outside[outside.rfind("\n", 0, match.start()) + 1 : match.start()])
                )
        if speaker:
            last_speaker = speaker
        quotes.append(Quote(stripped, start, start + len(stripped), speaker, speaker_text, verb))
        position = match.end()
    quotes = _with_open_paragraphs(quotes, text)
    return [_with_full_name(q, outside) for q in _propagate_to_continuations(quotes, text)]


# A paragraph that opens a quotation and leaves it open: the quote goes on in the next paragraph, which
# opens with a quotation mark again (the newspaper convention for a quote of several paragraphs).
_OPEN_PARAGRAPH = re.compile(  # the other kind of marks may appear inside (a title in “ ” within a "…" quote)
    r"(?m)^[ \t]*(?:(?P<mark>“)(?P<inner>[^“”\n]{20,})|(?P<mark2>«)(?P<inner2>[^«»\n]{20,})"
    r"|(?P<mark3>\")(?P<inner3>[^\"\n]{20,}))$"
)
_REOPENED = re.compile(r"\s*\n\s*[“«\"]")


def _with_open_paragraphs(quotes: list[Quote], text: str) -> list[Quote]:
    """The paragraphs of a quote of several paragraphs that the pairs of marks do not close, each as a
    quote of the speaker of the paragraph the quote goes on in."""
    added = []
    for match in _OPEN_PARAGRAPH.finditer(text):
        if not _REOPENED.match(text, match.end()):
            continue
        group = next(g for g in ("inner", "inner2", "inner3") if match.group(g) is not None)
        mark = {"inner": "mark", "inner2": "mark2", "inner3": "mark3"}[group]
        inner = match.group(group).rstrip()
        start = match.start(group) + (len(match.group(group)) - len(match.group(group).lstrip()))
        # A transcript's label ("WALLACE: …") or a line introducing it ("The Times reports:") names the
        # speaker; else it is the speaker of the paragraph the quote goes on in.
        introduced = _clean_name(_introduced(text, match.start(mark)))
        following = next((q for q in quotes if q.char_start > match.end()), None)
        speaker = introduced or (following.speaker if following is not None else None)
        added.append(Quote(inner.strip(), start, start + len(inner.strip()), speaker, introduced, None))
    if not added:
        return quotes
    # Later paragraphs first: a quote of three paragraphs gets its speaker from the last one.
    merged = sorted([*quotes, *added], key=lambda q: q.char_start)
    result: list[Quote] = []
    for quote in reversed(merged):
        if quote.speaker is None and quote.speaker_text is None and result and quote in added:
            quote = Quote(quote.text, quote.char_start, quote.char_end, result[-1].speaker, None, None)
        result.append(quote)
    return list(reversed(result))


_SMALL_WORDS = frozenset({"of", "the", "and", "a", "an", "in", "on", "to", "for", "with", "at", "de", "la", "le",
                          "les", "du", "des", "et", "en", "à"})
# What introduces the name of a show, a film or a document: "MSNBC's “Morning Joe”", "on “Face the Nation”",
# "an episode of", "titled", and markup attributes (author="…"). Not "of" alone: "a goal of “Peace Through
# Strength”", "chants of “Bobby!”" are words somebody said.
_WORK_CUE = re.compile(r"(?:['’]s|\bon|\bepisode of|\btitled|\bcalled|\bshow|\bprogram(?:me)?|\bémission|=)\s*$",
                       re.IGNORECASE)


def _is_title_of_work(inner: str, before: str) -> bool:
    """A show's, a book's or a film's name in quotation marks, not anybody's words: a few words, all
    capitalized but the small ones, right after a cue (``on CNN's “State of the Union.”``)."""
    if before.endswith("="):
        return True
    words = re.findall(r"[^\W\d_][\w'’\-]*", inner)
    if not 1 <= len(words) <= 7 or not _WORK_CUE.search(before[-20:]):
        return False
    return all(w[0].isupper() for w in words if w.casefold() not in _SMALL_WORDS) and words[0][0].isupper()


def _with_full_name(quote: Quote, text: str) -> Quote:
    """``Lavrov`` -> ``Sergueï Lavrov`` when the text names him in full somewhere."""
    if not quote.speaker or " " in quote.speaker:
        return quote
    before = re.compile(rf"\b((?:[A-ZÀ-ÖØ-Þ][\w'’\-]+\s+){{1,2}}){re.escape(quote.speaker)}\b")
    after = re.compile(rf"\b{re.escape(quote.speaker)}(?:\s+[A-ZÀ-ÖØ-Þ][\w'’\-]+){{1,2}}\b")
    for match in [*before.finditer(text), *after.finditer(text)]:
        full = _clean_name(match.group(0))
        if full and any(word in _TITLE_WORDS for word in full.split()):
            continue  # "PolitiFact Executive Director …": the speaker's name does not go on with a title
        if full and len(full.split()) >= 2:
            return Quote(quote.text, quote.char_start, quote.char_end, full, quote.speaker_text, quote.verb)
    return quote


MAX_TRAILING_ATTRIBUTION_WORDS = 8


# Nouns of a role between an organisation or a party and a person's name: "MSNBC host Chris Matthews",
# "Clinton campaign manager Robby Mook", "Democratic presidential nominee Hillary Clinton".
_ROLE_NOUNS = (
    r"(?:host|anchor|spokesman|spokeswoman|spokesperson|president|chairman|chairwoman|chair|analyst|director|"
    r"chief|official|leader|aide|adviser|advisor|manager|lawyer|attorney|economist|strategist|correspondent|"
    r"reporter|executive|founder|professor|senator|secretary|minister|governor|candidate|nominee|member|"
    r"commissioner|coach|captain|mayor|ceo|editor|columnist|researcher|pollster|representative|congressman|"
    r"congresswoman|ambassador|commander|organizer|organiser|activist|consultant|porte-parole)"
)
# The words between may describe the role ("presidential", "campaign"), never be a verb or a preposition:
# "Obama praised the president Xi" is Obama speaking.
_ROLE_FILLER = r"(?!(?:the|a|an|of|to|in|on|at|for|with|and|by|his|her|their|its)\b)(?![a-z]+ed\b)[a-z][\w\-]*"
_ROLE_THEN_NAME = re.compile(rf"\s+(?:{_ROLE_FILLER}\s+){{0,2}}{_ROLE_NOUNS}\s+(?P<name>(?:{_TITLES})?{NAME})")


def _named(match: re.Match, *prefixes: str) -> str | None:
    """The text of the matched group whose name starts with one of ``prefixes`` (``who``, ``who2`` …):
    each alternative of an attribution pattern has its own numbered groups, and one alternative matched.
    A ``who`` followed by a role and a name is the organisation the person speaks for: the person speaks."""
    for key, value in match.groupdict().items():
        if value and key.startswith(prefixes):
            if key.startswith("who") and (person := _ROLE_THEN_NAME.match(match.string, match.end(key))):
                return person.group("name")
            return value
    return None


def _attribution(text: str, quote_start: int, quote_end: int) -> tuple[str | None, str | None]:
    after = text[quote_end : _sentence_end(text, quote_end) + 80].split("\n", 1)[0]  # never the next paragraph's
    # A quote whose words end its sentence ("… escapades.") is followed by its attribution only when
    # that is the whole next sentence ("Mr. Morgan said."); a longer one ("Russia insisted that …",
    # "Park said Kim's state is …") is another sentence with its own subject.
    trailing = text[quote_end : _sentence_end(text, quote_end)].split("\n", 1)[0]
    ends_sentence = text[max(0, quote_end - 3) : quote_end].rstrip("»”\" ").endswith(".")
    own_sentence = ends_sentence and len(trailing.split()) > MAX_TRAILING_ATTRIBUTION_WORDS
    patterns = () if own_sentence else (_AFTER_FR, _AFTER_EN)
    for pattern in patterns:
        match = pattern.match(after)
        if match:
            who, verb, role = _named(match, "who", "pron"), _named(match, "verb"), _named(match, "role")
            if who:
                return who, verb
            if role:  # "a déclaré le ministre", "the minister said": resolved from the role later
                return role, verb
    sentence_start = max(_sentence_start(text, quote_start), text.rfind("\n", 0, quote_start) + 1)
    before = text[sentence_start:quote_start]
    match = _BEFORE.search(before)
    who = _named(match, "who", "pron") if match else None
    if who and (who.lower() in _PRONOUNS or _clean_name(who)):  # not "February, blasted …"
        return who, _named(match, "verb")
    subject = _SENTENCE_SUBJECT.match(before)
    if subject:  # « grande victoire » inside a sentence whose subject speaks: "Elle s'est dite …"
        return _named(subject, "who"), None
    if not before.strip():
        return _introduced(text, quote_start), None
    return None, None


# The end of a paragraph that introduces the quote opening the next: "Caddell continued:", "Said Ellis:",
# "Le ministre Jean Dupont a ajouté :".
_INTRODUCTION = re.compile(
    rf"(?:(?P<who>(?:{_TITLES})?{NAME}){_PAREN}{_APPOSITION}\s+(?:\w+\s+){{0,3}}?[a-zà-öø-ÿ]+(?:ed|s|é)\b"
    rf"[^.!?:«»“”\"]{{0,40}}|\b(?i:said|says|added)\s+(?P<who2>(?:{_TITLES})?{NAME}))\s*:\s*$"
)
# A transcript's speaker label at the start of the quote: "PENCE: Well, look, …"
_TRANSCRIPT_LABEL = re.compile(r"(?P<who>[A-Z][A-Z'’\-]+(?:\s[A-Z][A-Z'’\-]+)?):\s")  # matched at the quote


def _introduced(text: str, quote_start: int) -> str | None:
    """The speaker a quote opening its paragraph gets from the line just before it, when that line
    introduces it and ends with a colon; or from a transcript label at the quote's start."""
    label = _TRANSCRIPT_LABEL.match(text, quote_start + 1)  # after the opening mark
    if label:
        return label.group("who")
    previous = text[:quote_start].rstrip()
    if not previous.endswith(":") or "\n" not in text[len(previous) : quote_start]:
        return None
    line = previous[previous.rfind("\n") + 1 :]
    match = _INTRODUCTION.search(line)
    return (match.group("who") or match.group("who2")) if match else None


_ABBREVIATIONS = frozenset({"Mr", "Mrs", "Ms", "Dr", "Rep", "Reps", "Sen", "Gov", "Gen", "Lt", "Col", "Sgt", "Capt",
                            "Adm", "Rev", "Prof", "Del", "St", "Jr", "Sr", "M", "Mme", "Pr"})


def _sentence_start(text: str, position: int) -> int:
    """Where the sentence holding ``position`` starts: after the last ". " that ends a sentence, not
    an initial (``Laurence H. Tribe``) or a title (``Rep. Moore``)."""
    end = text.rfind(". ", 0, position)
    while end > 0:
        word = re.search(r"(\w+)$", text[max(0, end - 6) : end])
        initial = word is not None and len(word.group(1)) == 1 and word.group(1).isupper()
        if word is None or not (word.group(1) in _ABBREVIATIONS or initial):
            return end + 1
        end = text.rfind(". ", 0, end)
    return 0


def _name_gender(context: str) -> str | None:
    """'f'/'m' from the words just before a name ("la ministre …", "M."), else None."""
    cue = _ROLE_CUE.search(context[-90:])
    if cue is None:
        return None
    honorific = cue.group("honorific")
    if honorific:
        return "f" if honorific.lower().startswith(("mme", "madame", "mrs", "ms")) else "m"
    article = cue.group("article").lower()
    if article in ("la", "de la", "une"):
        return "f"
    if article in ("le", "du", "un"):
        return "m"
    role = cue.group("role").lower()
    return "f" if _FEMININE_ROLES.search(role) and role != "ministre" else None


_SPEAKING_SUBJECT = re.compile(
    rf"(?P<name>{NAME})(?:,[^,.;]{{1,80}},)?\s+(?:{_VERBS_EN}|has|had|was|is|a|avait|est)\b"
)


_SPEECH_SUBJECT = re.compile(rf"(?P<name>{NAME})(?:,[^,.;]{{1,80}},)?\s+(?:{_VERBS_EN}|{_VERBS_FR_PRESENT})\b")


def _nearest_speaking_subject(text: str) -> str | None:
    """The last name that is the subject of a clause ("Moore, who trains in Canberra, said …"):
    of a verb of speech if there is one ("DuVernay said she felt the 13th Amendment was …"), else of
    any clause."""
    for pattern in (_SPEECH_SUBJECT, _SPEAKING_SUBJECT):
        names = [_clean_name(m.group("name")) for m in pattern.finditer(text)]
        names = [n for n in names if n and not _is_common_word(n, text)]
        if names:
            return names[-1]
    return None


def _is_common_word(name: str, text: str) -> bool:
    """A one-word "name" that the text also writes in lower case is a common noun."""
    return " " not in name and re.search(rf"\b{re.escape(name.lower())}\b", text) is not None


def _resolve_role(role: str, text: str) -> str | None:
    """"le ministre" -> the full name the text gave shortly after "ministre" earlier."""
    noun = re.sub(r"^(?:l['’]|le\s+|la\s+|the\s+)", "", role)
    names = []
    for cue in re.finditer(rf"\b(?i:{re.escape(noun)})\b", text):
        window = re.match(r"[^.;«»“”\"]{0,70}", text[cue.end() :]).group(0)
        for candidate in _NAME_RE.finditer(window):
            name = _clean_name(candidate.group(0))
            if name and len(name.split()) >= 2:
                names.append(name)
                break
    return names[-1] if names else None


def _gender_in(text: str, name: str) -> str | None:
    """Gender cue before any mention of ``name`` or of its surname in the text."""
    for candidate in (name, name.split()[-1]):
        for match in re.finditer(rf"\b{re.escape(candidate)}\b", text):
            gender = _name_gender(text[: match.start()])
            if gender:
                return gender
    return None


def _last_name_of_gender(text: str, gender: str | None) -> str | None:
    """The last full name before a pronoun whose introduction agrees with its gender."""
    if gender is None:
        return None
    for match in reversed(list(_NAME_RE.finditer(text))):
        name = _clean_name(match.group(0))
        if name and len(name.split()) >= 2 and _name_gender(text[: match.start()]) == gender:
            return name
    return None


def _last_full_name(text: str) -> str | None:
    """The last name of two words or more in ``text`` (the paragraph before a pronoun nobody else fits)."""
    names = [_clean_name(m.group(0)) for m in _NAME_RE.finditer(text)]
    names = [n for n in names if n and len(n.split()) >= 2]
    return names[-1] if names else None


def _last_named_subject(text: str) -> str | None:
    """The last full name (two words or more) that is the subject of a clause: the
    person a following "elle"/"he" most likely is. One-word subjects are too often
    places ("Moscou a signé")."""
    names = [_clean_name(m.group("name")) for m in _SUBJECT.finditer(text)]
    names = [n for n in names if n and len(n.split()) >= 2]
    return names[-1] if names else None


CONTINUATION_GAP = 300  # room for the attribution between the two ("…," said X, a professor at Y. "…")


def _propagate_to_continuations(quotes: list[Quote], text: str) -> list[Quote]:
    """``“A”, a déclaré M. Lavrov. “B.”``: an unattributed quote that directly continues an
    attributed one in the same paragraph belongs to the same speaker."""
    result: list[Quote] = []
    for quote in quotes:
        previous = result[-1] if result else None
        if (
            quote.speaker is None
            and quote.speaker_text is None
            and previous is not None
            and previous.speaker
            and "\n" not in text[previous.char_end : quote.char_start]
            and quote.char_start - previous.char_end < CONTINUATION_GAP
        ):
            quote = Quote(quote.text, quote.char_start, quote.char_end, previous.speaker, None, None)
        result.append(quote)
    return result


class ExtractQuotes(Extractor):
    """Quotations of the article with speaker and verb; quotes in footers or captions are not the article's.

    Quotes are found on the whole text (an attribution may sit in the paragraph before),
    then kept only when they start in a clean paragraph.
    """

    tables = ("quotes",)

    def process(self, record: TextRecord, context: TextContext) -> None:
        clean = [(p.char_start, p.char_end, p.ordinal) for p in record.clean_paragraphs()]
        for quote in extract_quotes(record.text):
            ordinal = next((o for start, end, o in clean if start <= quote.char_start < end), None)
            if ordinal is not None:
                record.emit(
                    "quotes", quote=quote.text, speaker=quote.speaker, speaker_text=quote.speaker_text,
                    verb=quote.verb, char_start=quote.char_start, char_end=quote.char_end,
                    paragraph_ordinal=ordinal,
                )
