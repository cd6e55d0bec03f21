"""A use case read from what the work is about, when no phrase of vocabulary.USE_CASES names it.

The phrase tables recognise how people name a use case ("a chatbot over our PDFs", "summarise call transcripts").
Many first messages name none and only describe the work: who uses it, on what, to make what ("our nurses look up
dosing rules in the formulary", "it turns Jira tickets into Python scripts"). This scorer weighs the words of the
message against a lexicon of each use case's tasks, artefacts and people, and answers only when one use case
clearly leads; the value is recorded as inferred (assumed, with the words it was read from), never as stated.

Words are matched by stem (a lexicon entry of four letters or more matches any word it begins; shorter ones, and
those written with a closing "$", match the whole word: "repo$" is no stem of "report"), each counted once.
"""

from __future__ import annotations

import re

from agent.offline.vocabulary import LANGUAGE_NAMES
from knowledge.domain.enums import UseCase

# (weight, stems): tasks and verbs, artefacts, the people who use it. Weights: 3 names the use all but outright,
# 2 is a strong sign, 1 a sign, 0.5 a word several uses share.
_LEXICON: dict[UseCase, dict[float, tuple[str, ...]]] = {
    UseCase.CHATBOT_CONVERSATIONAL: {
        2: ("chat", "chats", "chatting", "tutor", "companion", "concierge", "receptionist", "helpdesk", "coach",
            "mentor", "conversation", "conversational"),
        1: ("bot", "talk", "talks", "talking", "dialogue", "dialog", "advice", "advise", "advisor", "support", "faq",
            "homework", "helpline", "hotline", "npc", "npcs", "roleplay"),
        0.5: ("ask", "asks", "asking", "question", "questions", "help", "customer", "customers", "student", "students",
              "pupil", "pupils", "learner", "learners", "patient", "patients", "citizen", "citizens", "shopper",
              "shoppers", "guest", "guests", "player", "players", "caller", "callers", "member", "members"),
    },
    UseCase.CODE_COMPLETION: {
        3: ("autocomplet", "keystroke", "keystrokes"),
        2: ("ide", "ides", "editor", "editors", "inline", "typing", "vscode"),
        # generic words: "suggest replies to agents" is no code; only beside code words do they tip the balance
        1: ("completion", "completions", "tab"),
        0.5: ("suggestion", "suggestions", "suggest"),
    },
    UseCase.CODE_GENERATION_DETAILED: {
        2: ("code", "coding", "coder", "programming", "program", "programs", "refactor", "repo$", "repos", "repository",
            "repositories", "codebase", "endpoint", "endpoints", "python", "java", "javascript", "typescript", "golang",
            "rust", "sql", "kotlin", "terraform", "dockerfile"),
        1: ("developer", "developers", "dev", "devs", "function", "functions", "script", "scripts", "module",
            "modules", "commit$", "commits", "bug", "bugs", "debug", "compiler", "pull", "prs", "pipeline", "api",
            "apis", "boilerplate", "migration", "migrations", "microservice"),
        0.5: ("engineer", "engineers", "test", "tests", "fix", "fixes", "ticket", "tickets", "spec", "specs"),
    },
    UseCase.DOCUMENT_ANALYSIS_RAG: {
        2: ("retriev", "citation", "citations", "cite", "cites", "wiki", "intranet", "sharepoint", "confluence",
            "handbook", "handbooks", "formulary", "knowledgebase", "lookup", "lookups"),
        1: ("document", "documents", "docs", "manual", "manuals", "polic", "guideline", "guidelines", "procedure",
            "procedures", "regulation", "regulations", "knowledge", "search", "searches", "searching", "source",
            "sources", "archive", "archives", "rulebook", "protocol", "protocols", "sop", "sops", "faqs", "catalogue",
            "catalog", "records", "reference"),
        0.5: ("find", "finds", "finding", "look", "looks", "looking", "rule", "rules", "dig", "digs", "digging", "grounded", "internal"),
    },
    UseCase.TRANSLATION: {
        3: ("translat", "localis", "localiz", "multilingual", "i18n", "l10n"),
        1: ("language", "languages", *LANGUAGE_NAMES),
        0.5: ("convert", "converts", "converting"),
    },
    UseCase.CONTENT_GENERATION: {
        2: ("copywrit", "marketing", "blog", "blogs", "newsletter", "newsletters", "slogan", "slogans", "tagline",
            "taglines", "caption", "captions", "seo", "campaign", "campaigns", "advert", "ads", "copy", "listing",
            "listings"),
        1: ("write", "writes", "writing", "writer", "writers", "draft", "drafts", "drafting", "post", "posts",
            "description", "descriptions", "story", "stories", "creative", "article", "articles", "social",
            "content", "brochure", "brochures", "pitch", "pitches", "announcement", "announcements", "lore", "script",
            "written", "worksheet", "worksheets", "handout", "handouts", "quiz", "quizzes"),
        0.5: ("generat", "product", "products", "email", "emails", "letter", "letters", "reply", "replies"),
    },
    UseCase.SUMMARIZATION_SHORT: {
        3: ("summar", "gist", "recap", "recaps", "tldr", "condens", "digest", "explainer", "explainers"),
        2: ("shorten", "shortens", "highlights", "takeaways", "synopsis", "abstract", "abstracts", "briefing"),
        1: ("bullet", "bullets", "brief", "briefs", "overview", "overviews", "skim", "notes"),
    },
    UseCase.RESEARCH_LEGAL_ANALYSIS: {
        2: ("contract", "contracts", "legal", "lawyer", "lawyers", "attorney", "attorneys", "clause", "clauses",
            "litigation", "paralegal", "paralegals", "patent", "patents", "compliance", "diligence", "statute",
            "statutes", "lease", "leases", "counsel", "argu", "novelty", "synthes", "tender", "tenders", "criteria"),
        1: ("agreement", "agreements", "analyst", "analysts", "analys", "research", "underwrit", "audit", "audits",
            "regulatory", "precedent", "precedents", "case", "cases", "risk", "risks", "filing", "filings", "law",
            "reason", "reasons", "reasoning", "evaluat", "assess", "bid", "bids", "gap", "gaps", "findings", "trial",
            "trials", "contradict", "coverage", "endorsement", "endorsements", "aml", "kyc", "sanctions", "fraud",
            "investigat", "screen", "screens", "screening"),
        0.5: ("review", "reviews", "reviewing", "compare", "comparing", "terms", "claim", "claims", "insurance"),
    },
}
_MIN_SCORE = 2.5   # one strong word and a sign beside it, or a word that all but names the use
_LEAD = 1.5        # the best must lead the next by this factor
_WORD = re.compile(r"[a-z][a-z0-9]*")


def _stems() -> list[tuple[UseCase, float, str]]:
    return [(u, w, s) for u, table in _LEXICON.items() for w, stems in table.items() for s in stems]


_STEMS = _stems()
_EXACT: dict[str, list[tuple[UseCase, float, str]]] = {}
_PREFIX: dict[str, list[tuple[UseCase, float, str]]] = {}
for _u, _w, _s in _STEMS:
    if len(_s) < 4 or _s.endswith("$"):
        _EXACT.setdefault(_s.rstrip("$"), []).append((_u, _w, _s))
    else:
        _PREFIX.setdefault(_s[:4], []).append((_u, _w, _s))


# jargon made plain in the same language is no translation: "'translate' discharge notes into plain English"
_SAME_LANGUAGE = re.compile(r"\bsame\s+language\b|\b(?:into|in)\s+plain\b|\bplain[\s-](?:english|language|words)\b")


def lexical_use_case(low: str) -> tuple[UseCase, list[str]] | None:
    """(the use case the lower-cased ``low`` describes, the words it was read from), or None when none leads."""
    scores: dict[UseCase, float] = {}
    words: dict[UseCase, list[str]] = {}
    seen: set[tuple[UseCase, str]] = set()
    for word in _WORD.findall(low):
        counted: set[UseCase] = set()  # a word counts once for a use case, by its first stem
        for use_case, weight, stem in _EXACT.get(word, []) + [h for h in _PREFIX.get(word[:4], []) if word.startswith(h[2])]:
            if (use_case, stem) in seen or use_case in counted:
                continue
            seen.add((use_case, stem))
            counted.add(use_case)
            scores[use_case] = scores.get(use_case, 0.0) + weight
            words.setdefault(use_case, []).append(word)
    if _SAME_LANGUAGE.search(low):
        scores.pop(UseCase.TRANSLATION, None)
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if score < _MIN_SCORE or score < _LEAD * runner_up:
        return None
    return best, words[best]
