"""Phrase tables: how people say use cases, priorities, precisions, cost models, cold starts and retractions.

All patterns run on lower-cased, normalised text (see text.py). Tables are ordered lists of (value, pattern)
so the first match wins where order matters.
"""

from __future__ import annotations

import re

from knowledge.domain.enums import CostModel, Precision, PriceTier, Priority, UseCase


def _re(pattern: str) -> re.Pattern:
    return re.compile(pattern)


# ------------------------------------------------------------------ use cases
# (use case, weight, pattern). The heaviest total wins, so "a chatbot over our PDFs" is RAG (3) not chat (1).
# ("Recap: writing assistant, 300 marketers" labels a restatement, no summary)
# ("To summarise: ...", "(thread with 27 replies, summarising):": the writer sums up the message, no work asked for)
_SUMMARY = (r"\bsummar(?:y|ies|i[sz]e[sd]?|i[sz]ing|i[sz]ation|i[sz]er)\b(?!\s*[:)])|\btl;?dr\b|\brecaps?\b(?!\s*[:\-])|\bdigests?\b|"
            r"\bsynops[ie]s\b|"
            r"\b(?:meeting|write\s+up(?:\s+the)?|take\s+(?:the\s+)?)\s*minutes\b|"
            r"(?<!\d\s)(?<!\d)\bminutes\s+(?:from|of)\s+(?:the\s+|our\s+)?(?:\w+\s+)?(?:meetings?|transcripts?|calls?)\b|"
            # what a text is turned into, shorter: "turns our SOPs into 1-page briefs", "into a short overview"
            r"\binto\s+(?:an?\s+)?(?:[\w-]+\s+){0,2}?(?:briefs?|overviews?|synopse?s|synopsis|abstracts?|one[\s-]pagers?|"
            r"takeaways|highlights|key\s+points|executive\s+summar(?:y|ies))\b|"
            r"\bcondens(?:e|es|ed|ing)\b|\bboil(?:s|ed|ing)?\s+(?:\w+\s+){0,3}?down\b|\binto\s+(?:a\s+few\s+)?bullet[\s-]?points\b|"
            # a few bullets or key points of each text that comes in: "3 bullet points for each press release"
            r"\b(?:bullet[\s-]?points?|bullets|key\s+points|takeaways)\s+(?:for|of|from|per|on|about)\s+(?:each|every)\b")
_LONG_NOUNS = (r"\b(?:long|lengthy|large|full|entire|whole)\s+(?:\w+\s+)?(?:documents?|docs|reports?|texts?|files?|"
               r"pdfs?|charts?|records?)\b|\b(?:hundreds|dozens|scores)\s+of\s+pages\b|\b(?:books?|novels?|transcripts?|filings?|10-ks?|annual\s+reports?|research\s+papers?|"
               r"papers|manuals?|theses|thesis|dissertations?|chapters?|hearings?|depositions?|whitepapers?)\b|"
               r"(?<!incident[\s-])(?<!bug[\s-])(?<!shift[\s-])(?<!status[\s-])(?<!daily[\s-])(?<!expense[\s-])(?<!error[\s-])"
               r"(?<!crash[\s-])\breports?\b")
_SHORT_NOUNS = (r"\b(?:tickets?|emails?|e-mails?|chats?|conversations?|messages?|meeting\s+notes|notes|calls?|"
                r"support\s+cases?|cases|reviews?|articles?|news|threads?|slack|comments?|feedback|short)\b")

# a body of the organisation's own texts that answers can be drawn from (singular or plural)
_CORPUS = (r"(?:polic(?:y|ies)|guidelines?|procedures?|regulations?|standards?|runbooks?|playbooks?|sops?|manuals?|"
           r"handbooks?|docs?|documents?|documentation|pdfs?|wikis?|knowledge(?:[\s-]?base)?|kb|records|archives?|"
           r"faqs?|protocols?|specs|specifications|rulebooks?|guides|bylaws|circulars|directives|guidance\s+notes|"
           r"filings|annual\s+reports|disclosures|prospectus(?:es)?|"
           r"bulletins|notices|booklets?|librar(?:y|ies)|help[\s-]+cent(?:er|re)(?:[\s-]+articles|s)?|"
           r"(?:help|support|kb)[\s-]+articles|(?:course|training|learning|reference|teaching)\s+materials?)\b")

# IDEs named by their product (where a completion tool lives)
# programming languages by name ("go" left out: a common word)
_PROGRAMMING = (r"(?:cobol|fortran|java|python|c\+\+|c#|javascript|typescript|golang|rust|kotlin|scala|ruby|php|perl|"
                r"pl/i|pl/sql|rpg|vb\.net|visual\s+basic|delphi|pascal|abap|swift|objective-c|haskell|elixir|clojure)")
# languages that script more than they build programs (with a ``_PROGRAMMING`` language, what code is named by)
_SCRIPTING = r"(?:lua|bash|shell|powershell|terraform|sql|matlab|julia|gdscript|groovy|dart|vba|go)"
_IDE = (r"(?:vs\s?code|visual\s+studio(?:\s+code)?|jetbrains(?:\s+ides?)?|intellij(?:\s+idea)?|pycharm|webstorm|goland|"
        r"phpstorm|rubymine|clion|rider|android\s+studio|xcode|neovim|cursor\s+ide|eclipse\s+ide)")
# a language by its English name, and a list of them ("German, French and Spanish", "FR/DE/ES" is not read)
LANGUAGE_NAMES = ("english", "french", "german", "spanish", "italian", "portuguese", "dutch", "polish", "czech",
                  "japanese", "chinese", "korean", "arabic", "hindi", "russian", "turkish", "swedish", "danish",
                  "norwegian", "finnish", "greek", "hungarian", "romanian", "ukrainian", "vietnamese", "thai",
                  "indonesian", "hebrew", "mandarin", "cantonese")
LANGUAGE_NAME = r"(?:" + "|".join(LANGUAGE_NAMES) + r")"
LANGUAGE_LIST = LANGUAGE_NAME + r"(?:\s*(?:,|/|&|\band\b|\bor\b|,\s*and\b)\s*" + LANGUAGE_NAME + r")*"
USE_CASES: tuple[tuple[UseCase, float, re.Pattern], ...] = tuple((u, w, _re(p)) for u, w, p in (
    (UseCase.RESEARCH_LEGAL_ANALYSIS, 3, r"\bcontracts?[\s-]+(?:review|analysis|analytics|redlining)|"
     r"\b(?:review|reviewing|analy[sz]e|analy[sz]ing|redline|redlining)\s+(?:\w+\s+)?contracts?\b|"
     # contracts put through a review, clauses named by their kind, a regulator's dossiers: "run 5,000 vendor contracts
     # through a risk analysis (exit clauses? audit rights?)", "analysis of submission dossiers and guidance documents"
     r"\bcontracts?\b[^.;!?]{0,40}?\b(?:through|to|for)\s+(?:a\s+|an\s+)?(?:risk|legal|compliance)\s+(?:analysis|review|"
     r"assessment|check)|\b(?:exit|termination|liability|audit|change[\s-]of[\s-]control|assignment|non[\s-]compete|"
     r"governing[\s-]law|force[\s-]majeure|renewal|confidentiality|subcontracting|indemnity)\s+(?:clauses?|rights|provisions)\b|"
     r"\bregulatory\s+(?:submissions?|dossiers?)\b|\banaly[sz]\w*\s+(?:of\s+)?(?:[\w-]+\s+){0,3}?(?:dossiers?|"
     r"regulatory\s+filings)\b|"
     # ("Legal reviewed the licence" is the department at work on something else)
     r"\blegal\s+(?:research|analysis|review|documents?|work|assistant|tech|ai|filings?|briefs?|questions?|"
     r"advice|drafting|memos?)\b|\bdue\s+diligence\b|"
     r"\bresearch\s+(?:analysis|assistant|analyst\b(?!s))|\b(?:financial|equity|market|scientific|patent|investment|"
     # (the team named by its trade is who works, not the work: "our equity research analysts want a summary back")
     r"policy|clinical)\s+(?:research|analysis)\b(?!\s*[:—–]\s)(?!\s+(?:analysts?|team|desk|department|dept|group|staff|"
     r"people|folks|unit|associates)\b)|\bpatents?\b|\blitigation\b|\bcase\s+law\b|"
     r"\bcompliance\s+(?:review|analysis)|\bregulatory\s+(?:analysis|review)|"
     # a data room is where due diligence is done: "M&A team. Data room: 4,800 docs"
     r"\b(?:virtual\s+)?data[\s-]rooms?\b|\bm\s?&\s?a\b|"
     # reasoning across a set of documents at once: "cross-document questions", "cross-document analysis"
     r"\bcross[\s-](?:document|doc|contract|filing)\s+(?:questions?|analysis|reasoning|comparisons?|review)\b|"
     # the work on contracts named by its parts: "clause extraction + risk flags on NDAs", "indemnity caps in MSAs"
     r"\bclause\s+(?:extraction|review|comparison|analysis|detection)|\bcompar\w*\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?evidence\b|"
     r"\bfind\w*\s+(?:the\s+|any\s+)?(?:\w+\s+)?contradictions\b|"
     # analysis named by what it weighs: "compare methods, find contradicting results and argue which findings hold
     # up", "map new regulations against our policies and find gaps", "compare trial papers and guidelines"
     r"\bfind\w*\s+(?:the\s+|any\s+)?(?:\w+\s+)?(?:contradict\w*|inconsisten\w*|discrepanc\w*|gaps)\b|"
     r"\bcompar\w*\s+(?:the\s+)?(?:[\w-]+\s+)?(?:methods|methodolog\w*|studies|papers|trials|findings|results|"
     r"literature|guidelines\s+and\s+\w+|evidence)\b|\bargu\w*\s+(?:which|whether)\b|"
     r"\bmap\w*\s+(?:the\s+|new\s+|our\s+)?(?:[\w-]+\s+)?(?:regulations?|rules|requirements|controls|obligations)\s+"
     r"(?:against|to|onto)\b|\bgap\s+analys[ie]s\b|\b(?:extract|flag|compar|review)\w*\s+(?:\w+\s+)?"
     r"clauses\b|\b(?:ndas?|msas?|slas?\s+contracts)\b(?=[^.;]{0,40}\b(?:risks?|clauses?|terms|review|flags?|"
     r"extract\w*|obligations))|\bindemnit(?:y|ies|ification)\b|"
     r"\bresearch_legal_analysis\b|"
     # contracts held against the team's standard: "a risk review over the day's new contracts", "compare each
     # against our playbook clauses"
     r"\b(?:risk\s+)?review\w*\s+(?:over|of|across|on)\s+(?:[\w'-]+\s+){0,4}?contracts?\b|"
     r"\bagainst\s+(?:our\s+|the\s+|their\s+)?(?:[\w-]+\s+){0,2}?(?:clauses|fallback\s+positions)\b|"
     # the documents of a legal matter, analysed: "risk analysis across case files & filings", "review depositions"
     r"\b(?:analy[sz]\w*|review\w*|assess\w*|risk\s+analysis|risk[\s-]flag\w*|go(?:es|ing)?\s+through)\s+(?:[\w&-]+\s+){0,3}?"
     r"(?:case\s+files?|court\s+(?:filings?|documents?|records?)|filings|pleadings|depositions|briefs|discovery\s+"
     r"documents?|case\s+law|judgments|rulings)\b"),
    # the people of legal work: they do legal analysis unless the message names another use ("a chatbot for our
    # paralegals": the chatbot, said first, wins the tie)
    # (a law firm is who works, not the work: "knowledge management at a law firm, answers with citations" is retrieval)
    (UseCase.RESEARCH_LEGAL_ANALYSIS, 0.5, r"\b(?:paralegals?|attorneys?|solicitors?|barristers?|litigators?|"
     r"legal\s+(?:team|department|counsel|staff))\b|\bcase\s+files?\b|\blaw\s+firm\b"),
    # the use case named by its acronym ("a research assistant over our reports (RAG)"): named, it outweighs a
    # description of the work
    (UseCase.DOCUMENT_ANALYSIS_RAG, 4, r"\brag\b|\bretrieval[\s-]augmented\b"),
    (UseCase.DOCUMENT_ANALYSIS_RAG, 3, r"\bretrieval\b(?![\s-]augmented)|"
     # the most similar past records pulled in to answer from: "we pull the 5 most similar resolved tickets and the
     # model drafts a reply from them"
     r"\b(?:pull|retriev|fetch|find|look\w*\s+up|search|grab|surfac)\w*\s+(?:up\s+)?(?:the\s+)?(?:top\s+)?(?:\d+\s+|"
     r"few\s+|handful\s+of\s+)?(?:most\s+)?(?:similar|related|relevant)\s+(?:[\w-]+\s+){0,2}?(?:tickets|cases|"
     r"documents|docs|answers|articles|records|issues|incidents|emails|threads|passages|chunks|snippets)\b|"
     r"\b(?:question[\s-]answering|q\s?&\s?a|qa|answer(?:ing)?\s+questions?|questions?)\s+(?:(?:tool|bot|"
     r"assistant|system|app|service|chat)s?\s+)?(?:over|on|about|from|against|using|based\s+on|of)\s+(?:our\s+|the\s+|"
     r"their\s+|internal\s+|company\s+|your\s+)*(?:[\w-]+\s+){0,4}?(?:docs?|documents?|documentation|pdfs?|knowledge|"
     r"wiki|confluence|manuals?|files?|policies|handbooks?|sharepoint|data|content|corpus|procedures|guidelines|"
     r"regulations|standards|runbooks?|playbooks?|sops?|records|archives?)|"
     # answers that cite the passage they came from are retrieval ("answers with citations")
     r"\b(?:with|including|includes?|plus|and)\s+(?:[\w-]+\s+)?citations?\b|\bcit(?:e|es|ing)\s+(?:the\s+|its\s+|their\s+)?"
     # (a word naming the texts may stand between - "citing the booklet page" - but not one judging them: "cite
     # outdated documents" is a complaint about some tool, not this one's work)
     r"(?:(?![\w-]*ed\b)[\w-]+\s+)?(?:passages?|sections?|paragraphs?|pages?|documents?|precedents?|rulings?|articles?|"
     r"provisions?|sources?)(?:\(s\))?(?:\s|\b|$)|\bknowledge[\s-]?base\b|\bsearch\s+(?:over\s+|through\s+|across\s+)?(?:our|the|"
     r"internal|company)\s+(?:\w+\s+)?(?:docs|documents|wiki|knowledge|documentation|files|contracts|policies|"
     r"manuals|records|archives?|filings|reports|tickets|emails)|"
     rf"\bchat\s+with\s+(?:your|our|the|their|a|an)\s+(?:\w+\s+)?(?:{_CORPUS}|data|files|pdfs|contracts|reports)|"
     # the answer tied to where it came from: "an answer pulled from the right section with the page reference",
     # "with links to the source doc", "the top passages go into the prompt"
     r"\b(?:answers?|repl(?:y|ies)|responses?)\s+(?:is\s+|are\s+)?(?:pulled|drawn|taken|sourced|lifted|quoted)\s+"
     r"(?:straight\s+|directly\s+)?(?:out\s+of|from)\b|\b(?:page|section|paragraph|chapter|article|clause)\s+"
     r"(?:references?|refs?|citations?)\b|\blinks?\s+(?:back\s+)?to\s+(?:the\s+)?(?:source|original|underlying)\b|"
     r"\b(?:top|best|relevant|matching|retrieved)\s+(?:passages|chunks|snippets|articles|documents)\s+(?:go|goes|are\s+"
     r"(?:put|stuffed|added|fed))\s+(?:in)?to\s+(?:the\s+)?prompt\b|"
     r"\bdocument\s+(?:q\s?&\s?a|qa|search|analysis|question)|\bover\s+(?:our|the|internal)\s+(?:\w+\s+)?"
     r"(?:pdfs|docs|documents|documentation|wiki|manuals|files)\b|\benterprise\s+search\b|\bsemantic\s+search\b|"
     r"\bgrounded\s+in\b|\bwe\s+retrieve\b|\bretrieved\s+(?:chunks|passages|clauses|documents|snippets|context)\b|"
     r"\blinks?\s+back\s+to\s+(?:the\s+)?(?:source\s+)?(?:documents?|sources?|pages?|policies|articles)\b|\bcite\s+sources\b|\b(?:cite|citing|quote|quoting)\s+(?:the\s+|our\s+)?(?:\w+\s+)?"
     r"(?:library|manuals?|documentation|docs|handbooks?|knowledge\s+base|polic(?:y|ies)|protocols?|sources?|"
     r"articles?)\b|\banswers?\s+from\s+(?:the\s+|our\s+)?(?:\w+\s+)?(?:manuals?|documentation|docs|handbooks?|"
     r"knowledge\s+base|library|wiki|polic(?:y|ies)|protocols?)\b|\bdocument_analysis_rag\b|\b(?:find|look\s+up|retrieve|locate)\s+"
     r"(?:\w+\s+){0,3}(?:in|from|across|within)\s+(?:our|the|internal|company)\s+(?:\w+\s+)?(?:docs|documents|"
     r"documentation|wiki|confluence|knowledge|manuals|files|pdfs|sharepoint|notion|policies)\b"),
    # (a software version said of the store is about its software, not the work: "our intranet is on v2.3.1")
    # (the intranet as where the tool lives is no corpus: "a chat assistant on the intranet for password resets",
    # "an intranet chatbot for the Lyon site")
    # (where a paste was copied from is no corpus: "Copied from Confluence, 'Retail Banking Assistant - NFRs'")
    (UseCase.DOCUMENT_ANALYSIS_RAG, 2, r"(?<!copied\sfrom\s)(?<!pasted\sfrom\s)(?<!taken\sfrom\s)(?<!exported\sfrom\s)"
     r"\b(?:confluence|sharepoint|notion|wiki|(?<!on\sthe\s)(?<!on\sour\s)(?<!via\sthe\s)"
     r"(?<!via\sour\s)(?<!through\sthe\s)(?<!for\sour\s)(?<!for\sthe\s)intranet(?![\s-]+(?:chat[\s-]?)?(?:bots?|"
     r"assistants?|portal|site|page|app|homepage)\b)|handbooks?)\b(?!\s+(?:(?:is|was|runs?|"
     r"are)\s+(?:still\s+)?(?:on\s+|at\s+)?)?(?:v(?:ersion)?\s*)?\d+(?:\.\d+)+)"),
    # answers drawn from a body of the organisation's own texts, in any clause form: "answers from our guidelines",
    # "an assistant over our SOPs", "policy Q&A", "handbook lookup", "a knowledge assistant"
    (UseCase.DOCUMENT_ANALYSIS_RAG, 3,
     rf"\b(?:answers?|answering|replies|repl(?:y|ying)|responds?|responding)\s+(?:[\w'-]+\s+){{0,3}}?(?:only\s+|just\s+|"
     rf"strictly\s+)?(?:from|using|based\s+on|grounded\s+in|out\s+of|straight\s+(?:out\s+of|from))\s+(?:(?:our|the|their|internal|company|its|your)\s+)*(?:[\w-]+\s+){{0,2}}?"
     rf"{_CORPUS}|\b(?:over|across|on\s+top\s+of)\s+(?:(?:our|the|their|internal|company|all)\s+)+(?:[\w-]+\s+){{0,2}}?"
     rf"{_CORPUS}|{_CORPUS}\s+(?:q\s?&\s?a|qa|question[\s-]answering|look[\s-]?ups?|search|finder)\b|"
     rf"\b(?:find|finds|finding|look(?:s|ing)?\s+(?:\w+\s+)?up|retriev\w*|locat\w*|search\w*|dig\w*)\s+(?:\w+\s+){{0,3}}?"
     rf"(?:in|from|across|within|through)\s+(?:(?:our|the|their|internal|company|all)\s+)+(?:[\w-]+\s+){{0,2}}?{_CORPUS}|"
     r"\bknowledge\s+(?:assistant|bot|agent|search|hub|tool|helper|copilot)s?\b|"
     # a body of texts queried, and answers that carry where they came from: "query about 1,400 circulars and get
     # answers with the circular reference"
     rf"\b(?:query|querying|queries|interrogat\w+)\s+(?:(?:about|around|roughly|some|~)\s+)?(?:[\d,.]+k?\s+)?"
     rf"(?:(?:our|the|their|internal|all)\s+)?(?:[\w-]+\s+){{0,2}}?{_CORPUS}|"
     r"\banswers?\s+(?:that\s+)?(?:with|including|giving|showing|quoting)\s+(?:the\s+|a\s+)?(?:[\w-]+\s+)?(?:reference|"
     r"source|citation|link|(?:page|section|rule|clause|article|paragraph|chapter)\s+numbers?)s?\b|"
     # the answer tied to the passage it was drawn from: "pointing at the page it came from", "link the articles they
     # came from", "quoting the clause it came from"
     r"\b(?:pages?|sections?|articles?|sources?|documents?|docs?|passages?|paragraphs?|clauses?|chapters?|polic(?:y|ies)|"
     r"files?|records?|entr(?:y|ies))\s+(?:it|they|the\s+answers?|each\s+answer|that)\s+(?:came|comes|come|was\s+taken|"
     r"were\s+taken|is\s+drawn|was\s+drawn)\s+from\b"),
    # questions whose subject is such a body of texts: "answer HR policy questions", "handbook queries", "staff ask
    # it about leave rules and the expense policy"; as weak as a chatbot named (the one said first wins a tie: "a
    # chatbot for supervisors, they ask about procedures" stays a chatbot)
    (UseCase.DOCUMENT_ANALYSIS_RAG, 1,
     rf"\b{_CORPUS}\s+(?:questions|queries|enquiries|inquiries)\b|\b(?:ask\w*|questions?|queries|enquiries|"
     rf"inquiries)\s+(?:\w+\s+){{0,2}}?(?:about|on|regarding|concerning|around)\s+(?:[\w-]+\s+){{0,5}}?{_CORPUS}"),
    (UseCase.CODE_COMPLETION, 3, r"\bauto[\s-]?complet(?:e|ion|ions|ing)\b|\bcode[\s-]+complet(?:ion|ions|e)\b|\bghost[\s-]?text\b|"
     # (a copilot of another trade is no code tool: "contact-center copilot", "sales copilot", "claims copilot": one
     # named by its trade is a code tool only when the trade is code's)
     r"(?:(?<![\w'-])(?<![\w'-]\s)|\b(?:an?|the|our|my|your|their|github|code|coding|dev|developer|programming|ide|"
     r"engineering|software|swe|pair|want|wants|need|needs|like|use|using|get|with|for|build|building)[\s-]+)copilot\b|"
     r"\bcopilot[\s-](?:style|like)\b|\btab[\s-]complet\w*|\binline\s+(?:code\s+)?(?:suggestions?|completions?)|"
     r"\b(?:in|inside)\s+(?:the\s+|their\s+|our\s+)?(?:ide|editor|vs\s?code|jetbrains|intellij)\b|"
     # an IDE named by its product, as where the tool lives: "suggestions for IntelliJ", "a PyCharm plugin"
     rf"\b(?:in|inside|for|into|within)\s+(?:the\s+|their\s+|our\s+)?{_IDE}\b(?!\s+(?:users?|developers?|devs|docs|"
     r"documentation|teams?|community|customers|tutorials?|courses?|training|books?|articles?)\b)|\b{_IDE}\s+(?:plugin|extension|integration)s?\b|"
     r"\bide\s+(?:plugin|extension|integration|assistant)|\b(?:ide|editor)\s+(?:code\s+)?(?:completions?|"
     r"suggestions?|autocompletion)\b|\bfill[\s-]in[\s-]the[\s-]middle\b|\bfim\b|"
     r"\bnext[\s-](?:line|token)\s+suggestions?|\bcode_completion\b|"
     # completions that must come as one types ("completions must feel instant"): code completion, not a coding agent
     r"\bcompletions?\b(?=[^.;!?]{0,40}\b(?:instant\w*|immediate\w*|snappy|as\s+(?:they|you|we|devs|developers)\s+type|"
     r"keystroke|real[\s-]?time)\b)|\b(?:instant|as[\s-]you[\s-]type|keystroke[\s-]level)\s+(?:code\s+)?(?:completions?|"
     r"suggestions?)\b|\b(?:completions?|suggestions?)\s+as\s+(?:they|you|we|devs|developers|people|engineers)\s+type\b"),
    (UseCase.CODE_GENERATION_DETAILED, 3, r"\b(?:translat|convert|turn)\w*\s+(?:[\w'-]+\s+){0,6}?in(?:to)?\s+(?:an?\s+)?"
     r"(?:sql|code|python|regex(?:es)?|bash|(?:sql\s+)?quer(?:y|ies)|scripts?)\b(?!\s+(?:speakers|people))|"
     r"\b(?:devs?|developers?|engineers?|programmers?)\s+describe\s+(?:an?\s+|the\s+)?"
     r"(?:functions?|class(?:es)?|modules?|features?|endpoints?)\b|\bwrites?\s+(?:it|them)\s+with\s+(?:unit\s+)?tests\b|"
     r"\bgenerat(?:e|es|ing|ion\s+of)\s+(?:\w+\s+)?(?:functions?|code|"
     r"classes|modules|programs?|apps?|applications|scripts?|sql|tests?|unit\s+tests?)\b|\bcode\s+generation\b|"
     r"\bcoding[\s-]+(?:agents?|assistants?)\b|\bwrites?\s+(?:whole|full|entire|complete)\s+(?:files?|functions?|"
     r"classes|modules|programs?)\b|\bcode[\s-]?gen\b|\bcode\s+(?:agents?|review|reviews|reviewer)\b|"
     r"\breview(?:ing)?\s+(?:\w+\s+)?(?:code|pull\s+requests|prs|merge\s+requests)\b|\bwrit(?:e|es|ing)\s+"
     r"(?:\w+\s+)?code\b|\bcode\s+from\s+(?:\w+\s+)?(?:specs?|specifications?|requirements|descriptions?|"
     r"tickets?|prompts?)|\brefactor\w*|\bunit\s+tests?\b|\b(?:software|dev|developer|swe)\s+agents?\b|"
     r"\b(?:whole|full|entire|complete)\s+(?:functions?|classes|modules|programs?|features)\b|\bagentic\s+coding\b|\bprogramming\s+assistant\b|\bdebug(?:ging)?\s+code\b|\btext[\s-]to[\s-]sql\b|"
     # a change made in a repository: "picks up a Jira ticket and opens a PR", "writes the patch"
     r"\bopens?\s+(?:a\s+|the\s+)?(?:pr|pull\s+request|merge\s+request|mr)\b|\b(?:writes?|generates?|produces?)\s+(?:the\s+|a\s+)?"
     r"(?:full\s+)?(?:patch|diff|code\s+change)\b|"
     r"\bcode_generation_detailed\b|"
     # the work product of code named ("writes pull requests from tickets", "SQL generation", "opens merge requests")
     r"\b(?:writ\w*|open\w*|generat\w*|draft\w*|creat\w*|rais\w*|submit\w*)\s+(?:\w+\s+)?(?:pull\s+requests|prs|"
     r"merge\s+requests|patches|commits|code\s+changes|bug\s*fixes|migrations|queries\s+in\s+sql)\b|"
     r"\b(?:sql|query|test|script|boilerplate|api\s+client)\s+generation\b|"
     # code named by its language or its parts: "writes Python scripts", "a code-writing assistant", "generates API
     # endpoints and tests"
     r"\bcode[\s-](?:writing|generating|generator|writer)\b|"
     rf"(?<![\w+#])(?:{_PROGRAMMING}|{_SCRIPTING}|gdscript)\s+(?:scripts?|code|functions?|modules?|programs?|classes|queries|"
     r"files?)\b|"
     # the language said after the work: "analysis scripts in R or Python", "a whole file of Lua"
     rf"\b(?:scripts?|code|functions?|modules?|programs?|classes|files?)\s+(?:in|of)\s+(?:r|{_PROGRAMMING}|{_SCRIPTING})"
     r"(?![\w+#])|"
     r"\b(?:generat|writ|build|creat|draft)\w*\s+(?:\w+\s+){0,2}?(?:api\s+)?endpoints\b|"
     # code carried from one programming language to another is code written, not a translation of text: "the model
     # translates a COBOL program into an equivalent Java class", "port our Fortran routines to C++"
     rf"\b(?:translat|convert|port|migrat|rewrit|transpil)\w*\b[^.;!?]{{0,80}}?(?<![\w+#]){_PROGRAMMING}(?![\w+#])"
     rf"[^.;!?]{{0,60}}?\b(?:to|into)\b[^.;!?]{{0,30}}?(?<![\w+#]){_PROGRAMMING}(?![\w+#])|"
     rf"(?<![\w+#]){_PROGRAMMING}\s+(?:\w+\s+){{0,2}}?(?:programs?|code|codebase|modules?|classes|files?|scripts?|"
     rf"routines?|jobs?)\b[^.;!?]{{0,80}}?\b(?:translat|convert|port|migrat|rewrit|transpil)\w*\b[^.;!?]{{0,50}}?"
     rf"\b(?:to|into)\b[^.;!?]{{0,30}}?(?<![\w+#]){_PROGRAMMING}(?![\w+#])"),
    # "translators" alone are people who may use any tool ("our 80 translators ask it about the style guide"); a
    # translator that is the tool has an article or a kind before it ("a translator for support chats", "AI translator")
    (UseCase.TRANSLATION, 2, r"(?:(?<!['‘\"“])\btranslat(?:e|es|ed|ing|ion|ions)(?![^.;!?]{0,40}\b(?:into|to)\s+plain\b)|\b(?:an?|the|machine|ai|llm|automatic|auto|"
     r"real[\s-]?time|live|instant|in-app|built-in|document)\s+translators?|"
     # translators' own jargon for machine output they correct: "post-editing", "MTPE", "a machine first draft"
     r"\bpost[\s-]?edit\w*|\bmtpe\b|\bmachine\s+(?:first\s+)?drafts?)\b(?!\s+(?:agency|agencies|company|firm|business|"
     r"bureau|office|services?\s+provider|team|teams|department|dept|group|people|staff|org))|\blocali[sz](?:e|ation|ing)\b|\bi18n\b|"
     r"\bl10n\b|\bmultilingual\b|\binto\s+" + LANGUAGE_NAME + r"\b"),
    # versions of the same text in other languages: "needs German, French and Spanish versions" (the text itself may
    # be named by what it is: "every product description ... needs German and French versions")
    (UseCase.TRANSLATION, 3, LANGUAGE_LIST + r"\s+(?:versions?|editions?|copies|variants?)\b"),
    # texts put through translation, whatever they are: "translate 1,000,000 knowledge-base snippets" (what they are,
    # a knowledge base or manuals, names no other work)
    (UseCase.TRANSLATION, 3, r"\btranslat(?:e|es|ing)\s+(?:(?:all|our|the|each|every|about|around|some|\x01\d+\x02|[\d,.]+k?)\s+)*"
     r"(?:[\w-]+\s+){0,3}?(?:snippets?|articles?|entries|pages?|documents?|docs|content|texts?|strings?|descriptions?|"
     r"manuals?|e-?mails?|messages?|tickets?|reviews?|listings?|chats?|posts?|subtitles?|captions?)\b"),
    (UseCase.CONTENT_GENERATION, 2, r"\bmarketing\s+(?:copy|content|emails?|texts?|materials?|campaigns?|posts?)|"
     r"\bcopy[\s-]?writ\w*|\bblog\s+(?:posts?|articles?|content)|\bblogs?\b|\bproduct\s+descriptions?|"
     r"\b(?:social[\s-]media|linkedin|twitter|instagram)\s+(?:posts?|content|captions?)|\bad\s+copy\b|"
     r"\bnewsletters?\b|\bwrit(?:e|ing)\s+(?:\w+\s+)?(?:articles|content|stories|posts|essays)|"
     r"\bcontent[\s-](?:generation|creation|writing|writer|marketing|gen)\b|"
     r"\b(?:listing|property|job|item|catalog(?:ue)?|product)\s+descriptions?\b|\bdescriptions?\s+(?:drafted|written|"
     r"generated)\b|\bseo\s+(?:content|articles?|copy)|"
     r"\bpress\s+releases?\b|\bcreative\s+writing\b|\bad\s+campaigns?\b|\bcontent_generation\b|"
     r"\b(?:generat|creat|writ|draft|produc)\w*\s+(?:\w+\s+)?(?:quiz(?:zes)?|quiz\s+questions|exam\s+questions|"
     r"exercises|flashcards|lesson\s+plans|worksheets|slogans|taglines|headlines|captions|(?:practice|test|sample|"
     r"review|study|homework|trivia|mock|revision)\s+questions|explanations|lessons|study\s+(?:guides|notes)|"
     r"(?:course|learning|teaching|training)\s+materials?)\b|"
     # creative prose made to order: "draft quest dialogue and item lore", "write character backstories", "generate
     # scripts for our videos"
     r"\b(?:generat|creat|writ|draft|produc|compos|author|churn)\w*\s+(?:out\s+)?(?:[\w-]+\s+){0,2}?(?:dialogues?|lore|"
     r"stor(?:y|ies)|(?<!python\s)(?<!bash\s)(?<!shell\s)(?<!full\s)scripts?|screenplays?|backstor(?:y|ies)|quests?|scenes?|narratives?|fiction|poems?|lyrics|"
     r"jokes|characters?|plots?|episodes?|chapters?|ad\s+texts?|slogans|product\s+copy|copy)\b|"
     # a writing aid: the model drafts texts a person sends ("a writing assistant to draft letters to customers")
     r"(?<!code[\s-])\b(?:writing|drafting|copy)\s+(?:assistant|aid|tool|helper|copilot)s?\b|\bdraft(?:s|ing)?\s+(?:[\w-]+\s+){0,2}?"
     r"(?:letters?|e-?mails?|responses?|replies|proposals?|announcements?|memos?|texts?|posts?|cover\s+letters?)\b|"
     # the kinds of e-mail drafted: "draft renewal and QBR follow-up emails"
     r"\bdraft(?:s|ing)?\s+(?:[\w-]+\s+){0,2}?(?:and|&)\s+(?:[\w-]+\s+){0,3}?(?:e-?mails?|letters?|memos?)\b|"
     r"\bwrit(?:e|es|ing)\s+(?:[\w-]+\s+){0,2}?(?:letters|e-?mails|memos|proposals|announcements|cover\s+letters)\b|"
     # mail made to order for someone: "we generate a personalised first-touch email for each prospect"
     r"\b(?:generat|compos|personali[sz])\w*\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?(?:letters?|e-?mails?|memos?|"
     r"announcements?|cover\s+letters?|outreach|mailings?)\b(?!\s+(?:summar|triage|classif|routing))"),
    (UseCase.SUMMARIZATION_SHORT, 2, _SUMMARY + r"|\bsummarization_short\b|"
     # a text turned into a short note of it: "each call's transcript turned into a wrap-up note", "boil the thread
     # down to three bullets"; the key facts of a text given back: "paste the correspondence, get the key facts back"
     r"\b(?:turn|convert|condens|boil|distil)\w*\s+(?:[\w'-]+\s+){0,6}?(?:in(?:to)?|down\s+to)\s+(?:an?\s+|the\s+)?"
     r"(?:[\w-]+\s+){0,2}?(?:notes?|wrap[\s-]?ups?|recaps?|one[\s-]liners?|bullets?|bullet\s+points|tl;?drs?|"
     r"synops[ie]s|abstracts?|briefs?|gists?)\b|\b(?:key|main|important|salient)\s+(?:facts|points|takeaways)\b"
     r"(?=[^.;!?]{0,30}\b(?:back|out)\b)|\b(?:pull|get|extract)\w*\s+(?:out\s+)?(?:the\s+)?(?:key|main|important|salient)\s+"
     r"(?:facts|points|takeaways)\b"),
    (UseCase.LONG_DOCUMENT_SUMMARIZATION, 0, r"\blong_document_summarization\b"),
    (UseCase.CHATBOT_CONVERSATIONAL, 1, r"\(\s*chat\s*\)"),
    # agent assist: replies suggested to the people who hold a live conversation ("suggest replies to agents during
    # calls", "propose answers for our support reps"): conversational turns, not code ("suggest" alone says neither)
    (UseCase.CHATBOT_CONVERSATIONAL, 3, r"\b(?:suggest\w*|propos\w*|recommend\w*|draft\w*|surfac\w*)\s+(?:\w+\s+)?"
     r"(?:replies|responses|answers|next[\s-]best[\s-]actions?)\s+(?:\w+\s+)?(?:to|for)\s+(?:\w+\s+){0,2}?"
     r"(?:agents|reps|representatives|operators|advisors|advisers|staff|handlers|dispatchers|nurses|clerks)\b"),  # "triage helper (chat)"; apart: it slows the next one
    (UseCase.CHATBOT_CONVERSATIONAL, 1, r"\bchat[\s-]?bots?\b|\bchat\s+(?:assistant|app|application|interface|"
     r"agent)|\b(?:support|service|help|helpdesk|faq|hr|it|sales)\s+(?:bot|assistant|agent)s?\b|"
     r"\bcustomer\s+(?:service|support|care|success|questions|inquiries|queries)|\bhelp\s?desk\b|"
     r"\bsupport\s+chat\b|\bchat[\s-](?:style|like|based)\b|\bchat\s+stuff\b|\b(?:customer|user|client)[\s-]facing\s+chat\b|\bchat\s+(?:support|widget|tool)\b|"
     r"\bvirtual\s+(?:assistant|agent)|\bconversational\b|\bassistants?\s+for\s+(?:our\s+)?(?:employees|staff|"
     r"team|users|customers|students)|\b(?:internal|ai|digital|personal|shopping|voice)\s+assistants?\b|"
     r"\bassistants?\b|\banswer(?:s|ing)?\s+(?:customer|user|employee|student)?\s*questions\b|\bconcierge\b|"
     r"\bagent[\s-]assist\b|\b(?:typ\w*|ask\w*|put\w*|send\w*)\s+(?:their\s+|our\s+)?questions\s+(?:in)?to\s+(?:it|the\s+(?:bot|"
     r"assistant|tool))\b|\bchat(?:ting)?\s+with\s+(?:customers|users)|\bchat\s+(?:requests|messages|sessions|conversations|traffic|queries)\b|"
     # "chat" said as the work in a terse list or for a headcount: "chat, 2k users", "Chat for 1,000 staff"
     r"(?:^|(?<=[,;:])|(?<=[,;:]\s))chat(?=\s*(?:[,;.]|$))|^chat(?=\s+for\s+(?:our\s+|the\s+|about\s+|~\s*)?\d)|"
     # a chat named by whose it is: "internal chat for 350 ppl", "an employee chat"
     r"\b(?:internal|in-house|team|company|employee|staff|workplace|enterprise|private|secure)\s+chat(?=\s*(?:[,;.)]|$|"
     r"\s+for\b))|"
     # a conversational role played by the model ("an AI tutor", "a virtual coach"), or people chatting with it
     r"\b(?:ai|virtual|digital|online|llm|gpt)[\s-](?:tutors?|coach(?:es)?|mentors?|companions?|buddy|buddies|helpers?|"
     r"receptionists?|advisors?|advisers?|guides?|teachers?|therapists?)\b|\b(?:chat|talk|speak)(?:s|ting|ing)?\s+"
     r"(?:with|to)\s+(?:it|the\s+(?:bot|tutor|ai|coach|model))\b|\bchat[\s-]?gpt\b|\bchatbot_conversational\b|"
     r"\b(?!(?:the|a|an|our|this|that|your|their|my|its)\b)[a-z&-]{2,}[\s-]bots?\b"),
))
# Weak one-word answers, used only when nothing above matched (e.g. answering "what will it be used for?").
WEAK_USE_CASES: tuple[tuple[UseCase, re.Pattern], ...] = tuple((u, _re(p)) for u, p in (
    (UseCase.CHATBOT_CONVERSATIONAL, r"\b(?:chat|chatting|support|bot|faq)\b"),
    (UseCase.CODE_GENERATION_DETAILED, r"\b(?:code|coding|programming|developers?)\b"),
    (UseCase.DOCUMENT_ANALYSIS_RAG, r"\b(?:docs|documents|pdfs|search)\b"),
    (UseCase.CONTENT_GENERATION, r"\b(?:marketing|content|writing|copy)\b"),
    (UseCase.RESEARCH_LEGAL_ANALYSIS, r"\b(?:research|contracts?|lawyers?)\b"),
))
LONG_NOUNS = _re(_LONG_NOUNS)
# A length said in a few pages is a short summary whatever the documents are called ("reports, a few pages each");
# many pages become prompt tokens (500 a page), and a long prompt makes the summary a long-document one.
FEW_PAGES = _re(r"\b(?:short|brief|quick|concise|one[\s-]line|two[\s-]line|few[\s-]line|tl;?dr)\s+(?:\w+\s+)?"
                r"summar(?:y|ies)\b|\b(?:a\s+few|a\s+couple\s+of|couple\s+of|one|two|three|four|five|a\s+single|single|[1-5])"
                r"\s*-?\s*pages?\b|\bone[\s-]pagers?\b|\b(?:short|brief)\s+(?:\w+\s+)?(?:reports?|documents?|docs)\b")
# summarised into a note of a few lines ("the transcript summarised into the CRM wrap-up note"): a short summary, unless
# the texts are said to be long
INTO_A_NOTE = _re(r"\binto\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,2}?(?:note|wrap[\s-]?ups?|one[\s-]liners?|headlines?|"
                  r"tweets?|bullet(?:\s+points?|s)|bullet\s+list)\b|"
                  # ... or a few lines: "daily field reports summarised into a few lines", "into 3 sentences"
                  r"\binto\s+(?:a\s+(?:few|couple\s+of)|\x01\d+\x02|\d+|one|two|three|four|five)\s+(?:short\s+)?(?:lines|sentences)\b")
SHORT_NOUNS = _re(_SHORT_NOUNS)
USE_CASE_NEGATION = _re(r"\b(?:not|no|isn'?t|aren'?t|never|doesn'?t|don'?t|won'?t|rather\s+than|instead\s+of|scrap|"
                        r"drop|ditch|forget(?:\s+about)?|abandon|kill|shelve|skip)\s+"
                        r"(?:an?\s+|the\s+)?"
                        r"(?:\w+\s+)?$")
LONG_PROMPT_TOKENS = 8000  # "summarize 30-page reports": beyond this a summary is a long-document one
# "call transcripts of 1,800 words": a text said to be within a short summary's longer prompts (the template's p90)
# is summarised as a short one, whatever the kind of text is called
SHORT_PROMPT_TOKENS = 4096

# latency said not to matter in other words: "latency isn't critical", "batch-ish", "doesn't need to be realtime"
LATENCY_UNIMPORTANT = (r"latency\s+(?:isn'?t|is\s+not|ain'?t)\s+(?:really\s+|that\s+|very\s+|so\s+)?(?:critical|important|"
                       r"crucial|key|a\s+(?:concern|priority|big\s+deal|problem|worry)|an\s+issue)|batch[\s-]?(?:ish|y|like|style)|"
                       r"(?:not|\w+n'?t|no)\s+(?:\w+\s+)?(?:need|needs|needed|required|necessary)\s+(?:(?:it|this|that|them|the\s+\w+)\s+)?(?:to\s+be\s+|in\s+)?"
                       r"(?:real[\s-]?time|interactive)")

# Tasks with no template of their own, named outright ("document classification", "sentiment analysis"): the nearest
# template, and why, so a named task is not asked about again. Read only when no use case phrase matched.
NEAREST_USE_CASES: tuple[tuple[re.Pattern, UseCase, str], ...] = (
    (_re(r"\b(?:classif(?:y|ies|ying|ication|ications|ier)|categori[sz](?:e|es|ing|ation)|sentiment\s+analysis|"
         r"intent\s+(?:detection|classification|recognition)|(?:auto[\s-]?)?tagging|label(?:l)?ing)\b"),
     UseCase.SUMMARIZATION_SHORT,
     "no template for classification; the nearest is short summarization: one input read, a short output"),
)

# traffic said to have no peaks ("12 requests per second steady", "the load is flat all day", "no spikes"): the peak is
# the average. Not when negated ("not steady", "anything but flat")
STEADY = re.compile(r"(?<!not\s)(?<!n't\s)(?<!never\s)(?<!but\s)\b(?:steady|flat|constant|uniform|even(?=\s+(?:traffic|load|"
                    r"rate|flow|stream)))\b(?!\s+(?:state|growth|increase|decline|fee|fees|price|pricing|budget|cost|costs|"
                    r"monthly|subscription|licen[cs]e|file|files|structure|hierarchy|org))|\bno\s+(?:real\s+|big\s+)?(?:peaks|spikes|"
                    r"bursts)\b|\b(?:doesn'?t|does\s+not|never)\s+(?:really\s+)?(?:spike|peak|burst)\b")

# ------------------------------------------------------------------ priorities
# "we care (most) about cost": a priority; "we don't care about cost" is caught by PRIORITY_NEGATION
_CARE = r"\bcare\s+(?:most\s+|mostly\s+|more\s+|only\s+)?about\s+(?:the\s+)?"
# "responsiveness beats everything else", "accuracy above all", "cost trumps everything": what ranks first
_ABOVE_ALL = (r"\s+(?:(?:beats?|trumps?|outweighs?|outranks?|wins\s+over|comes?\s+before|is\s+(?:more\s+important|"
              r"worth\s+more)\s+than)\s+(?:everything|anything|all)(?:\s+else)?|(?:is\s+|comes?\s+)?above\s+"
              r"(?:all|everything)(?:\s+else)?)\b")
PRIORITIES: tuple[tuple[Priority, re.Pattern], ...] = tuple((v, _re(p)) for v, p in (
    (Priority.LATENCY, r"\b(?:latency|speed|responsiveness)\s+(?:matters?|is|counts?)\s+(?:way\s+|much\s+|a\s+lot\s+)?"
     r"more\s+(?:important\s+)?than\b|\b(?:speed|latency)\s+over\s+(?:cost|price|quality)\b|"
     r"\b(?:latency|speed|responsiveness|response\s+time)\s+(?:is\s+|really\s+)?"
     r"(?:matter(?:s|ed)?\s+)?"
     r"(?:the\s+)?(?:most\s+important|critical|crucial|key|paramount|everything|king|the\s+priority|a\s+priority|"
     r"top\s+priority|most|matters?\s+most)|\blow[\s-]latency\b|\bsnappy\b|\breal[\s-]?time\b|"
     # the answer said to appear fast: "answers should start appearing quickly", "replies need to show up right away"
     r"\b(?:answers?|replies|reply|responses?|words|tokens?|text|output)\s+(?:should|must|need\s+to|needs\s+to|have\s+to|"
     r"has\s+to|ought\s+to|to|will|would|gotta)?\s*(?:start|begin)?\s*(?:appearing|showing(?:\s+up)?|streaming|coming|"
     r"to\s+(?:appear|show(?:\s+up)?|stream|come)|show(?:\s+up)?|come|appear|arrive|stream)\s+(?:in\s+|back\s+|through\s+|"
     r"up\s+)?(?:very\s+|really\s+|super\s+)?(?:fast|quick(?:ly)?|right\s+away|immediately|instantly|straight\s+away|"
     r"promptly)\b|"
     r"\bas\s+fast\s+as\s+possible\b|\b(?:fast|quick|speedy|snappy)\s+(?:please|pls|plz)\b|\binstant(?:aneous|ly)?\b|\b(?:feel|be|start|respond|answer|reply)s?\s+"
     r"(?:very\s+|really\s+|super\s+)?(?:fast|quick|quickly|responsive|snappy)\b|\bfast\s+(?:first\s+)?"
     r"(?:answers?|responses?|replies|first\s+tokens?)\b|\b(?:optimi[sz]e|prioriti[sz]e)\s+(?:for\s+)?"
     r"(?:latency|speed)|\b(?:latency|speed)\s+first\b(?![\s_-]+(?:token|byte|response|word|chunk))|\bhighly\s+responsive\b|\bquick\s+(?:answers|responses)|"
     + _CARE + r"(?:latency|speed|response\s+times?)\b|"
     r"\b(?:latency|speed|responsiveness|response\s+times?|snappiness)" + _ABOVE_ALL),
    (Priority.COST, r"\bas\s+cheap(?:ly)?\s+as\s+possible\b|\bwhichever\s+(?:one\s+)?(?:is|comes\s+out|works\s+out|turns\s+out)\s+"
     r"(?:\w+\s+)?(?:cheaper|cheapest|less\s+expensive|lower[\s-]cost)\b|\bcheapest\s+(?:option|one|plan|setup|config\w*)\s+(?:please|pls|plz)\b|\b(?:give|show|get)\s+(?:me|us)\s+the\s+cheapest\b|\b(?:we|i)\s+(?:want|need)\s+the\s+cheapest\b|\bcheap(?:est)?\b(?!\s+(?:option|one|plan|config|[a-z]+s\b|"
     r"[a-z]+\s+[a-z]+s\b))|\bevery\s+(?:dollar|penny|cent|euro|pound)\s+(?:counts|matters)\b|\bbudget[\s-]"
     r"(?:conscious|constrained|sensitive)\b|\bon\s+a\s+(?:tight\s+)?budget\b|"
     r"\bcosts?\s+(?:matters?|is|are|counts?)\s+(?:way\s+|much\s+|a\s+lot\s+)?more\s+(?:important\s+)?than\b|"
     r"\b(?:cost|price)\s+over\s+(?:speed|latency|quality|performance)\b|"
     r"\b(?:budget|money)\s+is\s+(?:tight|limited|constrained|small|short)|\b(?:tight|limited|small|low|modest)\s+"
     r"budget\b|\bcosts?\s+(?:is\s+|are\s+|really\s+)?(?:matter(?:s|ed)?\s+)?(?:the\s+)?(?:most\s+important|critical|"
     r"crucial|key|paramount|everything|king|the\s+priority|a\s+priority|top\s+priority|matter(?:s|ed)?\s+most|most)|"
     r"\bminimi[sz]e\s+(?:the\s+)?(?:cost|spend|price)|\blowest\s+(?:cost|price)\b|\blow[\s-]cost\b|"
     r"\bcost[\s-](?:effective|efficient|conscious|sensitive)\b|\bsave\s+money\b|\b(?:optimi[sz]e|"
     r"prioriti[sz]e)\s+(?:for\s+)?(?:cost|price|spend)|\bcost\s+first\b|\bkeep\s+(?:the\s+)?costs?\s+"
     r"(?:down|low)|\bfrugal\b|\bon\s+a\s+shoestring\b|\bprice\s+(?:is|matters)\s+(?:most|key|critical)|"
     + _CARE + r"(?:costs?|price|money|spend(?:ing)?)\b|\b(?:costs?|price|the\s+bill|savings)" + _ABOVE_ALL),
    (Priority.QUALITY, r"\brather\s+(?:wait|be\s+slow\w*|take\s+longer)\b[^.;]{0,60}\bthan\s+(?:get|have|give|risk|see)\s+(?:a\s+|an\s+)?"
     r"(?:wrong|bad|incorrect|inaccurate|made[\s-]up|hallucinated)\b|"
     r"\b(?:quality|accuracy|correctness|answer\s+quality)\s+(?:matters?|is|counts?)\s+(?:way\s+|much\s+|"
     r"a\s+lot\s+|far\s+)?more\s+(?:important\s+)?than\b|\b(?:quality|accuracy)\s+over\s+(?:speed|latency|cost|"
     r"price)\b|\b(?:happy|willing|ok|okay|fine)\s+to\s+pay\s+more\b|\bdon'?t\s+skimp\b|\bsmart(?:er|est)\s+"
     r"(?:answers|model|responses)\b|\b(?:best|highest|top|maximum|max|great|excellent)\s+(?:possible\s+)?(?:quality|accuracy)"
     r"\b|\b(?:accuracy|quality|correctness)\s+(?:is\s+|really\s+)?(?:matter(?:s|ed)?\s+)?(?:the\s+)?(?:most\s+important|"
     r"critical|crucial|key|paramount|everything|king|the\s+priority|a\s+priority|top\s+priority|matters?\s+most|"
     r"most)|\bmost\s+(?:accurate|capable|intelligent|powerful)\b|\bsmartest\b|\bbest\s+(?:model|answers|results)"
     r"\b|\bhigh[\s-](?:quality|accuracy)\b|\b(?:optimi[sz]e|prioriti[sz]e)\s+(?:for\s+)?(?:quality|accuracy)|"
     r"\b(?:quality|accuracy)\s+first\b|\bcan'?t\s+(?:afford|tolerate)\s+(?:mistakes|errors|hallucinations)|"
     + _CARE + r"(?:(?:answer|output|response|result)s?\s+)?(?:quality|accuracy)\b|\b(?:quality|accuracy|correctness|answer\s+quality)" + _ABOVE_ALL),
    (Priority.BALANCED, r"\bbalanced?\b|\btrade[\s-]?off\b|\bmiddle\s+ground\b|\bgood\s+compromise\b|"
     r"\bbest\s+value\b|\bbang\s+for\s+(?:the\s+)?buck\b|\bvalue\s+for\s+money\b|\ba\s+bit\s+of\s+both\b"),
))
# Ranking constructions over the three measures: which one the sentence puts first, however the measure is named
# ("quality of answers is more important than speed", "speed > everything", "value for money comes first",
# "optimise for answer quality", "we prefer cheap over fast", "switch to cost priority", "cheap as possible").
_DIMENSION_WORDS = {
    "cost": r"costs?|price|pricing|money|spend(?:ing)?|cheap(?:ness|er|est)?|inexpensive|value\s+for\s+money|"
            r"savings|the\s+bill|budget",
    "latency": r"latency|speed|fast(?:ness|er|est)?|responsiveness|response\s+times?|quick(?:ness|er|est)?|"
               r"snappiness|snappy",
    "quality": r"quality|accuracy|correctness|accurate|smart(?:er|est)?|good\s+answers|precision",
}
_DIMENSION = {k: _re(rf"\b(?:{v})\b") for k, v in _DIMENSION_WORDS.items()}
_MEASURE = (r"(?:(?:the\s+)?(?:answer|output|response|model|result)s?\s+)?(?:" + "|".join(_DIMENSION_WORDS.values()) +
            # "the quality of the writing", "the speed of our replies": the measure of whatever the tool makes
            r")(?:\s+of\s+(?:the\s+|our\s+|its\s+|their\s+)?(?:answers?|outputs?|responses?|results?|the\s+model|"
            r"(?!everything|anything)[a-z-]+(?:ing|s)\b))?")
_OTHER = r"(?:" + "|".join(_DIMENSION_WORDS.values()) + r"|everything|anything|all(?:\s+else)?|the\s+rest)"
PRIORITY_RANKING = _re("|".join((
    rf"\b{_MEASURE}\s+(?:is\s+|are\s+|matters?\s+|counts?\s+)?(?:much\s+|way\s+|far\s+|a\s+lot\s+|even\s+)?"
    rf"(?:more\s+important|more|better|preferable|a\s+higher\s+priority|higher\s+priority)\s+"
    rf"(?:to\s+(?:us|me|them|the\s+\w+)\s+)?than\b",
    # the comparison's other side left to the context: "forget the budget, quality matters more"
    rf"\b{_MEASURE}\s+(?:(?:matters?|counts?)\s+(?:much\s+|way\s+|far\s+|a\s+lot\s+)?more|is\s+(?:much\s+|way\s+|far\s+)?"
    rf"more\s+important)\b(?!\s+than\b)(?=\s*(?:$|[.,;:!)]|now\b|to\s+(?:us|me)\b|here\b|for\s+(?:us|this)\b))",
    rf"\brather\s+(?:have\s+|get\s+|pay\s+for\s+|go\s+for\s+)?{_MEASURE}\s+than\b",
    rf"\b{_MEASURE}\s*(?:over|>+|before|beats?|trumps?|above)\s*{_OTHER}\b",
    rf"\b{_MEASURE}\s+(?:(?:comes?|goes)\s+first|first\b(?![\s_-]+(?:token|byte|response|word|chunk))|is\s+(?:what|all\s+that)\s+(?:really\s+)?matters|"
    rf"matters?\s+(?:the\s+)?most|is\s+(?:our|the|my)\s+(?:main|top|first|number\s+one|biggest|#\s?1|no\.?\s?1|"
    rf"single\s+most\s+important)\s+(?:priority|concern|goal|criterion|thing|requirement|factor|metric|ask))",
    rf"\b(?:optimi[sz]e|prioriti[sz]e|focus|tune|go|pick|choose|select|aim)\s+(?:\w+\s+)?(?:for|on)\s+(?:the\s+)?(?:best\s+|maximum\s+|"
    rf"max\s+|low(?:est)?\s+|high(?:est)?\s+)?{_MEASURE}\b",
    rf"\bprefer\s+(?:it\s+|things\s+)?{_MEASURE}\s+(?:over|to|rather\s+than|instead\s+of)\b",
    # the measure as the object of a verb of ranking ("we prioritise the quality of the writing"), or in a cleft
    # ("responsiveness is what we need to optimise for", "accuracy is the thing our lawyers care about")
    rf"\bprioriti[sz](?:e|es|ing)\s+(?:the\s+|our\s+|its\s+)?{_MEASURE}\b",
    rf"\b{_MEASURE}\s+(?:is|are)\s+(?:really\s+)?(?:what|the\s+(?:one\s+)?thing|all)\s+(?:that\s+)?(?:[\w']+\s+){{0,4}}?"
    rf"(?:optimi[sz]e[sd]?\s+for|cares?\s+about|focus(?:es)?\s+on|prioriti[sz]es?|matters|counts|worr(?:y|ies)\s+about|"
    rf"(?:are\s+|is\s+)?pay(?:ing)?\s+for|(?:are\s+)?(?:here\s+for|after)|value[sd]?|(?:want|need)(?!\s+to\b))\b",
    rf"\b{_MEASURE}\s+priority\b",
    rf"\bpriorit(?:y|ies)\s*(?:is\s+|should\s+be\s+|to\s+|=\s*|:\s*|now\s+|on\s+)+{_MEASURE}\b",
    rf"(?:^|[^\w\s]\s*|\b(?:as|and|but|it|keep|make|be)\s+){_MEASURE}\s+as\s+possible\b",
    # a numbered or ordered list of the measures: "what matters, in order: (1) answer quality, (2) latency, (3) cost"
    rf"\b(?:in\s+(?:this|that|the\s+following)?\s*order(?:\s+of\s+(?:importance|priority))?|ranked|by\s+priority|"
    rf"priorities)\s*[:—–-]\s*(?:[^a-z]{{0,12}}|first\s+|1st\s+)?{_MEASURE}\s*(?:[,;>]|then\b|\(?\s*2\b|\x01)",
)))


# every ranking construction has one of these words: a sentence without any is not searched (the search is costly)
RANKING_CUE = _re(r"than|over|order|ranked|>|before|beat|trump|above|first|matter|priorit|optimi|focus|tune|\bgo\b|\bpick\b|\bchoose\b|\bselect\b|\baim\b|prefer|possible|"
                  r"care|count|worry|\btop\b|main|biggest|m(?:ost|ore)\s+important|pay|after|value|want|need")


def ranked_first(phrase: str) -> tuple[str, int] | None:
    """(the priority a PRIORITY_RANKING match puts first, where its measure starts): the first measure named."""
    hits = [(m.start(), k) for k, pattern in _DIMENSION.items() if (m := pattern.search(phrase))]
    return (min(hits)[1], min(hits)[0]) if hits else None


# "switch the priority to cost", "priority: quality"
# the three measures weighed together: "a balance of cost, speed and quality", "a trade-off between price and
# latency", "don't optimise to an extreme"; said before what the clause predicates of one of them ("... quality is
# what we want" would read as quality)
PRIORITY_BALANCE = _re(rf"\b(?:balance|mix|compromise|trade[\s-]?off)\s+(?:of|between|across|among)\s+{_MEASURE}"
                       rf"(?:\s*,\s*{_MEASURE})*\s*,?\s*(?:and|&)\s+{_MEASURE}|\b(?:don'?t|do\s+not|not)\s+"
                       r"(?:want\s+to\s+)?optimi[sz]e\s+(?:\w+\s+)?(?:to|for)\s+(?:an?\s+|any\s+)?(?:extreme|one\s+"
                       r"(?:thing|dimension|side))")
PRIORITY_SET = _re(r"\b(?:priorit(?:y|ies)|prio)\s*(?:is\s+|should\s+be\s+|to\s+|=\s*|:\s*|now\s+)?(?:on\s+)?"
                   r"(cost|price|money|latency|speed|quality|accuracy|balanced?|balance)\b")
PRIORITY_WORDS = {"cost": "cost", "price": "cost", "money": "cost", "latency": "latency", "speed": "latency",
                  "quality": "quality", "accuracy": "quality", "balanced": "balanced", "balance": "balanced"}
PRIORITY_NEGATION = _re(r"(?:\b(?:not|no|don'?t|doesn'?t|isn'?t|no\s+need\s+for|never|without|forget(?:\s+about)?|"
                        r"never\s+mind|scratch|drop|enough\s+(?:with|of)|no\s+more)\s+(?:\w+\s+){0,2}$)|"
                        r"\b(?:doesn'?t|don'?t|needn'?t|does\s+not|do\s+not)\s+(?:have|need)\s+(?:it\s+|this\s+|that\s+|them\s+)?to\s+be\s+(?:the\s+)?$|"
                        r"\bneedn'?t\s+be\s+(?:the\s+)?$")
PRIORITY_NEGATION_AFTER = _re(r"^\s*(?:is\s+|are\s+)?(?:doesn'?t|does\s+not|don'?t|isn'?t|is\s+not|not)\s+"
                              r"(?:matter|important|a\s+(?:concern|priority|problem|factor)|critical|an\s+issue)")

# What a priority is said by besides naming it (one grammar for every measure, each clause read on its own):
# - the measure as the one that counts in a contrast: "money isn't the issue here - quality is", "cost doesn't
#   matter much; speed does";
# - a failure on the measure with what it costs the user: "if it's laggy at all, the agents will stop using it",
#   "a wrong answer costs us way more than any GPU", "when it lags, callers hang up";
# - spending as little as one can: "spend as little as possible", "keep the bill as low as we can".
_CONTRAST_LEAD = r"(?:[-,;:]|\bbut\b|\bwhereas\b)\s*(?:the\s+|what\s+(?:matters|counts)\s+is\s+)?"
_PAIN = {
    "latency": r"(?:laggy|lags?|lagging|slow(?:ly|ness)?|sluggish|takes?\s+(?:too\s+|so\s+)?long|delays?|"
               r"spinn(?:er|ing)|waits?\s+(?:too\s+|so\s+)?long|stutters?)",
    "quality": r"(?:(?:a\s+|one\s+|any\s+)?(?:wrong|incorrect|inaccurate|made[\s-]up|hallucinated)\s+[a-z-]+|bad\s+(?:answers?|"
               r"outputs?|summar(?:y|ies)|translations?|advice|results?)|mistakes?|hallucinat(?:ions?|es|ing)|(?:an\s+)?errors?\s+in\s+(?:the\s+)?"
               r"(?:answers?|outputs?))",
}
_CONSEQUENCE = (r"(?:stop\s+using|bounce[sd]?|drop\s+off|close\s+the\s+(?:tab|app|window)|give\s+up|gives?\s+up|abandon\w*|won'?t\s+(?:use|wait|bother|touch)|hang\s+up|"
                r"hangs\s+up|complain\w*|churn\w*|walk\s+away|(?:will|would)\s+leave|lose\s+(?:us\s+)?(?:them|customers|"
                r"clients|users|patience|trust)|costs?\s+us|(?:way|far|much)\s+more\s+than|worse\s+than|kills?\s+"
                r"(?:us|it|adoption)|get\s+us\s+sued|sued|lawsuits?|liabilit(?:y|ies)|fines?|unacceptable|can'?t\s+"
                r"afford|deal[\s-]?breaker|ruins?|useless|nobody\s+(?:will\s+)?use)")


def _signals(kind: str) -> str:
    said = [rf"(?:{_CONTRAST_LEAD}|^\W*)(?:{_DIMENSION_WORDS[kind]})\s+(?:is|are|does|do|matters?|counts?)\s*(?:[.!,;)]|$)"]
    if kind in _PAIN:
        said.append(rf"\b{_PAIN[kind]}\b[^.;!?]{{0,80}}?\b{_CONSEQUENCE}|\b{_CONSEQUENCE}\b[^.;!?]{{0,60}}?"
                    rf"\b(?:when|if|whenever|because|once|as\s+soon\s+as|the\s+(?:second|moment|minute|instant))\b[^.;!?]{{0,40}}?"
                    rf"\b{_PAIN[kind]}\b")
    if kind == "cost":
        said.append(r"\b(?:spend(?:ing)?|pay(?:ing)?|costs?|the\s+bill|our\s+bill|budget|spend)\s+(?:\w+\s+){0,2}?as\s+"
                    r"(?:little|low|small|cheap)\s+as\s+(?:(?:is\s+)?(?:humanly\s+)?(?:possible|feasible|reasonable|sensible)|"
                    r"(?:we|you|i|they|one)\s+(?:possibly\s+|reasonably\s+|realistically\s+)?can)\b")
    return "|".join(said)


# (priority, pattern): read after PRIORITY_SET and with the word tables of PRIORITIES (the first said wins)
PRIORITY_SIGNALS: tuple[tuple[Priority, re.Pattern], ...] = tuple(
    (Priority(k), _re(_signals(k))) for k in ("cost", "latency", "quality"))

# ------------------------------------------------------------------ precision (bf16 first: "not quantized")
PRECISIONS: tuple[tuple[Precision, re.Pattern], ...] = tuple((v, _re(p)) for v, p in (
    (Precision.BF16, r"\bbf16\b|\bbfloat16\b|\bfp16\b|\bfloat16\b|\bhalf[\s-]precision\b|\bfull[\s-]precision\b|"
     r"\bunquantized\b|\bun-quantized\b|\bnon-quantized\b|\bno\s+quantization\b|\bnot\s+quantized\b|"
     r"\bwithout\s+quantization\b|\bdon'?t\s+quantize\b|\boriginal\s+weights\b|\bnative\s+precision\b|"
     r"\b16[\s-]?bit\b"),
    (Precision.FP8, r"\bfp8\b|\bfloat8\b|\b8[\s-]?bit\s+float(?:ing[\s-]point)?\b|\be4m3\b"),
    (Precision.FP4, r"\b(?:nv|mx)?fp4\b|\b4[\s-]?bit\s+float(?:ing[\s-]point)?\b"),
    (Precision.INT8, r"\bint8\b|\bw8a8\b|\b8[\s-]?bit\b"),
    # (quantization the noun names the practice, not a precision: "our DS team is paranoid about quantization")
    (Precision.INT4, r"\bint4\b|\bw4a16\b|\b4[\s-]?bit\b|\bawq\b|\bgptq\b|\bquanti[sz](?:ed|e|ing)\b"),
))

# ------------------------------------------------------------------ cost model, cold starts
# goods a team buys that are no GPUs: "we just bought 60 laptops" owns no serving hardware, "a $3,200 MacBook Pro" is
# no budget (budgets.py)
GOODS = (r"laptops?|macbooks?|notebooks?|computers?|pcs?|desktops?|workstations?|phones?|iphones?|smartphones?|"
         r"tablets?|ipads?|monitors?|screens?|desks?|chairs?|cars?|vans?|headsets?|keyboards?|printers?|"
         r"tickets?|flights?|dinners?|lunch(?:es)?|coffees?|offsites?|bonus(?:es)?|salar(?:y|ies)|raises?")
COST_MODELS: tuple[tuple[CostModel, re.Pattern], ...] = tuple((v, _re(p)) for v, p in (
    (CostModel.PURCHASE, r"\b(?:plan|planning|going|want|wants|need|looking|intend|considering|approved|thinking)\s+"
     r"(?:\w+\s+){0,2}(?:to|about|of)\s+(?:buy|buying|purchase|purchasing|acquire)\b|\bcapex\b[^.;]{0,40}\b"
     r"(?:purchase|buy)|\b(?:buy|purchase)\s+(?:the\s+|our\s+own\s+|our\s+)?(?:\w+\s+)?(?:gpus?|§+|hardware|"
     r"servers?|cards|nodes|machines|them|it)\b|\b(?:buy|buying|purchase|purchasing)\s+(?:\w+\s+){0,2}(?:gpus?|§+|hardware|"
     r"servers?|cards|nodes|machines)\b|\bcapex\b|\bup[\s-]?front\s+(?:purchase|investment)\b|"
     # the hardware's cost spread over years, or the plan costed as a purchase: "amortise it over 3 years"
     r"\bamorti[sz](?:e|es|ed|ing|ation)\b|\b(?:plan|treat|cost|price|model)\s+(?:it|this|that)\s+as\s+(?:a\s+)?(?:purchase|buy)\b|"
     # buying weighed against renting, or its case asked for: "we're weighing buying it vs renting", "show me the
     # purchase case"
     r"\b(?:weigh\w*|consider\w*|evaluat\w*|compar\w*|decid\w*|debat\w*)\s+(?:between\s+|whether\s+to\s+)?(?:buy|buying|"
     r"purchas\w*)\b|\b(?:purchase|buying|buy)\s+case\b"),
    (CostModel.OWNED, r"\b(?:we|i|company)\s+(?:already\s+)?own(?:ed)?\b|\bowned\s+(?:outright|by\s+us)\b|"
     # hardware said to be the organisation's own: "2 nodes x 8x H100 (company-owned, DC-2)" (not "a self-owned
     # subsidiary")
     r"\b(?:company|self)[\s-]owned\b(?!\s+(?:subsidiar\w+|compan\w+|business\w*|firms?|enterprises?))|"
     # hardware an organisation already owns, said of it: "hosted on hardware it already owns", "servers the bank owns"
     r"\b(?:hardware|servers|gpus|machines|nodes|cluster)\s+(?:that\s+|which\s+)?(?:it|they|the\s+[\w-]+(?:\s+[\w-]+)?)\s+"
     r"(?:already\s+)?owns\b|\bour\s+own\s+(?:[\w-]+\s+){0,2}(?:gpus?|§+|hardware|"
     r"servers|data\s?cent(?:er|re)|rechenzentrum|clusters?|nodes|machines|boxes|racks|supercomputer)|\bon[\s-]?prem(?:ise|ises)?\b|\bin\s+(?:our\s+)?"
     # (or named by its city: "16 H100 SXM in the Frankfurt DC")
     r"(?:own\s+|the\s+[A-Za-z]+\s+)?(?:data\s?cent(?:er|re)|dc|racks?|colo(?:cation)?(?:\s+(?:space|facility|cage))?)\b|\b(?:fully|already|all)\s+"
     r"paid\s+(?:off|for)\b|"
     # hardware delivered to the team, or said to be theirs for this work: "we took delivery of one DGX B200", "it's
     # paid for and it's ours", "the fourth is ours for inference"
     r"\b(?:took|taken|take|taking)\s+delivery\s+of\b|\bit'?s\s+paid\s+for\b|\b(?:it'?s|it\s+is)\s+ours\b(?!\s+to\s+decide)|"
     r"\b(?:is|are)\s+ours\s+(?:for|to\s+use)\b|"
     # the cloud ruled out, or the cards said to be the team's after their name: "no cloud", "A10G cards we have 4"
     r"\bno\s+cloud\b|\bnot\s+(?:in\s+)?the\s+cloud\b|\bwithout\s+(?:the\s+|any\s+)?cloud\b|"
     r"(?:§+|gpus?|cards)\s+(?:that\s+)?we\s+(?:already\s+)?(?:have|own|got)\b(?!\s+(?:quota|access|credits?))|\bwe\s+(?:already\s+|just\s+)?(?:bought|purchased)\b(?![^.;]{0,30}\b(?:" + GOODS + r")\b)|"
     r"\balready\s+(?:have|got|own)\s+[^.;]{0,30}(?:gpus?|§|cards|hardware|cluster|servers)|\bowned\s+"
     r"(?:gpus?|hardware|§)|\bexisting\s+(?:[\w-]+\s+){0,2}?(?:gpus?|hardware|cluster|§+|cards|servers|nodes|boxes)|"
     r"\bself[\s-]hosted\s+hardware\b|\bin[\s-]house\b(?!\s+(?:[a-z-]+\s+)?(?:translators?|developers?|devs?|engineers?|"
     r"teams?|staff|lawyers?|counsel|legal|experts?|writers?|designers?|analysts?|talent|people|employees?|"
     r"specialists?|researchers?|linguists?|editors?|reviewers?|agents?|team\s+members?|apps?|tools?|software|"
     r"knowledge|documents?|docs|content|expertise|skills?|training))|\b(?:in|from)\s+(?:our|the)\s+(?:render\s+farm|basement|server\s+room)\b|"
     r"\brepurpose\b|"
     # hardware said bought, or left over from other work: "one HGX box with 8x A100 80GB, bought in 2023", "six L4s
     # left over from a cancelled project"
     r"(?:§+|gpus?|cards|servers|nodes|hardware|box(?:es)?)\b[^.;]{0,40}?,?\s*(?:bought|purchased|acquired)\s+(?:in|last|"
     r"back\s+in|two|three|a\s+(?:year|few))\b|(?:§+|gpus?|cards|servers|boxes)\s+(?:left\s*over|leftover)\b|"
     # a data centre of theirs named by its place ("in our Frankfurt DC"), cards idle or given to the team ("4 L40 cards
     # idle in the lab", "we were given 8 MI300X accelerators by central IT")
     r"\bin\s+our\s+(?:[a-z-]+\s+){1,2}?(?:data\s?cent(?:er|re)|dc)\b|"
     r"(?:§+|gpus?|cards|accelerators)\s+(?:\w+\s+){0,2}?(?:(?:sitting\s+)?idle|sitting\s+(?:around|unused|in)|spare|"
     r"unused|lying\s+around|gathering\s+dust)\b|"
     r"\b(?:we|i)\s+(?:were|was|have\s+been|got|'ve\s+been)\s+(?:given|donated|gifted|handed)\s+[^.;]{0,30}?"
     r"(?:§+|gpus?|cards|accelerators|servers)|"
     # the hardware said to be theirs after it: "4x A10G (owned)", "the L40S boxes, which we own", "paid off"
     r"(?:§+|gpus?|cards|servers|nodes|hardware|boxes)\s*(?:\(\s*|,\s*)?(?:which\s+|that\s+)?(?:are\s+|is\s+)?"
     r"(?:owned|ours|we\s+own|already\s+paid\s+for|paid\s+off)\b|"
     # said of several machines or a list at once: "..., both ours", "all of them are ours", "they're all owned by us"
     r"\b(?:both|all|each)\s+(?:of\s+(?:them|those|these)\s+)?(?:are\s+|is\s+)?(?:ours|owned(?:\s+by\s+us)?)\b(?!\s+to\b)|"
     # the cards named as the team's own: "on our 2 L4s", "sixteen cards in the lab, ours" (not a cloud's: "our 8 H100s
     # on AWS" rents them)
     r"\bour\s+(?:\d+|two|three|four|six|eight|twelve|sixteen)\s*x?\s*§+(?![^.;]{0,40}\b(?:aws|gcp|azure|cloud|rent\w*|"
     r"reserved|leased?|spot|provider))|(?:§+|gpus?|cards|servers|nodes|boxes|lab)\s*(?:\w+\s+){0,3}?,\s*ours\b(?!\s+to\b)|"
     r"\bin\s+our\s+(?:own\s+)?lab\b|"
     r"\b(?:they'?re|they\s+are|these\s+are|those\s+are)\s+(?:all\s+|both\s+)?(?:ours|owned\s+by\s+us)\b(?!\s+to\b)"),
    (CostModel.CLOUD, r"\b(?:rent|renting|rented|rental)\b|\b(?:in|on|from)\s+the\s+cloud\b|\bcloud\s+(?:gpus?|"
     # the plan put on the cloud: "please plan on cloud instead", "go cloud", "run it on cloud"
     r"hosting|instead)\b|\b(?:plan|go|run|host|deploy|move|switch)\s+(?:it\s+|this\s+|everything\s+)?(?:(?:on|in|to)\s+)?cloud\b|"
     r"\bcloud\s+(?:gpus?|"
     r"providers?|instances?|rental|vms?)\b|\b(?:aws|gcp|azure|google\s+cloud|coreweave|lambda\s+labs|"
     r"oracle\s+cloud|oci)\b|\bon[\s-]demand\b|\bpay[\s-]as[\s-]you[\s-]go\b|\bopex\b"),
))
PRICE_TIERS: tuple[tuple[PriceTier, re.Pattern], ...] = tuple((v, _re(p)) for v, p in (
    # "spot" the tier, not the verb ("should spot errors"): said of capacity, or standing on its own
    (PriceTier.SPOT, r"\bspot(?:[\s-]+(?:instances?|vms?|nodes?|gpus?|pricing|prices?|capacity|market|tier))\b|"
     r"\bspot\b(?=\s*(?:is|are|fine|ok|okay|allowed|too|please|only|works?|would|could|[,.;:!?)]|$))|"
     r"\b(?:on|use|using|allow|with|via|prefer|try|run\s+on|go|do|doing|want|need|take|pick|choose)\s+spot\b|\bpreemptible\b|"
     r"\binterruptible\b|\bpre-emptible\b"),
    (PriceTier.RESERVED_1Y, r"\b(?:(?:1|one)[\s-]*(?:year|yr)|12[\s-]*months?|twelve[\s-]*months?)\s+(?:reserved|reservation|"
     r"commit(?:ment|ted)?|term|contract|deal|lease)\b|\breserved\s+(?:instances?|capacity|pricing|commitment|for\s+(?:a|one|1)\s+year)\b|"
     # "reserved" alone is the tier, but not what is reserved for someone ("one box is reserved for the vision team")
     r"\breserved\b(?!\s+(?:for|by|to)\s+(?!(?:a|one|1)[\s-]+(?:year|yr)))|"
     r"\bcommitted[\s-]use\b|\bsavings\s+plan\b|\b(?:annual|yearly)\s+commit(?:ment)?\b|"
     # the verb: "we'll reserve capacity for a year", "happy to commit to a year", "reserving the GPUs"
     r"\breserv(?:e|ing)\s+(?:the\s+|our\s+|some\s+)?(?:capacity|instances?|gpus?|nodes?|hardware|§+|it|them)\b|"
     r"\bcommit(?:ting)?\s+(?:to\s+)?(?:a|one|1)[\s-]*(?:year|yr)\b"),
    (PriceTier.ON_DEMAND, r"\bon[\s-]demand\s+(?:pricing|instances?|rates?|prices?|only|capacity|please|instead|then)\b|"
     # the tier chosen by a verb of choosing ("back to on-demand", "stick with on-demand", "switch to on demand")
     r"\b(?:back\s+to|switch\w*\s+(?:back\s+)?to|go(?:ing)?\s+(?:back\s+)?(?:to|with)|use|using|stick\s+(?:with|to)|"
     r"stay(?:\s+(?:on|with))?|keep\s+(?:it\s+)?(?:on|with)|move\s+(?:back\s+)?to|prefer|revert\s+to|make\s+(?:it|that|them)|change\s+(?:it\s+)?to|"
     r"set\s+(?:it\s+)?to|(?:has|have|needs?)\s+to\s+be|must\s+be|should\s+be)\s+(?:regular\s+|normal\s+|plain\s+)?on[\s-]demand\b|"
     r"\b(?:only|normal|regular|standard)\s+on[\s-]demand\b|\bpay[\s-]as[\s-]you[\s-]go\b"),
))
COST_NEGATION = _re(r"\b(?:not|don'?t|doesn'?t|never|no|nothing|none|without|won'?t|can'?t|cannot|rather\s+than|instead\s+of|"
                    r"than)\s+(?:\w+\s+){0,2}$")
# a way of paying ruled out after it is named: "rental isn't an option for us", "renting is off the table"
COST_NEGATION_AFTER = _re(r"\s*(?:\w+\s+)?(?:(?:is|are|was|'s)(?:\s+not|n'?t)\s+(?:an?\s+|really\s+an?\s+)?(?:option|possible|allowed|"
                          r"available|approved|acceptable)|(?:is|are|'s)\s+(?:off\s+the\s+table|out\s+of\s+the\s+question|ruled\s+out|"
                          r"not\s+allowed|a\s+no[\s-]go|forbidden|banned))")

COLD_START_OFF = _re(
    r"\bno\s+cold\s+starts?\b|\b(?:always|24/7)\s+(?:on|warm|available|up|running)\b(?!\s+(?:rest|leave|holiday|vacation|call|duty|shift|site|the\s+road|days?|nights?|weekends?))|\bnever\s+scale\s+to\s+zero\b|"
    r"\b(?:can'?t|cannot|must\s+not|mustn'?t|shouldn'?t|should\s+not|don'?t\s+want\s+to|do\s+not\s+want\s+to)\s+"
    r"(?:\w+\s+)?(?:scale\s+to\s+zero|have\s+cold\s+starts?|tolerate\s+cold\s+starts?|sleep)|\bcold\s+starts?\s+"
    r"(?:is|are)\s+(?:not\s+(?:ok|okay|acceptable|fine)|unacceptable|a\s+problem|a\s+no[\s-]go)|\bkeep\s+(?:it\s+)?"
    r"warm\b|\b(?:no|avoid|without)\s+scal(?:e|ing)[\s-]to[\s-]zero\b|"
    # the cold start described before it is refused ("a cold start where somebody waits for a pod to boot is not
    # acceptable"), and a replica kept up ("keep at least one replica up at all times")
    r"\bcold\s+starts?\b[^.;!?]{0,80}?\b(?:is|are|'s)\s+(?:not\s+(?:ok|okay|acceptable|fine|allowed)|unacceptable|"
    r"a\s+no[\s-]go)|\bkeep\s+(?:at\s+least\s+)?(?:one|a|a\s+single)\s+(?:replica|pod|instance|copy|server)\s+"
    r"(?:up|running|warm|alive|on)\b|"
    # the scaling or the sleep forbidden, with its object: "never scale it to zero", "don't let it go to sleep"
    r"\b(?:never|don'?t|do\s+not|must\s+not|mustn'?t|shouldn'?t|should\s+not|can'?t|cannot|won'?t)\s+(?:ever\s+)?"
    r"(?:(?:let|have)\s+(?:it|them|the\s+\w+)\s+)?(?:scale|scaling)\s+(?:it\s+|them\s+|this\s+|that\s+|anything\s+)?(?:down\s+)?"
    r"to\s+(?:zero|0|nothing)\b|\b(?:never|don'?t|do\s+not)\s+(?:ever\s+)?let\s+(?:it|them|the\s+\w+)\s+"
    r"(?:go\s+to\s+)?sleep\b|"
    # "it must never shut down or take time to wake up", "it can't ever go to sleep"
    r"\b(?:must|should|can|may)\s*(?:never|not|n'?t)\s+(?:ever\s+)?(?:shut\s+(?:down|off)|sleep|go\s+to\s+sleep|spin\s+down|"
    r"turn\s+off|take\s+(?:any\s+)?time\s+to\s+(?:wake|warm|start))\b")
COLD_START_ON = _re(
    r"\bscal(?:e|es|ed|ing)\s+(?:it\s+|them\s+)?(?:down\s+)?to\s+(?:zero|nothing|0)\b|\b(?:go|goes|going|put\s+it|send\s+it)\s+to\s+"
    r"sleep\b|\bsleep\s+when\s+(?:idle|unused|quiet)|"
    # the sleep said to be fine, with the wake-up after it: "fine if it sleeps when no one's using it and takes a
    # minute to wake up" (the minute is the wake-up, no latency target)
    r"\b(?:fine|ok|okay|acceptable|no\s+problem|not\s+a\s+problem|alright|happy|don'?t\s+mind)\s+(?:if|that|when)\s+"
    r"(?:it|they|the\s+(?:bot|model|tool|service|server|gpus?|app))\s+(?:sleeps?|goes\s+to\s+sleep|go\s+to\s+sleep|"
    r"idles?|shuts?\s+(?:down|off)|spins?\s+down|turns?\s+off|scales?\s+(?:down\s+)?to\s+(?:zero|0|nothing))\b"
    r"(?:[^.;!?]{0,60}?\b(?:wake|start|spin|warm|boot|load|come)s?[\s-]?up\b)?|\bslow\s+(?:first|initial)\s+(?:answer|request|response|reply|call)s?\s+"
    r"(?:after\s+[\w\s]{1,20}?\s+)?(?:is|are)\s+(?:fine|ok|okay|acceptable|not\s+a\s+problem)\b|\bscale[\s-]to[\s-]zero\b|\bcold\s+starts?\b[^.;!?]{0,60}?\b(?:is|are|'s)\s+"
    r"(?:ok|okay|fine|acceptable|not\s+a\s+problem|no\s+problem)|\b(?:ok|okay|fine)\s+(?:with|to\s+have)\s+cold\s+"
    r"starts?|\bcan\s+(?:sleep|be\s+idle|shut\s+down|turn\s+off|spin\s+down|be\s+(?:switched|turned|shut)\s+"
    r"(?:off|down))\b|\b(?:switch|turn|shut)(?:ed)?\s+(?:them\s+|it\s+)?(?:off|down)\s+(?:(?:completely|entirely|fully)\s+)?"
    r"(?:when|if|while|overnight|at\s+night|outside)\b|\bspin\s+down\s+(?:at\s+night|when\s+"
    r"idle)|\bidle\s+at\s+night\b|\bserverless\b|"
    # a slow start said to be acceptable: "fine if it takes a minute to wake up", "ok if the first request is slow
    # after a quiet night", "a warm-up delay in the morning is fine"
    r"\b(?:fine|ok|okay|acceptable|no\s+problem|not\s+a\s+problem|alright|happy|don'?t\s+mind)\s+(?:if|that|when)\s+"
    r"(?:it|the\s+(?:first\s+)?(?:request|call|answer|one|question|query|message|chat)(?:\s+of\s+the\s+(?:day|morning))?|"
    r"things|the\s+bot|the\s+model)\s+(?:takes|needs|is\s+slow|"
    r"has\s+to)\b[^.;!?]{0,40}?\b(?:to\s+)?(?:wake|start|spin|warm|boot|load|come\s+up)|\b(?:wake|warm|spin)[\s-]?up\s+"
    r"(?:time|delay|period)s?\s+(?:is|are)\s+(?:fine|ok|okay|acceptable)|"
    # idle hardware refused: "we just don't want to pay for idle GPUs"
    r"\b(?:don'?t|do\s+not|won'?t)\s+(?:want\s+to\s+)?pay\s+for\s+idle\b")

# ------------------------------------------------------------------ retractions ("no budget limit", "any GPU")
# "drop the GPU restriction", "lift our model requirement"
_LIFT = (r"\b(?:drop|remove|lift|forget|ignore|clear|scrap|scratch|delete|get\s+rid\s+of|kill|axe|ditch|waive|"
         r"lose|bin)\s+(?:about\s+)?"
         r"(?:the\s+|that\s+|our\s+|my\s+|every\s+|all\s+(?:the\s+)?|any\s+)?")
_RESTRICTION = r"(?:restrictions?|constraints?|limits?|limitations?|requirements?|preferences?)\b"
LIFT, RESTRICTION = _LIFT, _RESTRICTION
CLEARS: tuple[tuple[tuple[str, ...], re.Pattern], ...] = tuple((f, _re(p)) for f, p in (
    # the batch job withdrawn: "scratch the overnight part", "forget the batch idea, people will wait for it"
    (("experience_class", "window_hours", "window_requests"),
     r"\b(?:forget|drop|remove|ignore|scrap|scratch|kill|ditch|bin|cancel|lose|no\s+more)\s+(?:about\s+)?(?:the\s+|that\s+|our\s+)?"
     r"(?:overnight|nightly|batch|offline|night[\s-]time)\s*(?:part|bit|thing|idea|mode|job|run|window|stuff|plan|piece)?\b"),
    (("budget_monthly_usd",), r"\bno\s+(?:budget|spending|cost)\s*(?:limit|cap|constraint|ceiling|restriction)s?\b|"
     r"\b(?:forget|drop|remove|ignore|scrap|scratch|clear|lift|delete|kill|axe|ditch|waive|lose|bin)\s+(?:about\s+)?"
     r"(?:the\s+|my\s+|our\s+|that\s+)?budget\b(?!\s+(?:down\s+)?(?:to|by)\b)|"  # "drop the budget to 5k" lowers it
     r"\bbudget\s+(?:is\s+)?(?:unlimited|no\s+object|(?:not|no\s+longer)\s+an?\s+(?:concern|constraint|problem|issue|"
     r"limit(?:ation)?|factor)|"
     r"irrelevant|not\s+an\s+issue)|\bbudget\s+(?:doesn'?t|does\s+not|won'?t|shouldn'?t)\s+(?:really\s+)?matter\b|\bmoney\s+is\s+no\s+object\b|\bunlimited\s+budget\b|\bno\s+limit\s+on\s+"
     r"(?:the\s+)?(?:budget|spend|cost)|\bany\s+budget\b|\bno\s+budget\b|"
     # no number given yet: "no set budget yet", "haven't been given a number for this one"
     r"\bno\s+(?:set\s+|fixed\s+|firm\s+)?budget\s+yet\b|\bhaven'?t\s+been\s+given\s+a\s+(?:number|budget)\b"),
    (("gpus", "exclude_gpus"), r"\bno\s+gpu\s+(?:preference|constraints?|restrictions?)\b|" + _LIFT +
     r"(?:gpu|hardware)\s+" + _RESTRICTION + r"|\b(?:any|all)\s+gpus?\s+(?:is|are)\s+(?:fine|ok|okay|allowed)\s+"
     r"(?:again|now)\b"),
    # a limit on the number of GPUs ("there's no GPU limit", "drop the GPU cap", "no limit on GPUs")
    # one grammar: [lift | no] + the limit named by its noun (limit, cap, max...) and the GPUs, either way round,
    # with or without the number it was ("scratch the 2 GPU limit", "no limit on GPU count any more", "forget the
    # limit of 4 GPUs"), or the count said unlimited ("the GPU count is no longer limited", "as many GPUs as it takes")
    (("max_gpus",), r"(?:" + _LIFT + r"|\bno\s+(?:more\s+)?|\bthere'?s\s+no\s+(?:longer\s+an?\s+)?)(?:(?:\d+|one|two|"
     r"three|four|eight)[\s-]*)?(?:gpu|card|hardware)s?[\s-]+(?:count\s+|number\s+)?(?:limits?|caps?|maximum|"
     r"ceiling|quota)\b|(?:" + _LIFT + r"|\bno\s+|\bthere'?s\s+no\s+)(?:limit|cap|maximum|ceiling|quota|"
     r"restriction)s?\s+(?:of|on|for)\s+(?:\d+\s+)?(?:the\s+)?(?:number\s+of\s+|count\s+of\s+)?(?:gpu|card)s?"
     r"(?:\s+(?:count|number))?\b|\b(?:gpu|card)s?\s+(?:count|number)\s+(?:is\s+)?(?:no\s+longer|not|isn'?t|un)[\s-]*"
     r"(?:limited|capped|restricted|constrained)\b|"
     r"\b(?:as\s+many|any\s+number\s+of)\s+(?:gpus|cards)\s+as\s+(?:needed|necessary|you\s+like|we\s+need|it\s+takes|"
     r"required|you\s+want)\b"),
    # "scratch the L4 restriction": the GPUs named in it (masked) are what is lifted
    (("gpus", "exclude_gpus"), _LIFT + r"(?:§+\s+)+(?:only\s+)?" + _RESTRICTION),
    (("gpus",), r"(?<!than\s)\bany\s+(?:gpu|hardware|accelerator|card)s?\b(?!\s+(?:ever|will|would|could))|"
     r"\b(?:don'?t|do\s+not|no\s+need\s+to|never)\s+(?:restrict|limit|constrain|narrow)\s+(?:the\s+|our\s+)?"
     r"(?:gpus?|hardware|cards?)\b|\bwhatever\s+(?:gpu|hardware)s?\b|"
     r"\bgpus?\s+(?:doesn'?t|don'?t)\s+matter|\bdon'?t\s+care\s+(?:about|which)\s+(?:the\s+)?gpus?\b"),
    (("models",), r"\bany\s+models?\b|\bwhatever\s+model\b|\bno\s+model\s+(?:preference|constraints?)\b|"
     r"\bmodels?\s+(?:doesn'?t|don'?t)\s+matter|\bdon'?t\s+care\s+(?:about|which)\s+(?:the\s+)?models?\b|"
     + _LIFT + r"model\s+" + _RESTRICTION),
    (("precision",), r"\b(?:any|whatever|whichever)\s+precision\b|\bprecision\s+(?:doesn'?t|does\s+not)\s+matter\b|"
     + _LIFT + r"(?:precision|quantization)\s+" + _RESTRICTION),
    # one latency target withdrawn: "drop the ITL target", "no TTFT requirement", "forget the end-to-end limit"
    *(((field,), rf"\b(?:no|without)\s+(?:an?\s+)?(?:p95\s+)?(?:{name})\s+(?:requirements?|targets?|constraints?|slos?|limits?|"
                 rf"goals?)\b|" + _LIFT + rf"(?:p95\s+)?(?:{name})\s+(?:requirements?|targets?|constraints?|slos?|limits?|goals?)\b|"
                 rf"\b(?:{name})\s+(?:doesn'?t|does\s+not)\s+matter\b")
      for field, name in (("ttft_p95_ms", r"ttft|time[\s-]to[\s-]first[\s-]token|first[\s-]token(?:\s+latency)?"),
                          ("itl_p95_ms", r"itl|tpot|inter[\s-]?token(?:\s+latency)?|per[\s-]token(?:\s+latency)?"),
                          ("e2e_p95_ms", r"e2e|end[\s-]to[\s-]end(?:\s+latency)?"))),
    (("ttft_p95_ms", "itl_p95_ms", "e2e_p95_ms"), r"\bno\s+latency\s+(?:requirements?|targets?|constraints?|slos?)|"
     + _LIFT + r"latency\s+(?:requirements?|targets?|constraints?|slos?|limits?|thing|stuff|bit|part|numbers?)|"
     r"\blatency\s+(?:doesn'?t|does\s+not)\s+matter\b|\b(?:" + LATENCY_UNIMPORTANT + r")\b"),
    # a preference disowned: "we're not attached to that model or GPU at all", "not tied to the hardware"
    (("models",), r"\b(?:not|n'?t)\s+(?:really\s+|at\s+all\s+)?(?:attached|tied|married|wedded|committed)\s+to\s+(?:that|the|this|"
     r"any|our)\s+(?:(?:gpu|hardware|card)\s+or\s+(?:the\s+)?)?models?\b"),
    (("gpus",), r"\b(?:not|n'?t)\s+(?:really\s+|at\s+all\s+)?(?:attached|tied|married|wedded|committed)\s+to\s+(?:that|the|this|"
     r"any|our)\s+(?:models?\s+or\s+(?:the\s+)?)?(?:gpus?|hardware|cards?)\b"),
    # the rate said before withdrawn: "forget the rate, that number included bot traffic", "drop the measured rate"
    (("rps", "peak_rps"), _LIFT + r"(?:measured\s+|request\s+|traffic\s+)?rates?\b(?!\s+(?:down\s+)?(?:to|by|limit)\b)|"
     + _LIFT + r"(?:req(?:uest)?s?/s|rps|qps)(?:\s+(?:figures?|numbers?|estimates?|values?))?\b(?!\s+(?:down\s+)?(?:to|by)\b)"),
    (("namespace",), r"\b(?:any|whatever)\s+namespace\b|\bnamespace\s+(?:doesn'?t|does\s+not)\s+matter\b"),
))
