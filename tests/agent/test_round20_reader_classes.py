"""Reader classes the nineteenth blind round's dev half still failed at the last stop, each phrased apart from its
sentences, with the sentences they must leave alone: several parts of a whole spoken for, or one said already taken
with the rest named in a clause of its own; a rate that grows on a named occasion; a rate withdrawn by its unit; a
window's start moved with its deadline; a count in a short stretch set against the rest of the day; the ordinary
period said before its count; a log's lines as the requests they count."""

from __future__ import annotations

import pytest

from tests.agent.reader_helpers import after, held, parsed, read


# ------------------------------------------------------------------ money

@pytest.mark.parametrize("text,budget", [
    ("The data team has $40k a month in total. Storage already takes $10k of it and the BI licences another $6k; "
     "the chatbot can have what remains.", 24000),
    ("Budget is 30k/month. Observability eats about 5k of that; serving gets the rest.", 25000),
    ("We have $18k a month for this. Logging already uses $3k of it, the remainder is yours.", 15000),
])
def test_several_parts_spoken_for_or_one_already_taken_come_off_the_whole(text, budget):
    assert read(text)["budget_monthly_usd"] == pytest.approx(budget)


def test_a_part_said_to_be_for_the_service_is_not_taken_off():
    # nothing is said spoken for: the part named is the service's own, or an open question
    assert read("Budget is 30k a month; 10k of it goes to serving.").get("budget_monthly_usd") != 20000


# ------------------------------------------------------------------ traffic

@pytest.mark.parametrize("text,rps,peak", [
    ("Our store assistant sees 8 rps. During the Christmas sale it doubles.", 8, 16),
    ("4 req/s on a normal day; on Cyber Monday it quadruples and we need to hold up.", 4, 16),
])
def test_a_rate_that_grows_on_a_named_occasion_is_the_peak(text, rps, peak):
    got = parsed(text)
    assert got.updates["rps"] == pytest.approx(rps) and got.updates["peak_rps"] == pytest.approx(peak)
    assert not any(r.startswith("A seasonal peak") for r in got.remarks)  # planned for: not said to be left out


def test_a_seasonal_growth_with_no_rate_is_still_said_back():
    got = parsed("Gift-shop assistant for 2,000 users; traffic doubles over the holiday season.")
    assert any(r.startswith("A seasonal peak") for r in got.remarks)


def test_growth_over_months_is_no_peak():
    assert "peak_rps" not in parsed("Chat assistant at 6 rps. It will double next year.").updates


@pytest.mark.parametrize("text", ["ignore the rps, go with 800 users", "forget the qps figure", "drop the rps"])
def test_a_rate_withdrawn_by_its_unit(text):
    assert after(text, use_case="chatbot_conversational", rps=12.0).rps is None


def test_a_rate_lowered_by_its_unit_is_not_withdrawn():
    assert after("drop the rps to 5", use_case="chatbot_conversational", rps=12.0).rps != None  # noqa: E711


def test_a_windows_start_moved_with_its_deadline_said_after():
    spec = after("the batch now has to start at 2am because of the ETL, same 8am deadline.",
                 use_case="summarization_short", window_hours=10.0, window_requests=20000)
    assert spec.window_hours == pytest.approx(6)


@pytest.mark.parametrize("text,rps,peak", [
    ("Between 8:00 and 8:30 about 5,400 requests come in (morning rush). The rest of the day it's ~1 req/s.", 1, 3),
    ("From 12:00 to 12:10 we see 1,800 requests, the lunch spike; the rest of the time 0.5 req/s.", 0.5, 3),
])
def test_a_count_in_a_short_stretch_against_the_rest_of_the_day_is_the_peak(text, rps, peak):
    got = parsed(text).updates
    # (the stretch's hours are kept to three decimals: 10 minutes is 0.167 h)
    assert got["rps"] == pytest.approx(rps) and got["peak_rps"] == pytest.approx(peak, rel=0.01)
    assert "window_hours" not in got


def test_a_count_in_a_stretch_alone_is_still_a_window():
    got = parsed("Nightly job: between 1:00 and 5:00 we process 36,000 documents.").updates
    assert got.get("window_hours") == pytest.approx(4)


@pytest.mark.parametrize("text,rps", [
    ("In a typical hour the gateway sees 9,000 requests.", 2.5),
    ("A normal minute of traffic: 600 calls.", 10),
])
def test_the_ordinary_period_said_before_its_count(text, rps):
    assert read(text)["rps"] == pytest.approx(rps)


def test_a_logs_lines_are_its_requests():
    got = read("grep'd the nginx log for an ordinary hour of /chat: 14,400 lines (one line per request).")
    assert got["rps"] == pytest.approx(4) and "prompt_tokens" not in got


def test_lines_of_text_stay_a_length():
    assert read("Code completion; the files we edit are about 300 lines.")["prompt_tokens"] == 3000


# ------------------------------------------------------------------ hardware and money periods

@pytest.mark.parametrize("text,gpus", [
    ("Our provider only has the 141 GB Hopper parts left.", ["H200"]),
    ("We can rent 80-gig Hopper cards.", ["H100-SXM", "H100-PCIe"]),
])
def test_a_family_named_with_its_memory_is_the_card_of_that_memory(text, gpus):
    assert sorted(read(text)["gpus"]) == sorted(gpus)


def test_a_family_without_a_memory_is_every_card_of_it():
    assert sorted(read("any Hopper card is fine")["gpus"]) == ["H100-PCIe", "H100-SXM", "H200"]


@pytest.mark.parametrize("text,budget", [
    ("The FY27 allocation for the translation service is $360k.", 30000),
    ("For FY 2026/27 we have €120k for this chatbot.", 10000 * 1.17),
])
def test_a_fiscal_year_named_by_its_number_is_a_years_money(text, budget):
    assert read(text)["budget_monthly_usd"] == pytest.approx(budget, rel=0.02)


def test_a_fiscal_years_revenue_is_still_no_budget():
    assert "budget_monthly_usd" not in read("We closed FY24 at $48M revenue; the assistant serves 300 staff.")


# ------------------------------------------------------------------ the twentieth round's dev classes

@pytest.mark.parametrize("text,prompt,output", [
    ("in 2.4k / out 96", 2400, 96),
    ("prompts avg 600 in 700 out", 600, 700),
    ("input: 12k, output: 800", 12000, 800),
])
def test_lengths_said_by_their_side_in_any_order(text, prompt, output):
    got = read(text)
    assert got["prompt_tokens"] == prompt and got["output_tokens"] == output


def test_an_output_said_alone_with_out():
    assert read("it's essays now, more like 3k out")["output_tokens"] == 3000


@pytest.mark.parametrize("text", ["2 out of 3 users are in sales", "we have 90 staff, 20 out on leave"])
def test_out_of_a_count_is_no_length(text):
    assert "output_tokens" not in read(text)


def test_a_token_metrics_name_is_read_as_its_words():
    got = read("dashboard: avg input_tokens 5.2k; output_tokens avg 640")
    assert got["prompt_tokens"] == 5200 and got["output_tokens"] == 640


@pytest.mark.parametrize("text,rps,peak", [
    ("qps avg 35, peak 90", 35, 90),
    ("traffic from grafana: avg 12, peak 30", 12, 30),
    ("rps peak 50, avg 20", 20, 50),
])
def test_a_rate_keyword_then_its_average_and_peak(text, rps, peak):
    got = read(text)
    assert got["rps"] == rps and got["peak_rps"] == peak


@pytest.mark.parametrize("text,use_case", [
    ("codegen helper for 80 devs", "code_generation_detailed"),
    ("replacing our code-completion vendor", "code_completion"),
    ("ghost text suggestions in the editor for 300 engineers", "code_completion"),
])
def test_code_work_said_in_its_jargon(text, use_case):
    assert read(text)["use_case"] == use_case


def test_a_growth_to_size_for_scales_the_rate_said():
    got = parsed("Today 10 rps on the support bot. The EU rollout next quarter brings 30% more traffic; size it for "
                 "post-launch.")
    assert got.updates["rps"] == pytest.approx(13)
    assert "sized for that" in got.notes["rps"]


def test_a_growth_not_asked_for_leaves_the_rate():
    assert read("Today 10 rps on the support bot; 30% more traffic next quarter.")["rps"] == 10


# ------------------------------------------------------------------ conversation

def test_a_change_with_a_question_in_the_same_message_is_made():
    spec = after("Drop L4 and A10G. Which option is cheapest then?", use_case="chatbot_conversational", users=900)
    assert set(spec.exclude_gpus) >= {"L4", "A10G"}


def test_cards_joined_before_a_plural_refusal_are_all_refused():
    spec = after("L40S and A100 are both on backorder, leave them out.", use_case="chatbot_conversational", users=900)
    assert {"L40S", "A100-40GB", "A100-80GB"} <= set(spec.exclude_gpus) or {"L40S", "A100-80GB"} <= set(spec.exclude_gpus)


def test_keeping_cards_out_of_something_else_is_no_refusal():
    assert after("we own H100s, keep them out of the budget review", use_case="chatbot_conversational",
                 users=900).exclude_gpus == []


@pytest.mark.parametrize("text", ["could you redo it with a budget of $4k a month instead?",
                                  "can you replan with a 4k budget"])
def test_a_polite_request_to_plan_again_with_a_value_is_a_change(text):
    assert after(text, use_case="chatbot_conversational", users=900, budget_monthly_usd=9000.0).budget_monthly_usd == 4000


def test_asking_what_it_would_cost_stays_a_what_if():
    assert after("what would it cost with a 4k budget?", use_case="chatbot_conversational", users=900,
                 budget_monthly_usd=9000.0).budget_monthly_usd == 9000


@pytest.mark.parametrize("text,tier", [("stay on-demand", "on_demand"), ("keep it on on-demand", "on_demand")])
def test_staying_on_a_price_tier(text, tier):
    assert after(text, use_case="chatbot_conversational", users=900, price_tier="spot").price_tier.value == tier


def test_planning_on_cloud_instead_of_owned_cards():
    spec = after("those cards went to another team, please plan on cloud instead", use_case="chatbot_conversational",
                 users=900, cost_model="owned", max_gpus=4)
    assert spec.cost_model.value == "cloud"


@pytest.mark.parametrize("text", ["plan pls", "recs?", "options?", "the plan please"])
def test_the_plan_asked_for_in_a_word(text):
    got = parsed(text, held(use_case="chatbot_conversational", users=900))
    assert "recommend" in [i.value for i in got.intents]


@pytest.mark.parametrize("text", ["approve the top option, deploy to compass", "you can do the deploy of option 2"])
def test_a_deployment_asked_for_in_other_words(text):
    got = parsed(text, held(use_case="chatbot_conversational", users=900))
    assert "deploy" in [i.value for i in got.intents]


# ------------------------------------------------------------------ English as a second language

@pytest.mark.parametrize("text,users", [
    ("Assistant for 220 avocats in our firm.", 220),
    ("Chatbot for 3.500 agentes in the contact centre.", 3500),
    ("Internal chatbot, 900 collaborateurs use it.", 900),
    ("Code completion for 250 programistów.", 250),
])
def test_people_of_another_language_after_a_number_are_users(text, users):
    assert after(text).users == users


def test_polish_thousands_and_months():
    assert after("Budget 15 tys. zł miesięcznie for the chatbot.").budget_monthly_usd == pytest.approx(15000 * 0.277,
                                                                                                       rel=0.01)


@pytest.mark.parametrize("text,field,value", [
    ("first token in max. 0,4 s (p95), 900 users", "ttft_p95_ms", 400),
    ("we have 8 nos. L40S GPUs on-prem", "max_gpus", 8),
    ("Chatbot: 200 users bzw. from autumn 350. Please plan directly for 350.", "users", 350),
])
def test_abbreviations_inside_a_sentence(text, field, value):
    assert getattr(after(text), field) == value


# ------------------------------------------------------------------ workloads told by their content

def test_a_unit_of_the_organisation_named_by_its_size_is_users():
    assert after("Assistant for the 420-person finance department.").users == 420


def test_the_organisations_size_said_after_the_users_changes_nothing():
    assert after("Claims team: 50 handlers and 10 supervisors. We're a 3,000-employee insurer overall.").users == 60


def test_a_topic_named_rules_is_no_priority():
    assert after("Helpdesk bot: benefit questions, travel rules, expense rules.").priority is None


def test_a_multiple_for_a_spell_after_an_event_is_the_peak():
    spec = after("The bot normally sees 2 req/s; the launch email should bring about 8x that for the hour after it goes "
                 "out.")
    assert spec.rps == 2 and spec.peak_rps == 16


def test_a_fraction_of_the_peak_said_on_average():
    spec = after("Roughly 6 requests per second at the lunchtime peak, about a third of that on average.")
    assert spec.peak_rps == 6 and spec.rps == pytest.approx(2)


@pytest.mark.parametrize("text,use_case", [
    ("a bot that takes a GitHub issue and opens a pull request with the fix", "code_generation_detailed"),
    ("account managers draft renewal and upsell emails with it", "content_generation"),
])
def test_work_named_by_what_it_produces(text, use_case):
    assert after(text).use_case.value == use_case


def test_all_of_an_answer_on_screen_is_the_end_to_end_target():
    assert after("the reply must be fully on screen within 9 seconds").e2e_p95_ms == 9000


def test_what_someone_charged_for_the_work_is_no_budget():
    assert after("Translate 50k product pages; last year a vendor did it for $30k.").budget_monthly_usd is None


def test_the_count_after_the_cards():
    spec = after("on-prem: L40S x 6, that's all we get")
    assert spec.max_gpus == 6 and spec.gpus == ["L40S"]


def test_whatever_is_cheapest_that_meets_the_targets():
    assert after("pick whatever's cheapest that hits them").priority.value == "cost"


@pytest.mark.parametrize("text,tokens", [
    ("summaries of 3h board meeting recordings", 3 * 60 * 150 * 1.33),
    ("summarise our white papers (20-40p) into one page", 20000),
])
def test_lengths_in_hours_of_speech_and_pages_abbreviated(text, tokens):
    assert after(text).prompt_tokens == pytest.approx(tokens, rel=0.02)


def test_pence_are_no_pages():
    assert after("it costs 30p per request").prompt_tokens is None


def test_nothing_the_rest_of_the_day_keeps_the_stretch_a_window():
    got = read("We get roughly 12,000 calls between 8am and 2pm, nothing the rest of the day.")
    assert got["window_hours"] == 6 and "peak_rps" not in got


def test_a_rate_keyword_before_round_the_clock_is_no_rate():
    assert read("Summaries API, load is steady 24/7 - 43,200 requests per day.")["rps"] == pytest.approx(0.5)


@pytest.mark.parametrize("text,field,value", [
    ("Translation for our support staff, 2만3천 명 use it every day.", "users", 23000),
    ("Internal chatbot. 年間予算 2億円 (annual budget).", "budget_monthly_usd", 2e8 / 12 * 0.00693),
])
def test_cjk_numbers_inside_english(text, field, value):
    assert getattr(after(text), field) == pytest.approx(value, rel=0.01)


def test_a_message_mostly_in_cjk_is_still_not_understood():
    assert after("我们需要一个聊天机器人，大约五千个用户，预算每月三万元").users is None


def test_a_querys_printed_average_and_peak():
    spec = after("code completion. load from prometheus:\n`sum(rate(completions_total[5m]))` -> avg 45, peak 110")
    assert spec.rps == 45 and spec.peak_rps == 110


def test_the_box_a_load_test_ran_on_is_no_requirement():
    assert after("vllm bench on our current l40s box: 12 req/s before ttft blows up. chatbot for 900 users").gpus == []
