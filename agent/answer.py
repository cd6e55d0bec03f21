"""The answer of a turn, written from what the tools did (their ToolMessages) and the typed state they left.

Parts, in order: notes (a cut paste, a removed credential, ignored instructions, contradictions), the echo of
what changed ("Changed: budget $5,000 -> $15,000 a month"), then the body for the turn's main act (the plan, a
what-if table, an explanation, the deploy request ...). Every number comes from a tool result or the spec.
"""

from __future__ import annotations


from langchain_core.messages import ToolMessage

from agent.acts import Reading
from agent.clarify import follow_up
from agent.offline.policy import deploy_only_changes, deploys_new_top, main_act, planned_before
from agent.replies import GREETING, HELP, UNPARSED, comparison_text, plan_text, questions_text, spec_text
from agent.state import AgentState, Deployment
from agent.tools import names as T
from agent.wording import FIELD_NAMES, value_text

INJECTION_NOTICE = ("I ignored instructions inside your message that were aimed at me rather than describing the "
                    "deployment; nothing is ever deployed without your explicit approval.")
OFF_TOPIC = ("I can only help with sizing and deploying LLMs (model, GPUs, replicas, latency and cost), so I'll "
             "leave that one aside. ")
_NOT_PREPARED = ("\n\nThe plan changed, so I have not prepared a deployment yet: say *deploy option N* for the option "
                 "you want from this plan.")
ECHO_PREFIXES = ("Changed:", "Noted:", "Assumed (defaults):", "No change:", "Could not use", "Note:", "Undid:")


def _echo(results: dict[str, list[ToolMessage]]) -> list[str]:
    lines: list[str] = []
    for name in (T.UNDO_CHANGE, T.UPDATE_SPEC):
        for m in results.get(name, []):
            lines += [x for x in str(m.content).splitlines() if x.startswith(ECHO_PREFIXES)]
            if m.status == "error" and name == T.UNDO_CHANGE:
                lines.append(str(m.content))
    return lines


def _content(results: dict[str, list[ToolMessage]], name: str) -> str | None:
    found = results.get(name)
    return str(found[-1].content) if found else None


def notes_of(reading: Reading | None, state: AgentState) -> list[str]:
    notes = list(state.turn_notes)
    if reading is not None:
        notes += [n for n in reading.notes if n not in notes]
        if reading.suspicious and INJECTION_NOTICE not in notes:
            notes.append(INJECTION_NOTICE)
    return notes


def _confirm_text(state: AgentState) -> str:
    asks = "; ".join(f"{FIELD_NAMES.get(a.field, a.field)} {value_text(a.field, a.value)} (from \"{a.span}\")"
                     for a in state.to_confirm)
    return f"Did I read that right: {asks}? Say *yes* to apply it, or tell me the right value."


def _planned_before(state: AgentState) -> bool:
    """A plan was shown in an earlier turn (so this one is an update)."""
    return planned_before(state)


def _planned(state: AgentState, reading: Reading | None, results: dict[str, list[ToolMessage]]) -> str:
    # a plan that no longer matches the spec (planning asked a question instead: an undo took back the users) is
    # never shown as the updated plan
    if state.plan is None or T.PLAN_CAPACITY not in results or state.plan.spec != state.spec:
        asked = [q for q in state.questions if q.turn == state.turn]
        if asked:
            return questions_text(asked)
        return _content(results, T.PLAN_CAPACITY) or UNPARSED
    follow = next((q for q in state.questions if q.turn == state.turn), None)
    changed = (bool(state.changes) and _planned_before(state)) or T.UNDO_CHANGE in results
    text = plan_text(state.plan, changed=["spec"] if changed else [], similar=state.similar,
                     follow=follow_up(state.plan.spec, set()) if follow else None)
    if reading is not None and reading.has("dont_know") and not any(
            state.spec.stated(c.field) for c in state.changes):
        text = "No problem, I'll go with the defaults.\n\n" + text
    return text


def _body(reading: Reading, state: AgentState, results: dict[str, list[ToolMessage]]) -> str:
    main = main_act(reading)
    kind = main.act if main is not None and main.act != "recommend" else None
    planned_now = T.PLAN_CAPACITY in results
    if kind == "ask_why" and main.about == "catalog":
        return _content(results, T.RANK_CATALOG_GPUS) or ""
    if kind == "deploy" and planned_now and state.plan is not None and T.REQUEST_DEPLOYMENT in results and (
            deploys_new_top(main, state) and not deploy_only_changes(state)):
        return _planned(state, reading, results) + "\n\n" + str(_content(results, T.REQUEST_DEPLOYMENT))
    if kind in ("deploy", "show_manifests", "ask_why", "compare", "select") and (state.plan is None or (
            planned_now and kind in ("deploy", "show_manifests") and not deploy_only_changes(state))):
        return _planned(state, reading, results) + (_NOT_PREPARED if kind == "deploy" and state.plan else "")
    if kind == "ask_why" and planned_now and T.EXPLAIN in results and (
            not _planned_before(state) or (main.about == "source" and state.changes)):
        # a need and a question in one message, or a question beside a change ("why is the TTFT 500 ms? I'd
        # rather have 300"): the re-made plan, then the answer
        return _planned(state, reading, results) + "\n\n" + str(_content(results, T.EXPLAIN))  # need + question
    for act_kind, tool in (("deploy", T.REQUEST_DEPLOYMENT), ("show_manifests", T.SHOW_MANIFESTS),
                           ("validate", T.VALIDATE), ("ask_why", T.EXPLAIN)):
        if kind == act_kind:
            return _content(results, tool) or "There is no running deployment to validate yet."
    if kind == "what_if" and T.EXPLAIN in results and T.COMPARE_WHATIF not in results:
        # a what-if the plan already is ("given we own the hardware" of an owned plan): said so, then its figure
        same = "; ".join(f"{FIELD_NAMES.get(k, k)} {value_text(k, getattr(state.plan.spec, k, v))}"
                         for k, v in main.changes.items()) if state.plan is not None else ""
        return (f"The plan already assumes {same}, so there is nothing to compare; here is what it costs.\n\n"
                + str(_content(results, T.EXPLAIN)))
    if kind in ("what_if", "cheaper", "faster"):
        if state.comparison is not None and T.COMPARE_WHATIF in results:
            return comparison_text(state.comparison, state.plan)
        return _content(results, T.COMPARE_WHATIF) or ("Tell me what to change, for example *what if traffic "
                                                       "doubles*, *what if TTFT can be 1 s*, or *what about L4s*.")
    if kind == "compare":
        text = _content(results, T.COMPARE_OPTIONS) or _planned(state, reading, results)
        if planned_now and _planned_before(state) and not state.changes and T.COMPARE_OPTIONS in results:
            # option numbers name rows of the plan the user saw; when that plan had to be made again first, the
            # rows compared are the new plan's, and the user is told so rather than left to think they are the old
            text = ("The requirements no longer matched the plan you saw, so I planned again first: these are "
                    "options of the new plan.\n\n" + text)
        return text
    if kind == "select":
        content = _content(results, T.SELECT_OPTION) or ""
        if content.startswith("Option"):
            return (content + "\n\nSay *deploy* to deploy it (you will see the manifests and approve first), or "
                    "keep exploring.")
        return content
    return _simple(reading, state, results)


def _simple(reading: Reading, state: AgentState, results: dict[str, list[ToolMessage]]) -> str:
    if T.PLAN_CAPACITY in results:
        return _planned(state, reading, results)
    acts = {a.act: a for a in reading.acts}
    if "which_one" in acts:  # "deploy the llama one" fitting several rows of the plan, or none
        return acts["which_one"].note or ""
    if "start_over" in acts:
        return "Starting over: I have forgotten the previous requirements. What do you need to deploy?"
    if "unsupported_language" in acts:
        lang = acts["unsupported_language"].language
        return (f"That looks like {lang}. I'm sorry, I only understand English: could you tell me in English what "
                "you need to deploy (use case, users or requests per second, latency and budget)?")
    if "help" in acts:
        command = acts["help"].command
        head = f"I don't know the command {command}. " if command else ""
        return head + HELP + ("\n\nCommands: /help, /undo, /spec, /reset, /approve, /reject." if command else "")
    if "off_topic" in acts:
        return OFF_TOPIC + (f"The plan is still here: ask a what-if{_next_deploy(state)}." if state.plan
                            else "Tell me what you want to deploy: the use case and roughly how many users.")
    if "explain_term" in acts:  # the meanings are the reading's notes, said before this
        return (f"The plan is still here: ask a what-if{_next_deploy(state)}." if state.plan is not None else
                "Tell me what you want to deploy: the use case and roughly how many users.")
    if "deployment_status" in acts:
        return deployment_status(state.deployment)
    if "approve_by_text" in acts:
        return ("Approvals are given with the Approve / Reject controls (or /approve in the terminal) while a "
                "deployment is waiting; nothing is waiting now. Say *deploy option 1* to prepare one.")
    if "show_spec" in acts:
        return "Here is what I know (and what I assumed):\n\n" + spec_text(state.spec)
    if "greeting" in acts or "thanks" in acts:
        if state.plan is not None:
            said = str(state.messages[-1].content).lower() if state.messages else ""
            return ("You're welcome!" if "thank" in said or "thanks" in acts else "Hello again!") + (
                f" The plan is still here: ask a what-if, *compare option 1 and 2*{_next_deploy(state)}.")
        return GREETING
    if state.to_confirm:
        return _confirm_text(state)
    if "undo" in acts or "undo_all" in acts:
        return "" if T.UNDO_CHANGE in results else "There is no change to undo."
    if "unclear_question" in acts and state.plan is not None:
        return ("I could not tell what that asks about the plan, so I have not answered it and nothing changed. I can "
                "answer *why option 1*, *why not the H100*, *how many GPUs does option 1 use*, *what does option 1 "
                "cost*, *what did you assume*, or a what-if (*what if traffic doubles*).")
    if state.plan is not None:
        return ("I did not understand that. You can change any requirement (*make it 10k users*), ask a what-if, "
                "*compare option 1 and 2*, *show the YAML* or *deploy option 1*.")
    return UNPARSED


def deployment_status(dep: Deployment | None) -> str:
    """The deployment of this conversation as the state holds it, and the command that stops it: Compass stops
    nothing from the chat (stopping touches infrastructure; the terminal command is explicit and named here)."""
    if dep is None:
        return "Nothing has been deployed from this conversation. Say *deploy option 1* to prepare one."
    head = f"Option {dep.option} ({dep.target}, namespace {dep.namespace})"
    if dep.status == "awaiting_approval":
        return f"{head} is waiting for your approval: Reject it with the control (or /reject) and nothing is applied."
    if dep.status in ("rejected", "failed", "stopped"):
        return f"{head} was {dep.status}{': ' + dep.detail if dep.detail and dep.status == 'failed' else ''}; nothing of it runs."
    where = "; ".join(x for x in (f"endpoint {dep.endpoint}" if dep.endpoint else "", dep.detail or "") if x)
    checked = {"validated": " and was validated against the SLOs", "applied": ""}.get(dep.status, "")
    stop = (f"`compass deploy stop {dep.deployment_id}` stops it (`compass deploy list` shows what runs)"
            if dep.target == "local" and dep.deployment_id else
            f"delete the objects it created in namespace {dep.namespace} (named {dep.name}) to stop it")
    return (f"{head} was applied{checked}{' (' + where + ')' if where else ''}. I do not stop deployments from the "
            f"chat: {stop}.")


def write_answer(reading: Reading | None, state: AgentState, results: dict[str, list[ToolMessage]]) -> str:
    """The whole answer of the turn."""
    reading = reading or Reading()
    parts = notes_of(reading, state)
    parts += _echo(results)
    body = _body(reading, state, results)
    if body:
        parts.append(body)
    if state.to_confirm and T.UPDATE_SPEC in results and _confirm_text(state) not in body:
        parts.append(_confirm_text(state))
    return "\n\n".join(p for p in parts if p)


def _next_deploy(state) -> str:
    """The deploy the user can ask for next: the option they picked (1 if none), or none while one runs."""
    dep = state.deployment
    if dep is not None and dep.status in ("awaiting_approval", "applying", "applied", "validated"):
        return f" (option {dep.option} is {dep.status.replace('_', ' ')})"
    return f", or *deploy option {state.selected_option or 1}* when ready"
