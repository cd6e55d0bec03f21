"""Who does the work, what the work is, how many and how fast, in the other languages language.py names (German,
Spanish, French, Portuguese, Italian, Dutch): stems glossed into the English words the readers know.

glossary.py glosses a number's unit words in any message ("1.200 Mitarbeitende"), since those words are no English
word. The words here are glossed only in a message language.py reads as one of those languages, for two reasons:
some are English words too ("personas", "mil" - a million in English slang, a thousand in Spanish -, "agentes"
never, but "clients" is both), and a stem of a verb of another language matches nothing in English text but is
not worth the risk. What a message in another language was read for is said back word by word (reading.py), so a
reading the glossary got wrong is seen, and the message is otherwise not understood: an order, a condition, a
negation of anything but a product word, a number in words ("ochocientos") stay unread.

Each entry is a regex (whole words, case-insensitive; a stem ends in ``\\w*``) and the English it stands for.
"""

from __future__ import annotations

import re
from typing import Any

_ENTRIES: list[tuple[str, str]] = [
    # people who use it (the English nouns people.py counts)
    (r"personen|leute|pessoas|personas|personnes|persone|mensen", "people"),
    (r"kolleg(?:en|innen)|collègues|colegas|colleghi|collega's", "colleagues"),
    (r"sachbearbeiter(?:innen)?|sachbearbeitende", "clerks"),
    (r"kunden|kundinnen|clientes|clienti|klanten", "customers"),
    (r"agent(?:en|es|i)|atendentes|teleoperador(?:es|as)|conseillers|conseillères|berater(?:innen)?|asesores|"
     r"consulenti", "agents"),
    (r"angestellte[n]?|colaborador(?:es|as)|collaborat(?:eurs|rices)|collaboratori|werknemers", "employees"),
    (r"anwält(?:e|innen)|jurist(?:en|innen)|abogad[oa]s|avocat(?:s|es)|juristes|advogad[oa]s|avvocati|advocaten",
     "lawyers"),
    (r"ärzt(?:e|innen)|médic[oa]s|médecins|medici|artsen", "doctors"),
    (r"pflegekräfte|pflegende|enfermer[oa]s|infirmi(?:ers|ères)|enfermeir[oa]s|infermieri|verpleegkundigen", "nurses"),
    (r"lehrer(?:innen)?|lehrkräfte|profesores|enseignant(?:s|es)|professeurs|professores|insegnanti|docenten|leraren",
     "teachers"),
    (r"schüler(?:innen)?|studierende[n]?|student(?:en|innen)|estudiantes|alumn[oa]s|étudiant(?:s|es)|élèves|"
     r"estudantes|alun[oa]s|studenti|leerlingen", "students"),
    (r"entwickler(?:innen)?|desarrollador(?:es|as)|développeu(?:rs|ses)|desenvolvedores|sviluppatori|ontwikkelaars|"
     r"programmierer(?:innen)?|programador(?:es|as)|programmeurs|programmatori", "developers"),
    (r"analyst(?:en|innen)|analistas|analystes|analisti", "analysts"),
    (r"übersetzer(?:innen)?|traductor(?:es|as)|traduct(?:eurs|rices)|tradutores|traduttori|vertalers", "translators"),
    (r"techniker(?:innen)?|técnic[oa]s|techniciens|tecnici|monteurs", "technicians"),
    (r"mitglieder|miembros|membres|membros|membri|leden", "members"),
    (r"beamt(?:e|en|innen)|funcionari(?:os|as)|fonctionnaires|funcionários|funzionari|ambtenaren", "officials"),
    (r"redakteur(?:e|innen)|redactor(?:es|as)|rédacteurs|redattori|redacteuren", "editors"),
    # how many, and when
    (r"tausend|mil|mille|duizend", "thousand"),
    (r"mio\.?|millionen|millones|millón|milhões|milhão|milioni|miljoen", "million"),
    (r"mrd\.?|milliarden|miliardi|miljard", "billion"),
    (r"ca\.|etwa|ungefähr|circa|rund|unos|unas|aproximadamente|alrededor\s+de|cerca\s+de|environ|près\s+de|"
     r"quase|ongeveer|zo'n|zirka", "about"),
    (r"gleichzeitig|zur\s+gleichen\s+zeit|al\s+mismo\s+tiempo|a\s+la\s+vez|simultáneamente|en\s+même\s+temps|"
     r"simultanément|ao\s+mesmo\s+tempo|simultaneamente|contemporaneamente|allo\s+stesso\s+tempo|tegelijk(?:ertijd)?",
     "at the same time"),
    (r"a\s+diario|diariamente|cada\s+día|todos\s+los\s+días|chaque\s+jour|tous\s+les\s+jours|quotidiennement|"
     r"todos\s+os\s+dias|ogni\s+giorno|quotidianamente|elke\s+dag|jeden\s+tag", "daily"),
    (r"jede\s+nacht|nachts|cada\s+noche|chaque\s+nuit|toda\s+noite|todas\s+as\s+noites|ogni\s+notte|elke\s+nacht",
     "every night"),
    (r"seiten|páginas|pagine|pagina's", "pages"),
    (r"orçamento|presupuesto|begroting|bilancio", "budget"),
    (r"assistent(?:en)?|asistente|assistente", "assistant"),
    # the people who build it are not the ones who use it (people.py): "ons team van 12 mensen bouwt ..."
    (r"bau(?:en|t)|entwickel[nt]|construi(?:mos|ndo|sons|sent|t)|desarroll(?:amos|ando|a)|développ(?:ons|e|ent)|"
     r"desenvolv(?:emos|endo|e)|svilupp(?:iamo|ando|a)|bouw(?:en|t)|ontwikkel(?:en|t)", "building"),
    # what the work is: the words lexicon.py weighs
    (r"zusammenfass\w*|zusammengefasst\w*|kurzfassung\w*|resumir|resuma[nr]?|resumen|resúmenes|resumo[s]?|resumid[oa]s?|"
     r"résum(?:er|ez|ons|ent)|riassum\w*|riassunt\w*|samenvat\w*", "summarize"),
    (r"stichpunkt\w*|viñetas|puces|tópicos", "bullets"),
    (r"übersetz\w*|traduc\w*|tradu(?:ire|is|it|isez|zir|z|zido|rre|ce|cono|zione)\w*|vertaal\w*|vertal\w*", "translate"),
    (r"quellcode|código|codice|programmier\w*|programación|programmation|programação|programmazione", "code"),
    (r"während\s+man\s+tippt|beim\s+tippen|mientras\s+(?:se\s+)?escribe|pendant\s+la\s+frappe|enquanto\s+digita|"
     r"mentre\s+(?:si\s+)?digita|tijdens\s+het\s+typen", "while typing"),
    (r"vorschläge|sugerencias|suggestions|sugestões|suggerimenti|suggesties", "suggestions"),
    (r"handb(?:uch|ücher|üchern)|handleiding(?:en)?|manuales|manuels|manuais|manuali", "handbooks"),
    (r"richtlinien|directrices|directives|diretrizes|linee\s+guida|richtlijnen", "guidelines"),
    (r"wissensdatenbank\w*|wissensbasis|kennisbank\w*|base\s+de\s+(?:conocimientos?|connaissances?|conhecimento)|"
     r"base\s+di\s+conoscenza", "knowledge base"),
    (r"quellen|fuentes|fontes|fonti|bronnen", "sources"),
    (r"zitier\w*|citar|citando|citer|citant|citare|citeren", "cite"),
    (r"fragen|preguntas|perguntas|domande|vragen", "questions"),
    (r"dokumente[n]?|documentos|documenti|documenten", "documents"),
    (r"(?:lange|langen)\s+dokumente[n]?|documentos\s+largos|longs\s+documents|documents\s+longs|documentos\s+longos|"
     r"documenti\s+lunghi|lange\s+documenten", "long documents"),
    (r"vertr(?:ag|äge|ägen)|contrat(?:s)?|contratos?|contratti|contracten", "contracts"),
    (r"klausel\w*|cláusulas?|clausole|clausola|clausules?", "clauses"),
    (r"anális[ei]s|analisi|analyseren", "analysis"),
    (r"schreib\w*|verfass\w*|escrib\w*|redact(?:ar|a|an|e)|rédig\w*|écri(?:re|t|vent|vons)\w*|escrev\w*|scriv\w*|"
     r"schrijf\w*|schrijven", "write"),
    (r"werbe\w*|publicidad|publicité|publicidade|pubblicità|reclame", "marketing"),
    (r"produktbeschreibung\w*|descripciones\s+de\s+productos?|fiches?\s+produits?|descrições\s+de\s+produtos?|"
     r"descrizioni\s+(?:di|dei)\s+prodott\w*|productbeschrijving\w*", "product descriptions"),
    (r"gespräch\w*|conversaci\w*|conversa(?:s|ção|ções)?|conversazion\w*|gesprek\w*", "conversation"),
    (r"kundenservice|kundendienst|kundensupport|atención\s+al\s+cliente|servicio\s+al\s+cliente|service\s+client|"
     r"atendimento\s+ao\s+cliente|assistenza\s+clienti|klantenservice", "customer support"),
]
# counts said as a round number's collective noun ("une quarantaine de personnes", "una decina di utenti"): about that
_ROUND = {"dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30, "quarantaine": 40,
          "cinquantaine": 50, "soixantaine": 60, "centaine": 100, "decina": 10, "dozzina": 12, "ventina": 20,
          "trentina": 30, "quarantina": 40, "cinquantina": 50, "centinaio": 100, "decena": 10, "docena": 12,
          "veintena": 20, "treintena": 30, "cuarentena": 40, "cincuentena": 50, "centenar": 100, "dezena": 10,
          "dúzia": 12, "vintena": 20, "centena": 100, "dutzend": 12, "tiental": 10, "dozijn": 12}
_ENTRIES += [(rf"(?:une|una|um|uma|ein|een)\s+{word}\s*(?:de|d'|di|do|da|of|van)?", f"about {count}")
             for word, count in _ROUND.items()]
_ENTRIES.append((r"een|ein|eine|einen|un|una|une|um|uma|uno", "a"))  # last: "una ventina di" is a count first
_PATTERN = re.compile("|".join(f"(?P<g{i}>(?<!\\w)(?:{p})(?!\\w))" for i, (p, _) in enumerate(_ENTRIES)), re.I)


def gloss_foreign(text: str) -> str:
    """``text`` (a message language.py reads as another language) with the words above in English."""
    return _PATTERN.sub(lambda m: _ENTRIES[int(m.lastgroup[1:])][1], text)



# Said inside English messages too, and never English words themselves: the priority as a superlative of another
# language ("lo más barato posible pls"), shorthand ("w/o H200"), Hindi counts and periods in a Hinglish message
# ("50 hazaar rupees mahine ka"), a thousand as "mil" beside reais, euros or pesos ("R$ 20 mil por mês": "mil" is a
# million only in English slang), "to thousand" dictated for "two thousand", and Chinese budget words ("预算 3万 RMB").
_ANYWHERE: list[tuple[re.Pattern, Any]] = [(re.compile(p, re.I), w) for p, w in [
    (r"(?<!\w)(?:so\s+(?:günstig|billig)\s+wie\s+möglich|möglichst\s+(?:günstig|billig)|lo\s+más\s+(?:barato|económico)\s+"
     r"posible|le\s+moins\s+cher\s+possible|o\s+mais\s+(?:barato|econômico)\s+possível|il\s+più\s+economico\s+possibile|"
     r"zo\s+goedkoop\s+mogelijk|sabse\s+sasta)(?!\w)", "as cheap as possible"),
    (r"(?<!\w)(?:so\s+schnell\s+wie\s+möglich|möglichst\s+schnell|lo\s+más\s+rápido\s+posible|le\s+plus\s+rapide\s+"
     r"possible|o\s+mais\s+rápido\s+possível|il\s+più\s+veloce\s+possibile|zo\s+snel\s+mogelijk)(?!\w)", "as fast as possible"),
    (r"(?<![\w/])w/o(?![\w/])", "without"),
    (r"(?<![\w/])w/(?=\s)", "with"),
    (r"(?<=\d)\s*(?:hazaar|hazar|hajaar|hajar)\b", " thousand"),
    (r"\b(?:har\s+)?mahine\s+(?:ka|ke)\b|\bper\s+mahina\b|\bmahina\b", "a month"),
    (r"(?<=\d)\s*mil\b(?=\s*(?:reais|real|pesos|euros?|€|por\s+m[eê]s|al\s+mes|por\s+mes|mensuales|mensais))",
     " thousand"),
    (r"((?:R\$|€)\s?\d[\d.,]*)\s*mil\b", r"\1 thousand"),
    (r"(?<!\bup\s)(?<!\bclose\s)(?<!\bnext\s)\b(?:to|too)\s+(?=(?:thousand|hundred)\b)", "two "),
    (r"年間予算|年度预算|연간\s*예산", " annual budget "),
    (r"预算|預算|予算", " budget "),
    # Korean and Japanese counts: 1만5천 (15,000), 億/억 (a hundred million), 円 (yen), 명 (people)
    (r"(\d+(?:\.\d+)?)\s*[만万]\s*(\d+)\s*[천千]", lambda m: f" {float(m.group(1)) * 10_000 + float(m.group(2)) * 1000:.0f} "),
    (r"(\d+(?:\.\d+)?)\s*[億억]", lambda m: f" {float(m.group(1)) * 100_000_000:.0f} "),
    (r"(\d+(?:\.\d+)?)\s*[천]", lambda m: f" {float(m.group(1)) * 1000:.0f} "),
    (r"(?<=\d)\s*円", " JPY"),
    (r"(?<=\d)\s*명", " people"),
    (r"(\d+(?:\.\d+)?)\s*[万만]", lambda m: f" {float(m.group(1)) * 10_000:.0f} "),  # 万: ten thousand
    # Polish thousands and months ("20 tys. zł miesięcznie"), and Indian English "nos." counting things ("6 nos. L4")
    (r"(?<=\d)\s*tys\.?(?!\w)", " thousand"),
    (r"(?<!\w)(?:miesięcznie|miesiecznie|na\s+miesiąc)(?!\w)", "a month"),
    (r"(?<=\d)\s*nos?\.(?=\s)", ""),
    # people of another language counted by a number inside English ("150 avocats", "4.000 agentes", "1'200
    # collaborateurs", "400 programistów"): after a number they can be nothing else
    *((rf"(?<=\d)(\s+){stems}(?!\w)", rf"\1{english}") for stems, english in (
        (r"(?:avocat(?:s|es)|abogad[oa]s|advogad[oa]s|anwält(?:e|innen)|avvocati|advocaten|prawnik(?:ów|ow)?)", "lawyers"),
        (r"(?:agentes|atendentes|conseill(?:ers|ères)|asesores|consulenti|teleoperador(?:es|as))", "agents"),
        (r"(?:collaborat(?:eurs|rices)|colaborador(?:es|as)|collaboratori|angestellte[n]?|werknemers|pracownik(?:ów|ow|i)|"
         r"funcionários|empleados|employés|salariés|dipendenti)", "employees"),
        (r"(?:programist(?:ów|ow|ki|ek|y)|programador(?:es|as)|programmeurs|programmierer(?:innen)?|entwickler(?:innen)?|"
         r"desarrollador(?:es|as)|développeu(?:rs|ses)|desenvolvedores|sviluppatori|ontwikkelaars)", "developers"),
        (r"(?:usuári[oa]s|usuari[oa]s|utilisateurs|utenti|użytkownik(?:ów|ow|i)|gebruikers|benutzer|nutzer(?:innen)?)", "users"),
        (r"(?:personnes|pessoas|personas|persone|mensen|osób|osob|ludzi)", "people"),
        (r"(?:médic[oa]s|médecins|medici|ärzt(?:e|innen)|lekarzy)", "doctors"),
        (r"(?:analistas|analystes|analisti|analyst(?:en|innen))", "analysts"),
        (r"(?:técnicos|techniciens|tecnici|techniker(?:innen)?|technik(?:ów|ow))", "technicians"))),
]]


def gloss_anywhere(text: str) -> str:
    """``text`` with the foreign words said inside English messages read in English."""
    for pattern, english in _ANYWHERE:
        text = pattern.sub(english, text)
    return text
