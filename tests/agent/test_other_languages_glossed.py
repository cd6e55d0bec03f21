"""Messages in other languages read through the glossaries (agent/offline/glossary.py, foreign_glossary.py), money
in the currencies of the rate table, and the people who build the tool, who are not its users (people.py). Phrased
apart from the blind rounds' sentences."""

from __future__ import annotations

import pytest

from agent.acts import SetField, UnsupportedLanguage
from agent.offline.language import language_of
from agent.offline.parser import parse_strict
from agent.offline.reading import read_message
from knowledge.catalog import Catalog

CATALOG = Catalog.from_files()


def read(text: str) -> tuple[dict, list[str], bool]:
    reading = read_message(text, CATALOG)
    fields = {a.field: a.value for a in reading.acts if isinstance(a, SetField) and a.field != "description"}
    unsupported = any(isinstance(a, UnsupportedLanguage) for a in reading.acts)
    return fields, reading.notes, unsupported


@pytest.mark.parametrize("text,expected", [
    ("Wir möchten einen Chatbot für unseren Kundenservice, etwa 2.000 Kunden nutzen ihn täglich. So günstig wie möglich.",
     {"use_case": "chatbot_conversational", "users": 2000, "priority": "cost"}),
    ("Necesitamos traducir manuales técnicos del alemán al español para 150 traductores.",
     {"use_case": "translation", "users": 150}),
    ("Nos 300 avocats veulent analyser des contrats et repérer les clauses à risque.",
     {"use_case": "research_legal_analysis", "users": 300}),
    ("Una ventina di persone usano ogni giorno un assistente per riassumere le email dei clienti.",
     {"use_case": "summarization_short", "users": 20}),
    ("Ons team van 6 ontwikkelaars bouwt een chatbot voor 900 klanten, zo snel mogelijk graag.",
     {"use_case": "chatbot_conversational", "users": 900, "priority": "latency"}),
    ("Queremos gerar descrições de produtos para a loja online, cerca de 3 requisições por segundo, orçamento de R$ 80 mil por mês.",
     {"use_case": "content_generation", "rps": 3.0, "budget_monthly_usd": 14640.0}),
])
def test_a_message_in_another_language_is_read_for_its_glossed_words(text, expected):
    fields, notes, unsupported = read(text)
    assert not unsupported
    assert {k: fields.get(k) for k in expected} == expected
    # the reply says the language, that only the glossary's words were read, and what they were read as
    assert notes and "reads as" in notes[-1] and "glossary" in notes[-1] and "Please check it" in notes[-1]


@pytest.mark.parametrize("text", [
    "Bonjour, nous avons besoin de votre aide pour notre projet, s'il vous plaît.",  # nothing the glossaries know
    "Hola, ¿qué tal? Tengo una pregunta sobre la empresa.",
])
def test_a_message_with_nothing_the_glossaries_know_is_not_understood(text):
    assert read(text)[2]


def test_a_spanish_message_with_a_short_clause_is_still_spanish():
    # "a diario" has as many English words ("a") as Spanish ones: English must lead a part to count as English
    assert language_of("Somos 40 personas en la oficina. Todos lo usarían a diario.") == "Spanish"
    assert language_of("Chatbot für unsere Mitarbeiter - sorry, English: a chatbot for our 800 employees") is None


@pytest.mark.parametrize("text", [
    "We sketched three personas for the 400 users of the chatbot.",  # an English word of the glossaries, in English
    "A chatbot for 400 users; logs are about 5 mil lines a day.",
])
def test_the_foreign_glossary_is_not_applied_to_english(text):
    assert parse_strict(text, CATALOG).updates.get("users") == 400


@pytest.mark.parametrize("text,usd", [
    ("Chatbot for 200 staff, budget S$ 15,000 a month", 11790.0),
    ("Chatbot for 200 staff, we can spend HKD 100k monthly", 12700.0),
    ("Chatbot for 200 staff, budget ₩20,000,000 per month", 14800.0),
    ("Chatbot for 200 staff, budget 40 000 PLN a month", 11080.0),
    ("Chatbot for 200 staff, budget of BRL 60k a month", 10980.0),
])
def test_money_in_the_rate_tables_currencies_is_converted(text, usd):
    got = parse_strict(text, CATALOG)
    assert got.updates["budget_monthly_usd"] == pytest.approx(usd, rel=0.01)
    assert "USD per" in got.notes["budget_monthly_usd"] and "rates of" in got.notes["budget_monthly_usd"]


@pytest.mark.parametrize("text,users", [
    ("Our team of 8 engineers is building an assistant for the 1,200 nurses on our wards.", 1200),
    ("A team of 4 is developing the tool; 250 analysts will use it every day.", 250),
    ("Our platform squad of 12 people builds a document Q&A bot.", None),
    ("Chatbot for 300 developers building microservices.", 300),  # the users build other things
    ("We have 300 developers building microservices and need a coding assistant for them.", 300),
])
def test_the_people_who_build_the_tool_are_not_its_users(text, users):
    assert parse_strict(text, CATALOG).updates.get("users") == users


@pytest.mark.parametrize("text", ["Chatbot for 200 staff, budget TWD 300,000 a month", "Chatbot for 200 staff, budget ₺250.000 monthly"])
def test_money_in_a_currency_the_table_lacks_is_named_back_not_read_as_dollars(text):
    got = parse_strict(text, CATALOG)
    assert "budget_monthly_usd" not in got.updates
    assert any("rate table does not hold" in r for r in got.remarks)
