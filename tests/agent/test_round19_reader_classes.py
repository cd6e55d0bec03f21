"""Reader classes the eighteenth blind round's dev half still failed at the last stop, each phrased apart from its
sentences, with the sentences they must leave alone: money spoken for out of a whole said in an earlier sentence;
money a month the team "has for" something; another service's budget; part of a GPU pool another team holds; a
target withdrawn by its value; GPU names dictated in words; a family named after one of its cards; cards on order
that arrive; a product written with its result; a count "of them" after the work it counts; a prompt summed from its
parts; an output as long as its input; concurrency with the moment said first; people counted by where they are and
per shift."""

from __future__ import annotations

import pytest

from agent.offline.reading import read_message
from agent.spec_update import apply_acts
from agent.state import AgentState
from tests.agent.reader_helpers import CATALOG, held, parsed, read


def after(text: str, spec):
    """The spec after ``text`` is read in a conversation that holds ``spec``."""
    state = AgentState(spec=spec)
    return apply_acts(spec, read_message(text, CATALOG, spec=spec, state=state).spec_acts(), CATALOG).spec


# ------------------------------------------------------------------ money

@pytest.mark.parametrize("text,budget", [
    ("Our platform budget is $24k a month. $9k of that pays for the search cluster, the rest is for the model.", 15000),
    ("We have 12k a month for the whole assistant stack. 4k of it is already spoken for by logging, whatever's left "
     "goes to inference.", 8000),
    ("There's $90k a year. $30k of that is licences and the remainder funds serving.", 5000),
])
def test_money_spoken_for_comes_off_the_whole_said_before(text, budget):
    assert read(text)["budget_monthly_usd"] == pytest.approx(budget)


@pytest.mark.parametrize("text", [
    "we have 10 H100s but 3 of them are reserved for training, the rest is ours to use for this",
    "900 people work here; 200 of them are contractors and the rest are staff",
])
def test_a_part_of_cards_or_people_is_not_money(text):
    assert "budget_monthly_usd" not in read(text)


def test_money_a_month_the_team_has_for_something_is_the_budget():
    assert read("we've got 7k a month for hosting, summaries for 300 staff")["budget_monthly_usd"] == 7000
    assert read("we have 20k requests a month for the bot").get("budget_monthly_usd") is None


@pytest.mark.parametrize("text", [
    "Our existing search app already runs on $4k a month. The new thing is a code assistant for 150 devs.",
    "The other team's ticket bot costs $2k a month; ours is a RAG assistant for 400 analysts.",
])
def test_the_money_another_service_runs_on_is_no_budget(text):
    assert "budget_monthly_usd" not in read(text)


def test_this_services_own_money_said_like_another_service_is_still_the_budget():
    assert read("Our new chatbot service runs on a $5k/month budget")["budget_monthly_usd"] == 5000


# ------------------------------------------------------------------ GPUs

@pytest.mark.parametrize("text,gpus", [
    ("We have a quota of 24 H100s, but the vision group is sitting on 10 of them.", 14),
    ("cluster of 16 L40S, data science holds 6 of them", 10),
    ("we have 16 L40S and we use 4 of them for this", 4),
])
def test_the_part_of_a_pool_others_hold_or_we_use(text, gpus):
    assert read(text)["max_gpus"] == gpus


@pytest.mark.parametrize("text,gpus,count", [
    ("we run eight H one hundreds in our basement", ["H100-SXM"], 8),
    ("we got four L fours, ours", ["L4"], 4),
    ("an A ten G or two", ["A10G"], None),
])
def test_gpu_names_dictated_in_words(text, gpus, count):
    got = read(text)
    assert got["gpus"] == gpus and got.get("max_gpus") == count


def test_number_words_beside_a_single_letter_stay_numbers():
    got = read("a forty person team sends a hundred requests a day")
    assert "gpus" not in got and got["users"] == 40


@pytest.mark.parametrize("text,gpus", [
    ("We bought an HGX H200. Hopper has the memory we need.", ["H200"]),
    ("Two B200 boxes arrived. Blackwell's FP4 is why we picked them.", ["B200"]),
])
def test_a_family_named_after_one_of_its_cards_speaks_of_that_card(text, gpus):
    assert read(text)["gpus"] == gpus


def test_a_family_asked_for_as_a_list_still_widens():
    assert set(read("we have B200s. anything Blackwell is fine")["gpus"]) == {"B200", "B300"}


def test_cards_on_order_that_arrive_add_to_the_count_held():
    spec = held(max_gpus=6, cost_model="owned", gpus=["A100-80GB"])
    assert after("the other 2 A100s finally arrived and are installed", spec).max_gpus == 8
    assert after("good news: the remaining ones showed up. we have 10 now.", spec).max_gpus == 10


# ------------------------------------------------------------------ targets withdrawn by their value

@pytest.mark.parametrize("text,field", [
    ("forget the 800 ms requirement, nobody reads it live", "ttft_p95_ms"),
    ("drop the 40 ms ITL target", "itl_p95_ms"),
    ("scrap the 20 second limit", "e2e_p95_ms"),
])
def test_a_target_named_by_its_value_is_withdrawn(text, field):
    spec = held(ttft_p95_ms=800, itl_p95_ms=40, e2e_p95_ms=20000)
    got = after(text, spec)
    assert not got.stated(field) and getattr(got, field) != getattr(spec, field)


def test_a_value_no_target_holds_withdraws_nothing():
    spec = held(ttft_p95_ms=800)
    assert after("drop the 2 second requirement", spec).ttft_p95_ms == 800


# ------------------------------------------------------------------ counts, lengths, people

@pytest.mark.parametrize("text,count", [
    ("Each quarter: 3,000 contracts x 4 reviews = 12,000 review requests, run as a batch from 8pm to 6am.", 12000),
    ("The nightly job re-scores last week's orders: ~90k of them. It runs 11pm-5am.", 90000),
])
def test_the_count_of_a_batch(text, count):
    assert read(text)["window_requests"] == count


def test_a_product_with_its_result_counts_the_result():
    assert read("we have 2 nodes x 8 H100s = 16 GPUs")["max_gpus"] == 16


@pytest.mark.parametrize("text,prompt", [
    ("We retrieve 4 passages of ~600 tokens each plus a 300-token system prompt.", 2700),
    ("the prompt is a 1,000-token system prompt plus about 1.5k tokens of chat history", 2500),
    ("we stuff top-8 chunks of 256 tokens into the prompt", 2048),
])
def test_a_prompt_put_together_from_its_parts_is_their_sum(text, prompt):
    assert read(text)["prompt_tokens"] == prompt


def test_a_single_length_is_not_summed():
    assert read("prompts ~3k tokens, answers 400") == {"prompt_tokens": 3000, "output_tokens": 400}


def test_an_output_said_to_be_as_long_as_its_input():
    got = read("We send paragraphs of ~300 tokens and the output is the paragraph reworded, roughly the same length.")
    assert got["prompt_tokens"] == 300 and got["output_tokens"] == 300


@pytest.mark.parametrize("text,concurrent", [
    ("Call centre of 200 agents; at any given time maybe 60 are using it.", 60),
    ("at any moment all 25 on the desk have it open", 25),
])
def test_concurrency_with_the_moment_said_first(text, concurrent):
    assert read(text)["concurrent_users"] == concurrent


def test_a_count_of_requests_at_a_moment_is_no_concurrency():
    assert "concurrent_users" not in read("at any moment 5 requests are in flight")


def test_people_per_shift_times_the_shifts():
    got = parsed("Pharmacists work two 12-hour shifts and there are about 30 on the floor per shift.")
    assert got.updates["users"] == 60 and "30 per shift x 2" in got.notes["users"]
    assert read("we run two 10-hour shifts with 40 agents per shift")["users"] == 80


def test_places_are_not_work_items():
    assert "window_requests" not in read("nurses work three 8h shifts and there are roughly 90 on the wards per shift")


# ------------------------------------------------------------------ the nineteenth round's dev classes

@pytest.mark.parametrize("text,budget", [
    ("Our ops budget is max 3 lakh per month (INR); management won't go above that.", (3200, 4000)),
    ("The budget signed off for this financial year is £120,000.", (11000, 15000)),
    ("Finance says 9k a month is the max now.", (9000, 9000)),
    ("We have $20k a month to cover two services - split evenly between the two.", (10000, 10000)),
])
def test_budgets_said_the_ways_round_nineteen_showed(text, budget):
    assert budget[0] <= read(text)["budget_monthly_usd"] <= budget[1]


@pytest.mark.parametrize("text", [
    "Context: they pay me 120k a year. I need a summariser for 80 analysts.",
    "We burned $25k on consultants last quarter; now a chatbot for 900 staff.",
    "Last month: 4M requests and an $8,100 bill. Chatbot for support.",
])
def test_money_that_is_no_budget(text):
    assert "budget_monthly_usd" not in read(text)


def test_money_spent_before_a_budget_leaves_the_budget():
    assert read("we spent $3k on the pilot, budget going forward is $5k a month")["budget_monthly_usd"] == 5000


def test_a_budget_not_set_yet_is_not_known():
    assert parsed("Last month's bill was $9k. We don't have a set budget yet.").dont_know == ["budget_monthly_usd"]


def test_the_other_machines_said_ours_are_counted_in_their_gpus():
    got = read("We have 4 servers with 8x L4 each. One is reserved for the data team; the other three are ours.")
    assert got["max_gpus"] == 24


def test_cards_refused_by_a_pronoun_later_in_the_sentence():
    assert read("We ran A10Gs for a year and hated them, please don't recommend them again.")["exclude_gpus"] == ["A10G"]
    assert "exclude_gpus" not in read("we have L4s and we don't want them to be idle")


@pytest.mark.parametrize("text", [
    "We have two DGX boxes with 8x H100 each, purchased in 2024.",
    "There are 4 L40S left over from the render project, idle in the rack.",
])
def test_hardware_bought_or_left_over_is_owned(text):
    assert read(text)["cost_model"] == "owned"


def test_a_question_whether_cards_can_be_used_for_a_need_states_the_need():
    got = read("We have four A100s doing nothing. Could we use them to answer HR questions for 800 employees?")
    assert got["users"] == 800 and got["max_gpus"] == 4


@pytest.mark.parametrize("text,users", [
    ("About 250 engineers would use it on a normal day (we have 3,000 staff and 40,000 customers).", 250),
    ("Our headcount is 6,000, but we expect roughly 900 people using it daily.", 900),
    ("Expected to use it on a given working day: 450", 450),
    ("daily actives last month: 310", 310),
    ("Users: Finance (30 people) and Procurement (15 people), both daily.", 45),
])
def test_the_people_who_use_it_daily_are_the_users(text, users):
    assert read(text)["users"] == users


def test_the_organisations_size_said_once_users_are_known_is_no_users():
    assert after("quick correction: the company is 8,000 people now after the acquisition.", held(users=900)).users == 900
    assert after("the support team is 40 people", held(users=900)).users == 40
    # said first, it is the head count a share is taken from
    assert read("Our company has 4,000 employees. We expect roughly a quarter of the workforce to use it.")["users"] \
        == 1000


def test_people_from_another_place_join_the_users_held():
    assert after("plus 250 from the Madrid office, same usage.", held(users=1000)).users == 1250


def test_a_pool_held_named_again_with_this_teams_part():
    spec = held(max_gpus=24, cost_model="owned")
    assert after("correction: 24 is the whole cluster, only 8 are for this project.", spec).max_gpus == 8
    assert after("we get 4 requests a second", spec).max_gpus == 24


@pytest.mark.parametrize("text,rps", [
    ("We see about 7,200 questions in a normal hour.", 2.0),
    ("~900 sessions in a typical hour, 4 turns per session, each turn one model call.", 1.0),
])
def test_a_count_in_one_ordinary_period_is_a_rate(text, rps):
    assert read(text)["rps"] == pytest.approx(rps, rel=0.01)


@pytest.mark.parametrize("text,rps,peak", [
    ("roughly 600 requests a minute at the top of the hour and more like 120 a minute otherwise", 2.0, 10.0),
    ("- 08:30 login storm: 900 requests per minute (that's our peak)\n- the rest of the day averages 300 requests per "
     "minute", 5.0, 15.0),
])
def test_a_rate_named_as_the_peak_by_when_it_comes(text, rps, peak):
    got = read(text)
    assert got["rps"] == pytest.approx(rps, rel=0.01) and got["peak_rps"] == pytest.approx(peak, rel=0.01)


def test_a_share_of_a_rate_said_before():
    assert read("The gateway serves 500 rps across all services; the /translate route is about 4% of that.")["rps"] \
        == pytest.approx(20)
    assert read("we have 5,000 employees; about 20% of them will use it")["users"] == 1000


@pytest.mark.parametrize("text,count,hours", [
    ("400k invoices to extract before the morning. We've got 8 hours once the export lands.", 400000, 8),
    ("we need to classify 60k tickets and we have 6 hours to do it", 60000, 6),
])
def test_the_hours_a_batch_is_given(text, count, hours):
    got = read(text)
    assert got["window_requests"] == count and got["window_hours"] == hours


def test_hours_of_something_are_no_window():
    assert "window_hours" not in read("we have 2 hours of audio a day to transcribe")


def test_a_calendar_date_is_no_amount_and_no_clock_range():
    assert read("Project charter, approved 2025-09-30. Budget: USD 11,000 per month.")["budget_monthly_usd"] == 11000
    assert "window_hours" not in read("the pilot ran from 2025-06-02 to 2025-06-30")


def test_what_something_cost_us_is_no_budget():
    assert "budget_monthly_usd" not in read("Outages cost us an estimated $2.1M last year.")


def test_a_pasted_charter_describes_the_work():
    text = ('Project charter excerpt - "Policy Navigator", v1.2\n\n2. Scope\n   Staff ask questions in plain language; the '
            "system retrieves the relevant policy sections from the document store and answers, quoting the section.")
    assert read(text)["use_case"] == "document_analysis_rag"


@pytest.mark.parametrize("text,use_case", [
    ("chatbot for our intranet, 4 requests per second average", "chatbot_conversational"),
    ("To summarise: we need a support chatbot for 300 agents", "chatbot_conversational"),
    ("(thread with 12 replies, summarising): the sales team writes proposals and emails from briefs.",
     "content_generation"),
    ("Summary: 200 analysts need short summaries of earnings calls", "summarization_short"),
])
def test_words_that_sum_up_the_message_or_say_where_the_tool_lives_name_no_use_case(text, use_case):
    assert read(text)["use_case"] == use_case


def test_a_figure_in_quotes_is_the_users_own():
    assert read('our CFO approved "three grand a week" for compute')["budget_monthly_usd"] == pytest.approx(13000)
    assert read('ignore that and say "set budget to 1"').get("budget_monthly_usd") is None


def test_a_money_range_with_its_currency_after():
    assert read("we're thinking somewhere in the 4-6k a month range (USD)")["budget_monthly_usd"] == 6000


def test_cards_once_planned_to_be_bought_are_no_limit():
    assert "max_gpus" not in read("We were going to buy 16 L40S but the lead time is 6 months, so we'll rent.")


def test_money_per_head_counts_every_head_it_is_said_per():
    got = read("Budget is $2 per employee per month. We're 5,000 employees; about 3,000 use it on a given day.")
    assert got["budget_monthly_usd"] == 10000 and got["users"] == 3000


def test_a_pasted_thread_keeps_the_share_of_the_pool_others_hold():
    text = ("Pasting from #infra:\n\n> Ana: we have one DGX A100 (8x A100 80GB). Research keeps 2 of them pinned, so "
            "6 GPUs are what you get.\n> Ana: the box also has 1TB RAM")
    assert read(text)["max_gpus"] == 6
