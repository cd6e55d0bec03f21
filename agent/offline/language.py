"""Is a message in English? If not, which language is it? By the share of each language's function words.

Function words ("the", "und", "para", "nous") make up a third or more of any sentence, so their share names the
language of a message of a few words reliably, with no model to load. (lingua-language-detector was evaluated:
a 96 MB wheel, 50 MB of memory and 85 ms for its first answer in low-accuracy mode, and it read "RAG over PDFs" as
German; the offline parser only needs "English or not, and which".)
"""

from __future__ import annotations

import re

# a token with digits in it is a code ("e2e", "p95", "h100", "4o"), never words: its letters are not split off (the two
# "e" of "what's e2e?" read as Portuguese "e")
_TOKENS = re.compile(r"[^\W_]+", re.UNICODE)
_DIGIT = re.compile(r"\d")
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "English": frozenset("""the a an and or of to in on for with we our us you your is are be it this that what how
        why can could would will need want have has about from by at as per not no do does my me i they their""".split()),
    "German": frozenset("""der die das und oder ein eine einen wir unser unsere ist sind für mit nicht kein keine ich
        sie es zu von auf bei brauchen benötigen haben wie was warum pro monat mitarbeiter nutzer auch aber""".split()),
    "Spanish": frozenset("""el la los las y o un una unos nosotros necesitamos nuestro nuestra es son para con no de
        del en por que qué cómo usuarios empleados mes al lo se tenemos queremos""".split()),
    "French": frozenset("""le la les et ou un une des nous notre nos est sont pour avec ne pas de du en par que qui
        comment pourquoi utilisateurs employés mois au avons besoin voulons""".split()),
    "Portuguese": frozenset("""o a os as e ou um uma nós nosso nossa é são para com não de do da em por que como
        usuários funcionários clientes mês precisamos temos queremos""".split()),
    "Italian": frozenset("""il lo la gli le e o un una noi nostro nostra è sono per con non di del della in che come
        utenti dipendenti mese abbiamo serve bisogno vogliamo""".split()),
    "Dutch": frozenset("""de het een en of wij we ons onze is zijn voor met niet geen van op bij hebben nodig
        gebruikers medewerkers per maand ook""".split()),
}
MIN_WORDS = 3


def _words(text: str) -> list[str]:
    """The words of ``text``, lower-cased, without acronyms: a short word in capitals in a message that is not all
    capitals is a code or a name ("EN<->ES", "IT team", "DE and FR markets"), never a function word."""
    said = [t for t in _TOKENS.findall(text[:2000]) if not _DIGIT.search(t)]
    shouting = text[:2000].isupper()
    return [w.lower() for w in said if shouting or not (w.isupper() and len(w) <= 4)]


# a sentence or clause ends at its punctuation before a space or the end, never inside a number ("1.200 agentes")
_PART = re.compile(r"[.!?;:]+(?=\s|$)|\n+|\s[-–—]+\s")


def _shares(words: list[str]) -> dict[str, float]:
    return {lang: sum(w in vocab for w in words) / len(words) for lang, vocab in FUNCTION_WORDS.items()}


def has_english_part(text: str) -> bool:
    """A part of the message (a sentence, or a clause set off by a colon or a dash) of a few words is English:
    "Chatbot für unsere Mitarbeiter - sorry, English: chatbot for 800 employees" switches to English."""
    for part in _PART.split(text[:2000]):
        words = _words(part)
        if len(words) >= MIN_WORDS:
            shares = _shares(words)
            # English must lead: "Todos lo usarían a diario" has as many English words ("a") as Spanish ones
            others = max(v for lang, v in shares.items() if lang != "English")
            if shares["English"] >= 0.2 and shares["English"] > others:
                return True
    return False


def language_of(text: str) -> str | None:
    """The language a message is written in, when it is clearly not English (None: English, or too short to say,
    or a message that switches to English in one of its parts)."""
    words = _words(text)
    if len(words) < MIN_WORDS:
        return None
    cjk = sum(any(ord(c) > 0x2E80 for c in w) for w in words)
    # CJK and beyond (no function-word list needed), unless a few such words sit in English ("1만5천 명 use it daily",
    # "年間予算 1億円 (annual budget)": their numbers are glossed, glossary.py)
    if cjk and (cjk >= 0.3 * len(words) or not looks_english(text)):
        return "Chinese, Japanese or Korean"
    shares = _shares(words)
    best = max(shares, key=lambda lang: shares[lang])
    english = shares["English"]
    if best != "English" and shares[best] >= 0.2 and shares[best] >= 2 * english and not has_english_part(text):
        return best
    return None


def looks_english(text: str) -> bool:
    words = _words(text)
    return len(words) >= MIN_WORDS and sum(w in FUNCTION_WORDS["English"] for w in words) / len(words) >= 0.15
