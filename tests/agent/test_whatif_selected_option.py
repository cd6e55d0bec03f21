"""A what-if after the user picked an option changes that option, not option 1 (a new user saw the base jump to
another model and GPU without a word)."""

from __future__ import annotations


def test_a_whatif_after_choosing_option_2_changes_option_2(service, session):
    service.turn(session, "alice", "a support chatbot for 5000 employees")
    service.turn(session, "alice", "I'll go with option 2")
    state = service.view(session, "alice").state
    assert state.selected_option == 2
    second = state.plan.recommendations[1]
    service.turn(session, "alice", "what if we used spot instances?")
    comparison = service.view(session, "alice").state.comparison
    assert comparison is not None and comparison.base.label == "base (option 2, selected)"
    assert (comparison.base.top.model_id, comparison.base.top.gpu) == (second.model_id, second.gpu)
