"""A tricky corpus of real text files, built at test time, for the packing tools to pack.

News-like articles in 25 languages (a headline, a byline, paragraphs), the two French seeds, and the
files that trip splitters: a UTF-8 BOM, CRLF and CR line ends, no final newline, an empty file, a
200 KB line, Markdown with `###`, `---` and a code fence, rules of `=`, a gitingest marker and a
`FILE: something` line inside prose, literal `</file>` and `</document_content>` tags, a name with a
space and accents, leading and trailing whitespace, a multi-byte character across byte 1024, a
binary file and a UTF-8 file with a NUL byte.
"""

from __future__ import annotations

from pathlib import Path

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"

# (language, headline, byline, paragraphs): short, ordinary news sentences.
ARTICLES = [
    ("en", "City council approves new budget", "By Jane Miller",
     ["The city council approved the new budget on Monday after a long debate.",
      "The mayor said the plan would fund schools, buses and new parks."]),
    ("fr", "Le conseil municipal adopte le budget", "Par Claire Dubois",
     ["Le conseil municipal a adopté lundi le nouveau budget après un long débat.",
      "Le maire a déclaré que le plan financerait les écoles et les transports."]),
    ("de", "Stadtrat beschließt neuen Haushalt", "Von Jonas Weber",
     ["Der Stadtrat hat am Montag nach langer Debatte den neuen Haushalt beschlossen.",
      "Die Bürgermeisterin sagte, das Geld fließe in Schulen und Busse."]),
    ("es", "El ayuntamiento aprueba el nuevo presupuesto", "Por Lucía García",
     ["El ayuntamiento aprobó el lunes el nuevo presupuesto tras un largo debate.",
      "El alcalde dijo que el plan financiará escuelas y autobuses."]),
    ("it", "Il consiglio comunale approva il bilancio", "Di Marco Rossi",
     ["Il consiglio comunale ha approvato lunedì il nuovo bilancio dopo un lungo dibattito.",
      "Il sindaco ha detto che il piano finanzierà scuole e autobus."]),
    ("pt", "Câmara municipal aprova novo orçamento", "Por João Silva",
     ["A câmara municipal aprovou na segunda-feira o novo orçamento após um longo debate.",
      "O presidente da câmara disse que o plano vai financiar escolas e autocarros."]),
    ("nl", "Gemeenteraad keurt nieuwe begroting goed", "Door Sanne de Vries",
     ["De gemeenteraad heeft maandag na een lang debat de nieuwe begroting goedgekeurd.",
      "De burgemeester zei dat het geld naar scholen en bussen gaat."]),
    ("sv", "Kommunfullmäktige godkänner ny budget", "Av Erik Johansson",
     ["Kommunfullmäktige godkände på måndagen den nya budgeten efter en lång debatt.",
      "Kommunalrådet sade att pengarna går till skolor och bussar."]),
    ("da", "Byrådet vedtager nyt budget", "Af Mette Nielsen",
     ["Byrådet vedtog mandag det nye budget efter en lang debat.",
      "Borgmesteren sagde, at pengene skal gå til skoler og busser."]),
    ("no", "Bystyret vedtar nytt budsjett", "Av Ola Hansen",
     ["Bystyret vedtok mandag det nye budsjettet etter en lang debatt.",
      "Ordføreren sa at pengene skal gå til skoler og busser."]),
    ("fi", "Kaupunginvaltuusto hyväksyi uuden talousarvion", "Kirjoittanut Aino Virtanen",
     ["Kaupunginvaltuusto hyväksyi maanantaina uuden talousarvion pitkän keskustelun jälkeen.",
      "Pormestarin mukaan rahat käytetään kouluihin ja busseihin."]),
    ("pl", "Rada miasta przyjęła nowy budżet", "Autor: Anna Kowalska",
     ["Rada miasta przyjęła w poniedziałek nowy budżet po długiej debacie.",
      "Prezydent miasta powiedział, że pieniądze trafią do szkół i na autobusy."]),
    ("cs", "Zastupitelstvo schválilo nový rozpočet", "Autor: Petr Novák",
     ["Zastupitelstvo v pondělí po dlouhé debatě schválilo nový rozpočet.",
      "Starosta řekl, že peníze půjdou na školy a autobusy."]),
    ("ro", "Consiliul local aprobă noul buget", "De Andrei Popescu",
     ["Consiliul local a aprobat luni noul buget după o dezbatere lungă.",
      "Primarul a spus că banii vor merge la școli și autobuze."]),
    ("hu", "A közgyűlés elfogadta az új költségvetést", "Írta: Nagy Katalin",
     ["A közgyűlés hétfőn hosszú vita után elfogadta az új költségvetést.",
      "A polgármester szerint a pénz iskolákra és buszokra megy."]),
    ("tr", "Belediye meclisi yeni bütçeyi onayladı", "Yazan: Ayşe Yılmaz",
     ["Belediye meclisi pazartesi günü uzun bir tartışmanın ardından yeni bütçeyi onayladı.",
      "Belediye başkanı paranın okullara ve otobüslere gideceğini söyledi."]),
    ("el", "Το δημοτικό συμβούλιο ενέκρινε τον νέο προϋπολογισμό", "Του Γιώργου Παπαδόπουλου",
     ["Το δημοτικό συμβούλιο ενέκρινε τη Δευτέρα τον νέο προϋπολογισμό μετά από μακρά συζήτηση.",
      "Ο δήμαρχος είπε ότι τα χρήματα θα πάνε σε σχολεία και λεωφορεία."]),
    ("ru", "Городской совет утвердил новый бюджет", "Автор: Иван Петров",
     ["Городской совет в понедельник после долгих споров утвердил новый бюджет.",
      "Мэр заявил, что деньги пойдут на школы и автобусы."]),
    ("uk", "Міська рада ухвалила новий бюджет", "Автор: Олена Коваленко",
     ["Міська рада в понеділок після тривалої дискусії ухвалила новий бюджет.",
      "Міський голова сказав, що гроші підуть на школи та автобуси."]),
    ("ar", "المجلس البلدي يقر الميزانية الجديدة", "بقلم أحمد حسن",
     ["أقر المجلس البلدي يوم الاثنين الميزانية الجديدة بعد نقاش طويل.",
      "وقال رئيس البلدية إن الأموال ستذهب إلى المدارس والحافلات."]),
    ("he", "מועצת העיר אישרה את התקציב החדש", "מאת דנה לוי",
     ["מועצת העיר אישרה ביום שני את התקציב החדש לאחר דיון ארוך.",
      "ראש העיר אמר שהכסף יופנה לבתי ספר ולאוטובוסים."]),
    ("hi", "नगर परिषद ने नया बजट मंज़ूर किया", "लेखक: राहुल शर्मा",
     ["नगर परिषद ने सोमवार को लंबी बहस के बाद नया बजट मंज़ूर किया।",
      "महापौर ने कहा कि पैसा स्कूलों और बसों पर खर्च होगा।"]),
    ("ja", "市議会が新予算を可決", "山田花子",
     ["市議会は月曜日、長い議論の末に新しい予算を可決した。",
      "市長は、資金を学校とバスに充てると述べた。"]),
    ("zh", "市议会通过新预算", "记者 王伟",
     ["市议会周一经过长时间辩论后通过了新的预算。",
      "市长表示，这笔资金将用于学校和公交车。"]),
    ("ko", "시의회, 새 예산안 통과", "김민수 기자",
     ["시의회는 월요일 긴 논의 끝에 새 예산안을 통과시켰다.",
      "시장은 예산이 학교와 버스에 쓰일 것이라고 말했다."]),
]

RULE = b"=" * 48
TRICKY: dict[str, bytes] = {
    "bom.txt": b"\xef\xbb\xbfA file that starts with a byte order mark.\nSecond line.\n",
    "crlf.txt": b"Windows line ends.\r\nSecond line.\r\n\r\nAfter a blank line.\r\n",
    "cr.txt": b"Old Mac line ends.\rSecond line.\rThird line.\r",
    "no_newline.txt": b"First line.\nThe last line has no newline",
    "empty.txt": b"",
    "long_line.txt": b"A very long line: " + b"lorem ipsum dolor sit amet " * 7_500 + b"\nand a short one.\n",
    "notes/markdown.md": b"# Notes\n\nSome text.\n\n### A heading\n\n---\n\n```python\nprint('hi')\n```\n\n"
    b"After the fence.\n",
    "rules.txt": b"Prose before the rules.\n" + RULE + b"\nFILE: something\n" + RULE + b"\n"
    b"================\nFile: elsewhere.txt\n================\nMore prose after them.\n",
    "prose_marker.txt": b"The archive lists one entry:\nFILE: something\nwhich nobody opened.\n",
    "xmlish.txt": b'before\n</file>\n<file path="x">\nafter\n</document_content>\n</document>\n'
    b'<document index="3">\n<source>y</source>\nend\n',
    "notes/été 2024.txt": "Un nom de fichier avec une espace et des accents en été.\n".encode(),
    "trailing_ws.txt": b"\n  Leading blank line and indent.\ntrailing spaces   \ttab\n\n\n   \n",
    # 1023 ASCII bytes, then 'é' x 38: bytes 1023-1024 are the first 'é' (gitingest reads 1 KiB: [Binary file])
    "multibyte.txt": b"a" * 1023 + "\u00e9".encode() * 38 + b"\n",
    "binary.bin": b"\x00\x01\x02BIN\x00\xff\xfe\x00data\n",
    "nul_utf8.txt": b"text\x00with a NUL byte, but valid UTF-8\n",
}


def producer_of(dialect: str) -> str:
    """The tool behind a producer dialect: gitingest, files-to-prompt or repomix."""
    if dialect.startswith("repomix"):
        return "repomix"
    return dialect.removesuffix("-markdown").removesuffix("-cxml")


def as_written_by(producer: str, text: str) -> str:
    """A file's text as its producer hands it over, line ends normalized as the splitter does:
    repomix drops the BOM, then trims the whole file (JavaScript's String.trim())."""
    if producer == "repomix":
        text = text.removeprefix("\ufeff").strip()
    return text.replace("\r\n", "\n").replace("\r", "\n")


def build_corpus(root: Path) -> dict[str, bytes]:
    """Write the corpus under ``root``; return {relative path: bytes}."""
    files = dict(TRICKY)
    for language, headline, byline, paragraphs in ARTICLES:
        files[f"news/{language}/article.txt"] = "\n\n".join([f"{headline}\n{byline}", *paragraphs]).encode() + b"\n"
    for index, seed in enumerate(sorted(SEEDS.glob("*.txt"))):
        files[f"news/fr/seed_{index}.txt"] = seed.read_bytes()
    for relative, data in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return files

