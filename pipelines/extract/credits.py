"""Photo credits in captions, and the news agencies they name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.text.document import Extractor, TextContext, TextRecord

AGENCIES = {
    "REUTERS": r"reuters", "AFP": r"afp|agence france[- ]presse", "AP": r"ap|associated press",
    "Getty Images": r"getty(?: images)?", "EPA": r"epa(?:-efe)?", "EFE": r"efe", "Xinhua": r"xinhua",
    "Anadolu": r"anadolu(?: agency)?", "dpa": r"dpa", "ANSA": r"ansa", "Shutterstock": r"shutterstock",
    "SIPA": r"sipa(?: press)?", "Belga": r"belga", "TASS": r"tass", "RIA Novosti": r"ria novosti",
    "Yonhap": r"yonhap", "KCNA": r"kcna", "Kyodo": r"kyodo", "Scanpix": r"scanpix", "NTB": r"ntb",
    "PA": r"pa images|pa wire", "Bloomberg": r"bloomberg", "Sputnik": r"sputnik", "Keystone": r"keystone",
    "ABACA": r"abaca(?:press)?", "Hans Lucas": r"hans lucas", "MaxPPP": r"maxppp",
}
_AGENCY_RE = {name: re.compile(rf"(?<![\w])(?:{pattern})(?![\w])", re.IGNORECASE) for name, pattern in AGENCIES.items()}
_CREDIT = re.compile(
    r"(?:(?:\b(?:photos?|foto|image|illustration|crédits?|credits?|source)\s*:\s*)|©\s*|\(\s*photo\s*:?\s*)"
    r"(?P<credit>[^()\n]{2,200}?)\s*(?:\)|$)",
    re.IGNORECASE,
)
_TRAILING_AGENCY = re.compile(
    r"(?P<credit>(?:[\w.’'\- ]{1,60}/)*\s*(?:" + "|".join(p for p in AGENCIES.values()) + r"))\s*\)?\s*$",
    re.IGNORECASE,
)


_LEADING_AGENCY = re.compile(
    r"(?P<credit>(?:" + "|".join(p for p in AGENCIES.values()) + r")(?:/[\w.’'\- ]{1,60})+)\s*\)?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PhotoCredit:
    credit: str
    agencies: tuple[str, ...]
    char_start: int  # offsets of ``credit`` in the text given
    char_end: int


def agencies_in(credit: str) -> tuple[str, ...]:
    # Two-letter codes (AP, PA) count only in capitals: "ap" inside French words is not an agency.
    found = []
    for name, pattern in _AGENCY_RE.items():
        match = pattern.search(credit)
        if match and (len(match.group(0)) > 3 or match.group(0).isupper()):
            found.append(name)
    return tuple(found)


def extract_credits(caption: str) -> list[PhotoCredit]:
    """The credit(s) in one caption: after ``Photo :``/``©``/``Crédit :``, or a trailing
    ``…/AFP``-style agency at its end."""
    credits = []
    for match in _CREDIT.finditer(caption):
        text = match.group("credit").strip(" .;,")
        start = caption.index(text, match.start("credit"))
        credits.append(PhotoCredit(text, agencies_in(text), start, start + len(text)))
    if not credits:
        match = _TRAILING_AGENCY.search(caption) or _LEADING_AGENCY.search(caption)
        if match:
            text = match.group("credit").strip(" .;,(")
            start = caption.index(text, match.start("credit"))
            credits.append(PhotoCredit(text, agencies_in(text), start, start + len(text)))
    return credits


class ExtractPhotoCredits(Extractor):
    """Photo credits of the document's captions, with the agencies they name."""

    tables = ("photo_credits",)

    def process(self, record: TextRecord, context: TextContext) -> None:
        for paragraph in record.paragraphs_of(frozenset({"caption"})):
            for credit in extract_credits(paragraph.text):
                record.emit(
                    "photo_credits", credit=credit.credit, agencies=list(credit.agencies),
                    char_start=paragraph.char_start + credit.char_start,
                    char_end=paragraph.char_start + credit.char_end,
                )
