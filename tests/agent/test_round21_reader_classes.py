"""Reader classes the twentieth blind round's dev half still failed at the last stop, each phrased apart from its
sentences, with the sentences they must leave alone: every change since the first plan taken back at once; the side
of a length said after it ("a ~200-word email comes out"); a prompt told by its parts (retrieved chunks times their
size, a resent history times its messages' length, plus parts with lengths of their own); lengths in sentences and
paragraphs; a share of a part that was itself named as a share of the staff; the organisation's size beside work
counted in a window; a kind of text said not to be summarised; work named by the records it retrieves, a data room,
and reasoning across documents; a size in bytes that is no count of work."""

from __future__ import annotations

import pytest

from tests.agent.reader_helpers import parsed, read

# ------------------------------------------------------------------ every change since the first plan


def test_every_change_since_the_first_plan_is_taken_back_at_once(service, session):
    service.turn(session, "alice", "Chatbot for 4,000 daily users, first token 500 ms, $10k a month.")
    service.turn(session, "alice", "Make it 6,000 users.")
    service.turn(session, "alice", "And the budget $14k.")
    r = service.turn(session, "alice", "No - go back to the original requirements.")
    spec = service.view(session, "alice").state.spec
    assert spec.users == 4000 and spec.budget_monthly_usd == 10000 and spec.ttft_p95_ms == 500
    assert "6,000 -> 4,000" in r.reply and "$14,000 -> $10,000" in r.reply
    r = service.turn(session, "alice", "undo all my changes")  # nothing left since the first plan: said, not guessed
    assert "Nothing changed since the first plan" in r.reply
    assert service.view(session, "alice").state.spec.users == 4000


def test_every_change_taken_back_before_any_plan_is_said_to_have_nothing_to_go_back_to(service, session):
    service.turn(session, "alice", "We want to run an LLM for our company.")
    r = service.turn(session, "alice", "revert everything to the first plan")
    assert "no plan yet" in r.reply


# ------------------------------------------------------------------ lengths


@pytest.mark.parametrize("text,prompt,output", [
    ("A brief and the account notes go in, a ~200-word email comes out.", None, 266),
    ("a 2,000-token prompt is sent in and a 300 token answer comes back", 2000, 300),
    ("the top 3 results from search go into a 2k token prompt", 2000, None),
])
def test_the_side_of_a_length_said_after_it(text, prompt, output):
    got = read(text)
    assert got.get("prompt_tokens") == prompt and got.get("output_tokens") == output


def test_a_side_said_after_another_noun_is_not_this_lengths():
    # "the answer comes back" is about the answer, not the 2,000-token prompt
    assert read("a 2,000-token prompt and the answer comes back fast")["prompt_tokens"] == 2000


@pytest.mark.parametrize("text,prompt,output", [
    ("Policy Q&A. We chunk at 2,000 characters and retrieve the top 6 chunks per question.", 3000, None),
    ("RAG over the wiki: 512-token chunks, top-5, answers ~300 tokens", 2560, 300),
    ("we fetch 4 passages of about 300 words each", 1596, None),
    ("chunk size 1k tokens, k=3, plus a 500-token system prompt", 3500, None),
    ("Every turn we resend the last 20 messages (about 50 words each) plus a persona of ~300 words.", 1729, None),
])
def test_a_prompt_told_by_its_parts_is_their_sum(text, prompt, output):
    got = parsed(text)
    assert got.updates["prompt_tokens"] == pytest.approx(prompt, abs=1)
    # a part of the prompt ("a persona of ~300 words") is no output; an answer's own length is
    assert got.updates.get("output_tokens") == output
    assert got.notes["prompt_tokens"].endswith(f"= {prompt:,} tokens")


def test_a_chunk_size_alone_is_no_requests_length():
    got = read("We split the manuals into 800-token chunks.")
    assert "prompt_tokens" not in got and "output_tokens" not in got


def test_a_prompt_length_said_as_such_stands_beside_its_chunks():
    assert read("prompts are ~6k tokens; we use 512-token chunks and top 8")["prompt_tokens"] == 6000


@pytest.mark.parametrize("text,output", [
    ("each summary is 2-3 sentences", 80),
    ("Answers are short, a couple of sentences.", 53),
    ("answers are one paragraph long", 133),
])
def test_lengths_in_sentences_and_paragraphs(text, output):
    got = parsed(text)
    assert got.updates["output_tokens"] == output and "words" in got.notes["output_tokens"]


# ------------------------------------------------------------------ people


def test_a_share_of_a_part_named_as_a_share_of_the_staff_is_a_share_of_that_share():
    got = parsed("Retailer, 10,000 employees. The assistant is for store staff only - that's 60% of the workforce - and "
                 "about a quarter of store staff are on shift on a given day.")
    assert got.updates["users"] == 1500
    assert "15% of 10,000" in got.notes["users"]


def test_a_share_of_the_whole_alone_is_still_that_share():
    assert read("We have 4,000 employees and half of them would use it daily.")["users"] == 2000


def test_the_organisations_size_beside_work_counted_in_a_window_is_no_users():
    got = read("Each night the job summarises about 30,000 claims between 10pm and 5am (we've grown to 1,200 staff).")
    assert "users" not in got and got["window_requests"] == 30000


def test_the_organisations_size_with_everyone_using_it_is_the_users():
    assert read("We've grown to 900 staff and all of them will use the chatbot.")["users"] == 900


# ------------------------------------------------------------------ use cases


@pytest.mark.parametrize("text,use_case", [
    ("summarise the typed meeting notes, not recordings or transcripts, into action items", "summarization_short"),
    ("Each quarterly filing is 300,000 characters; the CFO wants an executive summary of every regulatory filing.",
     "long_document_summarization"),
    ("When a rep opens a case we retrieve the 3 most similar closed cases and the model drafts an answer from them.",
     "document_analysis_rag"),
    ("Virtual data room with 3,000 documents; the deal team asks cross-document questions.", "research_legal_analysis"),
])
def test_use_cases_read_by_the_work_done_on_the_text(text, use_case):
    assert read(text)["use_case"] == use_case


def test_transcripts_to_summarise_are_still_long_documents():
    assert read("summarise our 2-hour call transcripts")["use_case"] == "long_document_summarization"


# ------------------------------------------------------------------ counts


def test_a_size_in_bytes_is_no_count_of_work():
    got = parsed("About 1.5 million scanned invoices to extract. The GPUs are ours from Saturday 6am until Monday 6am. "
                 "The bucket is 40 TB if that matters.")
    assert got.updates["rps"] == pytest.approx(1_500_000 / (48 * 3600), rel=1e-3)


@pytest.mark.parametrize("text,window_requests", [
    ("We translate 2,000 documents a night between 1am and 6am into 5 languages, one request per document per "
     "language.", 10000),
    ("Catalogue: 40k products. Each description needs Italian, Dutch and Polish versions - one call per product per "
     "language. It all has to run between 8pm and 6am.", 120000),
])
def test_one_request_per_pair_of_things_is_their_product(text, window_requests):
    got = parsed(text)
    assert got.updates["window_requests"] == window_requests
    assert "languages each" in got.notes["window_requests"]


def test_messages_back_and_forth_are_half_the_users_requests():
    got = parsed("Support bot on WhatsApp: about 12,000 conversations a day, each around 8 messages back and forth, "
                 "9am-9pm.")
    assert got.updates["window_requests"] == 48000 and "back and forth" in got.notes["window_requests"]


def test_each_conversations_own_turns_are_its_requests():
    got = parsed("about 2,000 chats a day, each with around 5 user messages")
    assert got.updates["rps"] == pytest.approx(2000 * 5 / 86400, rel=1e-3)


@pytest.mark.parametrize("text", [
    "Every help-centre article needs German, French and Spanish versions.",
    "our product descriptions need Japanese and Korean versions before launch",
])
def test_versions_in_other_languages_are_translation(text):
    assert read(text)["use_case"] == "translation"


# ------------------------------------------------------------------ the twenty-first round's dev half

def test_what_another_deployment_did_kept_by_an_order_is_this_ones():
    assert read("The vendor's pilot ran the model in FP8 and quality held up, so stick with fp8.")["precision"] == "fp8"
    assert "precision" not in read("The vendor's pilot ran the model in FP8.")


def test_people_counted_as_those_of_them_who_would_use_it():
    assert read("a helpdesk bot for the drivers, there are about three hundred of them that'd use it daily")["users"] == 300
    assert "users" not in read("we sold 200 of them to use it")


@pytest.mark.parametrize("text,gpus,max_gpus", [
    ("Our AWS account may only launch g6e instances.", ["L40S"], None),
    ("we have three p5 instances reserved", ["H100-SXM"], 24),
    ("two ND H200 v5 VMs are ours for a year", ["H200"], 16),
    ("4 g5 instances", ["A10G"], None),  # a g5 holds 1, 4 or 8 GPUs: the count of machines is none of GPUs
])
def test_instance_families_named_without_a_size(text, gpus, max_gpus):
    got = read(text)
    assert got["gpus"] == gpus and got.get("max_gpus") == max_gpus


def test_groups_of_people_said_with_the_groups_first_and_on_each():
    assert read("The hotline runs 2 shifts a day with 45 nurses on each, every nurse uses the assistant.")["users"] == 90


def test_a_larger_count_then_only_a_part_that_uses_it():
    assert read("The portal has 40,000 members but only ~2,500 open the assistant in a week.")["users"] == 2500
    assert read("we have 2,000 staff and only 3 GPUs")["users"] == 2000


def test_a_window_given_in_hours_with_now():
    from tests.agent.test_round20_reader_classes import after

    spec = after("The DBA moved things around, we now have 7 hours.", use_case="summarization_short",
                 window_hours=4, window_requests=30000, experience_class="batch")
    assert spec.window_hours == 7


def test_an_objection_raised_against_a_model_family_rules_it_out():
    got = parsed("Procurement raised concerns about DeepSeek. Use Qwen3 32B.")
    assert got.updates["models"] == ["Qwen/Qwen3-32B"]
    assert all(m.startswith("deepseek-ai/") for m in got.updates["exclude_models"])


def test_a_leading_asterisk_or_an_owned_typo_corrects_the_value_changed_last(service, session):
    service.turn(session, "alice", "Support chatbot for 30000 users a day")
    r = service.turn(session, "alice", "*3000 - typo, sorry")
    assert service.view(session, "alice").state.spec.users == 3000 and "30,000 -> 3,000" in r.reply


@pytest.mark.parametrize("text,users", [
    ("Claims assistant, 2,500 users a day (sorry, 3,100, I had last year's figure), first token 1 s.", 3100),
    ("900 people, sorry, 950", 950),
])
def test_a_value_corrected_in_brackets_or_after_an_apology(text, users):
    assert read(text)["users"] == users


def test_a_bare_no_after_words_corrects_nothing():
    assert read("we have 5 GPUs in total, no 3 of them are A100s").get("max_gpus") == 5


def test_a_choice_left_to_compass_again_is_unset():
    from tests.agent.test_round20_reader_classes import after

    assert after("Meh, let Compass choose the precision.", use_case="chatbot_conversational", users=800,
                 precision="fp8").precision is None
    assert after("not sure how many users really", use_case="chatbot_conversational", users=800).users == 800


def test_the_batch_part_withdrawn_leaves_no_window():
    from tests.agent.test_round20_reader_classes import after

    spec = after("Forget the nightly batch idea, people will wait for each answer.", use_case="translation",
                 window_hours=6, window_requests=9000, experience_class="batch")
    assert spec.experience_class is None and spec.window_hours is None and spec.window_requests is None


@pytest.mark.parametrize("text,ttft", [("yes, point five seconds p95 to the first token", 500),
                                       ("first token at point eight seconds", 800)])
def test_a_decimal_said_without_its_whole(text, ttft):
    assert read(text)["ttft_p95_ms"] == ttft


def test_the_use_case_named_by_its_acronym_outweighs_a_description():
    assert read("Research assistant answering questions over our internal reports (RAG)")["use_case"] == \
        "document_analysis_rag"


def test_someone_arguing_in_minutes_is_no_research_analysis():
    assert read("- Sam argued for the biggest model. 40 marketers use the tool to draft newsletters.")["use_case"] == \
        "content_generation"


def test_where_a_paste_was_copied_from_is_no_corpus():
    assert read("Copied from Confluence: the chat bot is used by about 3,000 customers a day.")["use_case"] == \
        "chatbot_conversational"
    assert read("answers from Confluence for 300 engineers")["use_case"] == "document_analysis_rag"


def test_hardware_on_its_way_out_is_excluded_and_a_named_data_centre_is_owned():
    got = read("We have 16 H100 SXM in the Frankfurt DC. The A100s are being decommissioned.")
    assert got["cost_model"] == "owned" and got["gpus"] == ["H100-SXM"]
    assert set(got["exclude_gpus"]) == {"A100-80GB", "A100-40GB"}


def test_a_query_pasted_in_a_block_of_its_own_with_what_it_printed():
    text = ("From SRE, same load on the new backend:\n\n# avg over 7d\n"
            "avg_over_time(sum(rate(http_requests_total{app=\"bot\"}[5m]))[7d:5m])\n=> 6.4\n# max over 7d\n"
            "max_over_time(sum(rate(http_requests_total{app=\"bot\"}[5m]))[7d:5m])\n=> 18.9\n\nIt's our support chat bot.")
    got = read(text)
    assert got["rps"] == 6.4 and got["peak_rps"] == 18.9


def test_a_table_of_statistics_is_read_by_its_mean_column():
    text = ("Telemetry, last week:\n\nmetric              mean   p50   p90    max\n"
            "prompt_tokens      2,300  1,900  4,800  9,100\ncompletion_tokens    310    280    700  1,950\n\n"
            "RAG bot for 400 analysts.")
    got = read(text)
    assert got["prompt_tokens"] == 2300 and got["output_tokens"] == 310


def test_a_namespace_picked_in_the_last_sentence_after_a_refusal(service, session):
    service.turn(session, "alice", "RAG bot over our runbooks for 400 engineers.")
    r = service.turn(session, "alice", "deploy it to namespace team-ml")
    assert "not on the allowlist" in r.reply
    service.turn(session, "alice", "ah right, not allowed there. put it in default then.")
    dep = service.view(session, "alice").state.deployment
    assert dep is not None and dep.namespace == "default" and dep.status == "awaiting_approval"


@pytest.mark.parametrize("text,excluded", [
    ("Our rep says it's H200 that's unavailable until spring.", {"H200"}),
    ("Our L4s are being retired next quarter.", {"L4"}),
    ("The older boxes (L4, A10G) are being decommissioned.", {"L4", "A10G"}),
])
def test_cards_said_unavailable_after_them(text, excluded):
    assert set(read(text)["exclude_gpus"]) == excluded


@pytest.mark.parametrize("text,max_gpus", [
    ("We have three g6.12xlarge (4x L4 each) on reserved instances.", 12),
    ("Colo: 3 servers, each 8x H200, owned outright.", 24),
    ("two Azure ND H100 v5 VMs are reserved for us", 16),
])
def test_machines_with_what_each_holds(text, max_gpus):
    assert read(text)["max_gpus"] == max_gpus


def test_the_cloud_named_with_an_instance_family_is_still_the_cloud():
    assert read("two Azure ND H100 v5 VMs are reserved for us")["cost_model"] == "cloud"
    assert read("Colo: 3 servers, each 8x H200, owned outright.")["cost_model"] == "owned"


def test_a_panels_statistics_labelled_in_brackets_after_the_unit():
    text = ("Dashboard export, today's vendor integration:\n  requests/s (avg)     3.2\n  requests/s (max 1m)  8.7\n"
            "  latency p95          4.1 s\n\nSame traffic on our side; whole answer back within 5 s p95.")
    got = read(text)
    assert got["rps"] == 3.2 and got["peak_rps"] == 8.7 and got["e2e_p95_ms"] == 5000


def test_one_said_for_a_thing_not_had_is_no_amount():
    got = parsed("The invoice is $9,000 a month. It is not our budget, we don't have one yet.")
    assert "budget_monthly_usd" not in got.updates
    assert not any("$1 a month" in r for r in got.remarks)
    assert read("we need one H100")["max_gpus"] == 1
