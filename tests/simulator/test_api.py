"""The OpenAI-compatible API of a live simulator, through the official OpenAI client."""

from __future__ import annotations

import httpx
import pytest

from tests.simulator.conftest import MODEL

openai = pytest.importorskip("openai")

from k8s.constants import VLLM_VERSION  # noqa: E402

PROMPT = "How should I plan the upgrade of our Kubernetes clusters next quarter?"


def test_models_health_version(sim, client):
    models = client.models.list()
    assert [m.id for m in models.data] == [MODEL]
    assert httpx.get(f"{sim.url}/health").status_code == 200
    # the release a deployment of this model runs (the pinned image), not an older calibration's
    assert httpx.get(f"{sim.url}/version").json()["version"] == VLLM_VERSION.removeprefix("v")


def test_completion(client):
    r = client.completions.create(model=MODEL, prompt=PROMPT, max_tokens=16)
    assert r.object == "text_completion" and r.model == MODEL
    assert r.choices[0].finish_reason == "length"
    assert r.choices[0].text.strip()
    assert r.usage.completion_tokens == 16
    assert r.usage.prompt_tokens > 5
    assert r.usage.total_tokens == r.usage.prompt_tokens + 16


def test_chat_completion(client):
    r = client.chat.completions.create(model=MODEL, max_tokens=24, messages=[
        {"role": "system", "content": "You are a helpful assistant."}, {"role": "user", "content": PROMPT}])
    assert r.object == "chat.completion"
    assert r.choices[0].message.role == "assistant" and r.choices[0].message.content
    assert r.usage.completion_tokens == 24
    # the chat template adds tokens to the messages' own
    plain = client.completions.create(model=MODEL, prompt=PROMPT, max_tokens=1).usage.prompt_tokens
    assert r.usage.prompt_tokens > plain


def test_streaming_completion_matches_plain(client):
    plain = client.completions.create(model=MODEL, prompt=PROMPT, max_tokens=20, temperature=0)
    chunks = list(client.completions.create(model=MODEL, prompt=PROMPT, max_tokens=20, temperature=0, stream=True,
                                            stream_options={"include_usage": True}))
    texts = [c.choices[0].text for c in chunks if c.choices]
    assert len(texts) == 20  # one chunk per token
    assert "".join(texts) == plain.choices[0].text
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "length"
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == 20
    assert chunks[-1].usage.prompt_tokens == plain.usage.prompt_tokens


def test_streaming_chat(client):
    stream = client.chat.completions.create(model=MODEL, max_tokens=12, stream=True,
                                            messages=[{"role": "user", "content": "Write a python function to merge "
                                                                                  "two sorted lists"}])
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason == "length"
    assert all(c.usage is None for c in chunks)  # no include_usage: no usage chunk
    assert len(chunks) == 12


def test_content_follows_the_prompt(client):
    def answer(prompt: str) -> str:
        return client.completions.create(model=MODEL, prompt=prompt, max_tokens=60, temperature=0).choices[0].text

    assert "```" in answer("Write a Python function that parses a CSV file")
    assert "summary" in answer("Summarize the following report: revenue grew in every region.").lower()
    assert "```" not in answer("What should I cook tonight?")


def test_deterministic_for_a_seed(client):
    a = client.completions.create(model=MODEL, prompt=PROMPT, max_tokens=30, temperature=0.8, seed=11)
    b = client.completions.create(model=MODEL, prompt=PROMPT, max_tokens=30, temperature=0.8, seed=11)
    assert a.choices[0].text == b.choices[0].text


def test_natural_end_without_max_tokens(client):
    r = client.completions.create(model=MODEL, prompt=PROMPT)
    assert r.choices[0].finish_reason == "stop"
    assert 20 < r.usage.completion_tokens < 1000


@pytest.mark.parametrize("stream", [False, True])
def test_stop_sequence(client, stream):
    full = client.completions.create(model=MODEL, prompt=PROMPT, max_tokens=40, temperature=0).choices[0].text
    words = full.split()
    stop = " " + words[len(words) // 2]
    expected = full[:full.index(stop)]
    r = client.completions.create(model=MODEL, prompt=PROMPT, max_tokens=40, temperature=0, stop=[stop, "@@@"],
                                  stream=stream, stream_options={"include_usage": True} if stream else None)
    if stream:
        chunks = list(r)
        text = "".join(c.choices[0].text for c in chunks if c.choices)
        finish = [c.choices[0].finish_reason for c in chunks if c.choices][-1]
        used = chunks[-1].usage.completion_tokens
    else:
        text, finish, used = r.choices[0].text, r.choices[0].finish_reason, r.usage.completion_tokens
    assert text == expected
    assert finish == "stop"
    assert used < 40


def test_unknown_model_is_404(client):
    with pytest.raises(openai.NotFoundError) as err:
        client.completions.create(model="no-such/model", prompt="hi", max_tokens=4)
    assert err.value.status_code == 404
    assert "does not exist" in str(err.value)


def test_canonical_id_is_accepted():
    from tests.simulator.conftest import start

    server = start(model="qwen2.5-7b-instruct", max_model_len=2048)  # served as given, canonical id accepted too
    try:
        c = openai.OpenAI(base_url=server.base_url, api_key="x", max_retries=0)
        assert c.completions.create(model="qwen2.5-7b-instruct", prompt="hi", max_tokens=2).model == \
            "qwen2.5-7b-instruct"
        assert c.completions.create(model=MODEL, prompt="hi", max_tokens=2).model == MODEL
    finally:
        server.stop()


def test_prompt_longer_than_max_model_len(client):
    with pytest.raises(openai.BadRequestError) as err:
        client.completions.create(model=MODEL, prompt="word " * 5000, max_tokens=4)
    assert "maximum context length is 4096" in str(err.value)
    with pytest.raises(openai.BadRequestError):  # prompt fits, prompt + max_tokens does not
        client.completions.create(model=MODEL, prompt="word " * 3000, max_tokens=2000)


@pytest.mark.parametrize("body", [
    {"model": MODEL, "prompt": "hi", "n": 2},
    {"model": MODEL, "prompt": "hi", "temperature": 7},
    {"model": MODEL, "prompt": "hi", "max_tokens": 0},
    {"model": MODEL, "prompt": "hi", "max_tokens": "ten"},
    {"model": MODEL, "prompt": "hi", "stop": [1, 2]},
    {"model": MODEL},
    {"model": MODEL, "prompt": "hi", "stream_options": {"include_usage": True}},
])
def test_bad_requests_are_400(sim, body):
    r = httpx.post(f"{sim.base_url}/completions", json=body)
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["type"] == "BadRequestError" and err["code"] == 400 and err["message"]


def test_bad_chat_and_bad_json_are_400(sim):
    assert httpx.post(f"{sim.base_url}/chat/completions", json={"model": MODEL, "messages": []}).status_code == 400
    r = httpx.post(f"{sim.base_url}/completions", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and "JSON" in r.json()["error"]["message"]
