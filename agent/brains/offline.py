"""The deterministic brain, written as a chat model that emits tool calls (no LLM needed).

``OfflineChatModel`` is a LangChain chat model: bound to the graph's tools, it reads the conversation, turns the
latest user message into dialogue acts with the rule-based parser (agent/offline/), and answers with an
``AIMessage`` whose ``tool_calls`` are the next round of tools (agent/offline/policy.py); once the tools have
answered, it writes the reply from their results (agent/answer.py). Like an LLM it sees the state it needs
through its prompt; here that is the typed state itself (``view``) rather than its text rendering.
"""

from __future__ import annotations

from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict, Field

from agent.acts import Reading
from agent.answer import write_answer
from agent.offline.policy import next_calls
from agent.offline.reading import read_message
from knowledge.catalog import Catalog


def turn_messages(messages: list[BaseMessage]) -> tuple[str, dict[str, list[ToolMessage]]]:
    """(the latest user text, this turn's tool results by tool name)."""
    text, results = "", {}
    for m in reversed(messages):
        if isinstance(m, HumanMessage):
            text = m.content if isinstance(m.content, str) else str(m.content)
            break
        if isinstance(m, ToolMessage) and m.name:
            results.setdefault(m.name, []).insert(0, m)
    return text, results


def read_turn(text: str, state: Any, catalog: Catalog) -> Reading:
    last = state.last_question()
    asked = last.fields if last and last.turn == state.turn - 1 else []
    return read_message(text, catalog, asked=asked, spec=state.spec, state=state)


class OfflineChatModel(BaseChatModel):
    """Rules in the shape of a chat model: same tools, same messages, same graph as an LLM."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    # repr=False: LangChain serialises the model for its callbacks on every invoke (repr included), and the
    # catalog and the whole state would make that most of a turn's CPU
    catalog: Any = Field(exclude=True, repr=False)
    view: Any = Field(default=None, exclude=True, repr=False, description="the AgentState the model answers in")
    tool_names: list[str] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "compass-offline"

    def bind_tools(self, tools: Any, **kwargs: Any) -> "OfflineChatModel":
        return self.model_copy(update={"tool_names": [getattr(t, "name", str(t)) for t in tools]})

    def reading(self, messages: list[BaseMessage]) -> Reading:
        state = self.view
        if state.reading is not None:
            return state.reading
        text, _ = turn_messages(messages)
        return read_turn(text, state, self.catalog)

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        state = self.view
        _, results = turn_messages(messages)
        reading = self.reading(messages)
        calls = next_calls(reading, state, set(results), self.catalog)
        calls = [c for c in calls if not self.tool_names or c["name"] in self.tool_names]
        if calls:
            message = AIMessage(content="", tool_calls=calls)
        else:
            message = AIMessage(content=write_answer(reading, state, results))
        return ChatResult(generations=[ChatGeneration(message=message)])


class OfflineBrain:
    name = "offline"

    def chat_model(self, state: Any, catalog: Catalog, tools: list[Any]) -> OfflineChatModel:
        return OfflineChatModel(catalog=catalog, view=state).bind_tools(tools)
