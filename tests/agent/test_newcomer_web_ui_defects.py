"""What a newcomer found trying the web UI (round 21), each as the class of message or state it belongs to: the
deployment asked about or asked to be stopped; "approve" typed with nothing waiting; an answer said to appear fast; a
hint of another use case in a later turn; a length said "in" sentences after an output noun; how many owned GPUs
there are; why a model needs the GPUs it has."""

from __future__ import annotations

import pytest

from agent.answer import deployment_status
from agent.clarify import follow_up
from agent.offline.questions import why_targets
from agent.offline.reading import read_message
from agent.spec_update import apply_acts
from agent.state import AgentState, Deployment
from knowledge.domain import DeploymentSpec
from tests.agent.reader_helpers import CATALOG, read


def acts_of(text: str, spec: DeploymentSpec | None = None) -> list[str]:
    spec = spec or DeploymentSpec()
    return [getattr(a, "act", type(a).__name__) for a in read_message(text, CATALOG, spec=spec,
                                                                       state=AgentState(spec=spec)).acts]


@pytest.mark.parametrize("text", ["stop the deployment", "how do I stop it?", "is my deployment still running?",
                                  "tear down the endpoint please", "deployment status?"])
def test_the_deployment_asked_about_or_to_be_stopped(text):
    assert acts_of(text) == ["deployment_status"]


@pytest.mark.parametrize("text", ["we want to deploy a chatbot for 500 users", "are they running vLLM today?",
                                  "stop sending me the whole table"])
def test_other_messages_are_not_about_the_deployment(text):
    assert "deployment_status" not in acts_of(text)


def _deployment(**values) -> Deployment:
    return Deployment(**{"option": 1, "target": "local", "namespace": "compass", "name": "compass-gpt-oss-20b",
                         "status": "applied", **values})


def test_the_deployment_status_says_its_id_and_the_command_that_stops_it():
    text = deployment_status(_deployment(deployment_id="compass-gpt-oss-20b-6168b8e5",
                                         endpoint="http://127.0.0.1:8600/v1"))
    assert "`compass deploy stop compass-gpt-oss-20b-6168b8e5`" in text and "http://127.0.0.1:8600/v1" in text
    assert "Nothing has been deployed" in deployment_status(None)
    assert "nothing of it runs" in deployment_status(_deployment(status="rejected"))
    assert "kubectl" not in deployment_status(_deployment(target="kserve"))  # no command it cannot name in full


@pytest.mark.parametrize("text", ["approve", "Approved!", "i approve it"])
def test_approve_typed_with_nothing_waiting_is_said_so(text):
    assert acts_of(text) == ["approve_by_text"]


@pytest.mark.parametrize("text", ["answers should start appearing quickly", "replies need to show up fast",
                                  "responses have to begin streaming right away"])
def test_an_answer_said_to_appear_fast_is_the_latency_priority(text):
    assert read(text)["priority"] == "latency"


def test_work_said_to_come_fast_is_no_priority():
    assert "priority" not in read("tickets come fast during the launch week")


def _after(text: str, **held) -> DeploymentSpec:
    spec = DeploymentSpec().with_values("stated", **held)
    return apply_acts(spec, read_message(text, CATALOG, spec=spec, state=AgentState(spec=spec)).spec_acts(),
                      CATALOG).spec


def test_a_hint_of_another_use_case_does_not_replace_the_one_held():
    spec = _after("we stuff retrieved articles into the prompt, and the assistant answers in 2-3 sentences",
                  use_case="document_analysis_rag", users=3000)
    assert spec.use_case.value == "document_analysis_rag"
    assert spec.output_tokens == 80 and not spec.stated("prompt_tokens")  # "answers in" is the output's length


def test_a_use_case_named_in_a_later_turn_still_replaces_the_one_held():
    assert _after("it's a translation service now", use_case="document_analysis_rag").use_case.value == "translation"


def test_how_many_owned_gpus_is_asked_once_the_card_is_known():
    spec = DeploymentSpec().with_values("stated", cost_model="owned", gpus=["L40S"], use_case="translation", rps=5)
    ask = follow_up(spec, set())
    assert ask is not None and ask.fields == ["max_gpus"] and "How many L40S" in ask.text
    assert follow_up(spec, {"max_gpus"}) is None
    assert follow_up(spec.with_values("stated", max_gpus=4), set()) is None


def test_why_a_model_needs_the_gpus_it_has_asks_about_the_count():
    from agent.offline.facts import read_facts

    low = "why does gpt-oss-20b need 2 a100s?"
    targets = why_targets(low, read_facts(low, low, CATALOG, []), [])
    assert [q.about for q in targets] == ["gpu_count"]


def test_a_paste_cut_past_the_limit_is_cut_where_a_word_ends():
    from agent.offline.reading import MAX_READ_CHARS

    words = ("helpdesk ticket summaries " * 1000)[:MAX_READ_CHARS + 3000]
    reading = read_message("Chatbot for 500 users. " + words, CATALOG, spec=DeploymentSpec(),
                           state=AgentState(spec=DeploymentSpec()))
    note = next(n for n in reading.notes if "characters long" in n)
    quoted = note.split('(from "')[1].split("...")[0]
    assert quoted.split()[0] in ("helpdesk", "ticket", "summaries"), note
