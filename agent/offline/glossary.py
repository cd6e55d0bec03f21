"""The words of a requirement in other languages that read the same once translated: who uses it, time units and
periods, requests, renting, first token, "only the models of".

A message in another language is not understood (the reply says so, language.py); a mixed one whose numbers carry
units is read for those numbers only (reading.py). In German or Spanish the unit of a number is often a word ("1.200
Mitarbeitende", "0,8 Sekunden", "5.000 USD/mes"): those words are glossed into English before the numbers are read,
so "1.200 Mitarbeitende" counts 1,200 users as "1,200 staff" would. Only such words are glossed, never what the work
is (the use case) nor an order: what the message asks beyond its figures is still not understood, and the reply says
that only the numbers and product words were read. The negation of a product word is glossed with it ("pas de GPU
AMD" is "no GPU AMD"): a product word read without its negation would mean the opposite.
"""

from __future__ import annotations

import re

from agent.offline.foreign_glossary import gloss_anywhere, gloss_foreign

# word (or phrase) -> English, matched whole and case-insensitively; German, Spanish, French, Portuguese, Italian
_WORDS: dict[str, str] = {
    # people
    "mitarbeitende": "employees", "mitarbeitenden": "employees", "mitarbeiter": "employees",
    "mitarbeiterinnen": "employees", "beschäftigte": "employees", "nutzer": "users", "nutzerinnen": "users",
    "nutzende": "users", "nutzern": "users", "benutzer": "users", "anwender": "users", "usuarios": "users", "empleados": "employees",
    "trabajadores": "employees", "utilisateurs": "users", "employés": "employees", "salariés": "employees",
    "usuários": "users", "funcionários": "employees", "utenti": "users", "dipendenti": "employees",
    "entwickler": "developers", "entwicklerinnen": "developers", "desarrolladores": "developers",
    "développeurs": "developers", "sviluppatori": "developers", "desenvolvedores": "developers",
    # Dutch and Swedish
    "gebruikers": "users", "gebruiker": "user", "medewerkers": "employees", "ontwikkelaars": "developers",
    "användare": "users", "anställda": "employees", "utvecklare": "developers",
    # time units and periods
    "sekunden": "seconds", "sekunde": "second", "millisekunden": "ms", "minuten": "minutes", "stunden": "hours",
    "segundos": "seconds", "segundo": "second", "minutos": "minutes", "horas": "hours", "secondes": "seconds",
    "heures": "hours", "secondi": "seconds", "un segundo": "a second", "medio segundo": "half a second",
    "une seconde": "a second", "eine sekunde": "a second", "einer sekunde": "a second",
    "pro monat": "per month", "im monat": "a month", "monatlich": "monthly", "pro tag": "per day",
    "am tag": "a day", "täglich": "daily", "pro jahr": "per year", "im jahr": "a year", "jährlich": "yearly",
    "al mes": "a month", "por mes": "per month", "mensual": "monthly", "mensuales": "monthly", "/mes": "/month",
    "al día": "a day", "por día": "per day", "diarios": "daily", "diarias": "daily", "al año": "a year",
    "par mois": "per month", "par jour": "per day", "quotidiens": "daily", "por mês": "per month",
    "al mese": "a month", "al giorno": "a day",
    "par an": "per year", "par année": "per year", "par trimestre": "per quarter", "par seconde": "per second",
    "par heure": "per hour", "par minute": "per minute", "por segundo": "per second", "pro sekunde": "per second",
    "por trimestre": "per quarter", "pro quartal": "per quarter", "al trimestre": "a quarter",
    "per maand": "per month", "per jaar": "per year", "per dag": "per day", "per seconde": "per second",
    "dagelijks": "daily", "per kwartaal": "per quarter",
    "i månaden": "a month", "per månad": "per month", "om året": "a year", "per år": "per year", "per sekund": "per second",
    "per dag och": "per day and", "i snitt": "on average", "dagligen": "daily",
    "demi-seconde": "half a second", "une demi-seconde": "half a second", "d'une demi-seconde": "half a second",
    "en moins d'une demi-seconde": "within half a second", "en moins de": "within",
    # what is counted, and when
    "anfragen": "requests", "verträge": "contracts", "dokumente": "documents", "solicitudes": "requests",
    "consultas": "requests", "contratos": "contracts", "documentos": "documents", "requêtes": "requests",
    "förfrågningar": "requests", "frågor": "requests", "verzoeken": "requests", "aanvragen": "requests",
    "richieste": "requests", "requisições": "requests",
    "innerhalb von": "within", "zwischen": "between", "und": "and", "uhr": "h", "entre": "between",
    # the first token, latency
    "antwortbeginn": "time to first token", "erstes token": "first token", "erste token": "first token",
    "ersten token": "first token", "primer token": "first token", "premier token": "first token",
    "premier mot": "first token", "erste wort": "first token", "ersten wort": "first token", "primera palabra": "first token",
    "primeiro token": "first token", "primo token": "first token",
    "spätestens nach": "within", "en menos de": "within", "menos de": "under",
    # a product word's negation: read without it, "pas de GPU AMD" would allow the very GPU it rules out
    "pas de": "no", "pas d'": "no", "sans": "without", "kein": "no", "keine": "no", "keinen": "no", "ohne": "without",
    "sin": "without", "senza": "without", "geen": "no", "zonder": "without", "nenhum": "no", "nenhuma": "no",
    # money, hardware, models
    "budget": "budget", "presupuesto": "budget", "gemietet": "rented", "mieten": "rent", "alquilar": "rent",
    "alquiladas": "rented", "nur modelle von": "only models from", "solo modelos de": "only models from",
    "in den namespace": "into namespace", "im namespace": "in namespace", "deployen": "deploy", "bereitstellen": "deploy", "desplegar": "deploy", "despliega": "deploy",
}
_PATTERN = re.compile(r"(?<![\w/])(?:" + "|".join(re.escape(w) for w in sorted(_WORDS, key=len, reverse=True))
                      + r")(?!\w)", re.I)
# the same units in Japanese and Chinese, which write no spaces: "約1,200人", "1.5秒以内"
_CJK: dict[str, str] = {"人": " users ", "名": " users ", "秒": " seconds ", "ミリ秒": " ms ", "時間": " hours ",
                        "最初のトークン": " first token ", "以内": " within ", "約": " about ", "月": " month ", "日": " day ", "円": " yen ", "元": " yuan ", "원": " won "}
_CJK_PATTERN = re.compile("|".join(re.escape(w) for w in sorted(_CJK, key=len, reverse=True)))


# a German clock range: "zwischen 9 und 17 Uhr", "von 8 bis 18 Uhr" (hours of the day, 24-hour clock)
_UHR = re.compile(r"\b(?:(?:zwischen|von)\s+)?(\d{1,2})(?:[.:]00)?\s*(?:uhr\s*)?(?:und|bis|-|–)\s*(\d{1,2})(?:[.:]00)?\s*uhr\b", re.I)
# Japanese puts "within" after the time: "1.5秒以内" is "within 1.5 seconds"
_CJK_WITHIN = re.compile(r"(\d[\d.,]*)\s*(ミリ秒|秒|分|時間)以内")
_CJK_UNIT = {"ミリ秒": "ms", "秒": "seconds", "分": "minutes", "時間": "hours"}
_ASCII_RUN = re.compile(r"(?<=[^\x00-\x7f])(?=[A-Za-z])|(?<=[A-Za-z])(?=[^\x00-\x7f])")


def gloss(text: str, language: str | None = None) -> str:
    """``text`` with the unit words of other languages in English (the rest as it was); in a message written in
    ``language`` (language.py), also the words of who does the work and what it is (foreign_glossary.py)."""
    text = gloss_anywhere(text)
    if language:
        text = gloss_foreign(text)
    if text.isascii() and not _PATTERN.search(text):
        return text
    text = _UHR.sub(r"from \1:00 to \2:00", text)  # the span whole: not "between 8:00 to 16:00"
    text = _PATTERN.sub(lambda m: _WORDS[m.group(0).lower()], text)
    if any(ord(c) > 0x2E80 for c in text):
        text = _CJK_WITHIN.sub(lambda m: f" within {m.group(1)} {_CJK_UNIT[m.group(2)]} ", text)
        text = _CJK_PATTERN.sub(lambda m: _CJK[m.group(0)], text)
        text = _ASCII_RUN.sub(" ", text)  # "RAGチャット": the product word apart from the words around it
    return text
