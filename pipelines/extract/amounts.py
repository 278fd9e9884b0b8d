"""Amounts in news text: counts of things, sums of money and percentages.

Numbers come as ``8 000`` / ``8 000`` (French thousands), ``10,000`` / ``10.000``,
``1.5 million`` / ``1,5 milliard``, and number words (``trois``, ``two``, ``dozens``).
A count needs the thing counted right after it (``8 000 soldats``, ``1.5 million
people``, ``1,5 million de personnes``); a currency makes it money; ``%`` a
percentage. Years, dates, times, ordinals and numbers inside names (``G7``,
``F-16``) are not amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.text.document import Extractor, TextContext, TextRecord

_SEP = r"[ \u00a0\u202f]"
_NUMBER = (
    rf"(?P<num>\d{{1,3}}(?:{_SEP}\d{{3}})+(?:,\d+)?"  # 8 000 / 8 000,5
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # 10,000 / 10,000.5
    r"|\d{1,3}(?:\.\d{3})+(?:,\d+)?"  # 10.000 (de)
    r"|\d+(?:[.,]\d+)?)"  # 1.5 / 1,5 / 42
)
_SCALES = {
    "thousand": 1e3, "thousands": 1e3, "mille": 1e3, "k": 1e3,
    "million": 1e6, "millions": 1e6, "mn": 1e6, "m": 1e6,
    "billion": 1e9, "billions": 1e9, "milliard": 1e9, "milliards": 1e9, "bn": 1e9, "md": 1e9, "mds": 1e9,
    "trillion": 1e12, "trillions": 1e12, "billion(s)": 1e12,
}
_SCALE = r"(?:\s*(?P<scale>thousands?|mille|millions?|milliards?|billions?|trillions?|mn|bn|mds?|k|m)\b)?"
_WORD_NUMBERS = {
    # French
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
    "onze": 11, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50,
    "cent": 100, "mille": 1000, "dizaine": 10, "douzaine": 12, "centaine": 100,
    # English
    "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "hundred": 100, "dozen": 12,
}
_CURRENCY_BEFORE = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "CHF": "CHF", "USD": "USD",
                    "EUR": "EUR", "GBP": "GBP"}
_CURRENCY_AFTER = {
    "€": "EUR", "euros": "EUR", "euro": "EUR", "eur": "EUR", "dollars": "USD", "dollar": "USD", "usd": "USD",
    "$": "USD", "livres": "GBP", "pounds": "GBP", "£": "GBP", "yens": "JPY", "yen": "JPY", "roubles": "RUB",
    "rubles": "RUB", "yuans": "CNY", "yuan": "CNY", "francs": "CHF", "won": "KRW", "wons": "KRW",
}
_NUMERIC = re.compile(
    rf"(?<![\w.,\-/])(?P<cur>US\$|\$|€|£|¥|CHF\s?|USD\s?|EUR\s?|GBP\s?)?{_NUMBER}{_SCALE}"
    rf"(?P<pct>\s?(?:%|pour ?cent|per ?cent|percent))?(?![\w\-/]|[.,]\d)"
)
_WORDS = re.compile(
    r"\b(?P<word>" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")s?\b", re.IGNORECASE
)
_THING = re.compile(r"\s*(?:(?:de|d['’]|of)\s+)?(?P<thing>[^\W\d_][\w\-]*)", re.UNICODE)
_NOT_THINGS = {
    # function words and time units that make the number a date, a duration or an age
    "de", "des", "du", "la", "le", "les", "et", "ou", "à", "a", "en", "au", "aux", "par", "pour", "sur", "dans",
    "the", "of", "and", "or", "to", "in", "on", "at", "by", "for", "with", "from", "que", "qui", "is", "was", "are",
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
    "décembre", "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "h", "heures", "heure", "hours", "am", "pm", "h00", "mn",
    "ans", "an", "années", "year", "years", "mois", "months", "month", "jours", "jour", "days", "day", "semaines",
    "weeks", "week", "minutes", "minute", "secondes", "seconds", "fois", "times", "ème", "e", "er", "st", "nd",
    "rd", "th", "km", "kilomètres", "kilometres", "kilometers", "miles", "mètres", "metres", "meters", "m", "kg",
    "tonnes", "tons", "points", "point", "siècle", "century",
}
_YEAR = re.compile(r"^(?:1[5-9]\d{2}|20\d{2})$")


@dataclass(frozen=True)
class Amount:
    text: str
    char_start: int
    char_end: int
    value: float
    kind: str  # count | money | percent
    thing: str | None  # what is counted (counts), the currency (money)


def parse_number(raw: str, scale: str | None = None) -> float:
    """``8 000`` -> 8000, ``10,000`` -> 10000, ``1,5`` / ``1.5`` -> 1.5, times a scale word."""
    digits = re.sub(_SEP, "", raw)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", digits):
        value = float(digits.replace(",", ""))
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", digits):
        value = float(digits.replace(".", "").replace(",", "."))
    else:
        value = float(digits.replace(",", "."))
    return value * _SCALES.get((scale or "").lower().rstrip("."), 1.0)


def extract_amounts(text: str) -> list[Amount]:
    """Counts, money and percentages in ``text``, with offsets into it."""
    found: list[Amount] = []
    for match in _NUMERIC.finditer(text):
        amount = _numeric_amount(text, match)
        if amount is not None:
            found.append(amount)
    taken = [(a.char_start, a.char_end) for a in found]
    for match in _WORDS.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        amount = _word_amount(text, match)
        if amount is not None:
            found.append(amount)
    return sorted(found, key=lambda a: a.char_start)


def _numeric_amount(text: str, match: re.Match) -> Amount | None:
    raw, scale = match.group("num"), match.group("scale")
    currency_before = (match.group("cur") or "").strip()
    if match.group("pct"):
        return Amount(match.group(0).strip(), match.start(), match.end(), parse_number(raw, scale), "percent", None)
    thing_match = _THING.match(text, match.end())
    thing = thing_match.group("thing") if thing_match else None
    currency = _CURRENCY_BEFORE.get(currency_before) if currency_before else None
    if currency is None and thing is not None:
        currency = _CURRENCY_AFTER.get(thing.lower())
    if currency is None:
        after = text[match.end() : match.end() + 2].strip()
        currency = _CURRENCY_AFTER.get(after[:1]) if after[:1] in ("€", "$", "£") else None
        if currency:
            end = match.end() + text[match.end() :].index(after[:1]) + 1
            return Amount(text[match.start() : end], match.start(), end, parse_number(raw, scale), "money", currency)
    if currency is not None:
        end = thing_match.end() if thing_match and _CURRENCY_AFTER.get((thing or "").lower()) else match.end()
        value = parse_number(raw, scale)
        return Amount(text[match.start() : end].strip(), match.start(), end, value, "money", currency)
    if _is_date_or_year(text, match, raw, scale, thing):
        return None
    if thing is None or thing.lower() in _NOT_THINGS or not thing[0].islower():
        return None
    return Amount(
        text[match.start() : thing_match.end()], match.start(), thing_match.end(),
        parse_number(raw, scale), "count", thing,
    )


def _is_date_or_year(text: str, match: re.Match, raw: str, scale: str | None, thing: str | None) -> bool:
    if scale is None and _YEAR.match(raw):
        return True
    before = text[max(0, match.start() - 12) : match.start()].lower()
    if re.search(r"(?:n°|no\.|#|page|p\.|article|art\.|chapitre|chapter|numéro|number)\s*$", before):
        return True  # n° 5, page 3, article 49: labels, not quantities
    # le 12 (mars), since 2001: dates
    return bool(re.search(r"(?:le|du|au|the|since|depuis)\s*$", before)) and (
        thing is None or thing.lower() in _NOT_THINGS
    )


def _word_amount(text: str, match: re.Match) -> Amount | None:
    word = match.group("word").lower()
    thing_match = _THING.match(text, match.end())
    if thing_match is None:
        return None
    thing = thing_match.group("thing")
    if thing.lower() in _NOT_THINGS or not thing[0].islower() or thing.lower() in _WORD_NUMBERS:
        return None
    value = float(_WORD_NUMBERS[word])
    if match.group(0).lower().endswith("s") and word in ("dizaine", "douzaine", "centaine", "dozen", "hundred"):
        return None  # "des dizaines de", "dozens of": no definite number
    return Amount(text[match.start() : thing_match.end()], match.start(), thing_match.end(), value, "count", thing)


class ExtractAmounts(Extractor):
    """Counts, sums of money and percentages in the article's clean paragraphs."""

    tables = ("amounts",)

    def process(self, record: TextRecord, context: TextContext) -> None:
        for paragraph in record.clean_paragraphs():
            for amount in extract_amounts(paragraph.text):
                record.emit(
                    "amounts", text=amount.text, value=amount.value, kind=amount.kind, thing=amount.thing,
                    char_start=paragraph.char_start + amount.char_start,
                    char_end=paragraph.char_start + amount.char_end,
                )
