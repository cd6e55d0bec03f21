"""OpenAI request parsing and response/chunk shapes, as vLLM's OpenAI-compatible server produces them."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from simulator.server.tokens import TokenCounter, message_text

MAX_STOPS = 4  # OpenAI's limit on stop sequences


class ApiError(Exception):
    """An error answered in OpenAI's shape: {"error": {"message", "type", "param", "code"}}."""

    TYPES = {400: "BadRequestError", 404: "NotFoundError", 413: "RequestTooLargeError",
             429: "RateLimitError", 500: "InternalServerError", 503: "ServiceUnavailableError"}

    def __init__(self, status: int, message: str, param: str | None = None):
        super().__init__(message)
        self.status, self.message, self.param = status, message, param

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.TYPES.get(self.status, "APIError"),
                          "param": self.param, "code": self.status}}


@dataclass
class GenerationParams:
    """What a /v1/completions or /v1/chat/completions body asks for, validated."""

    chat: bool
    model: str
    prompt: str
    prompt_tokens: int
    max_tokens: int | None
    stream: bool = False
    include_usage: bool = False
    continuous_usage: bool = False
    stops: list[str] = field(default_factory=list)
    ignore_eos: bool = False
    temperature: float = 1.0
    seed: int | None = None


def _number(body: dict, key: str, kind: type, lo: float | None = None, hi: float | None = None) -> Any:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and value != int(value)):
        raise ApiError(400, f"'{key}' must be {'an integer' if kind is int else 'a number'}", key)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        bounds = f">= {lo}" if hi is None else f"between {lo} and {hi}"
        raise ApiError(400, f"'{key}' must be {bounds}, got {value}", key)
    return kind(value)


def _stops(body: dict) -> list[str]:
    stop = body.get("stop")
    if stop is None:
        return []
    stops = [stop] if isinstance(stop, str) else stop
    if not isinstance(stops, list) or not all(isinstance(s, str) for s in stops):
        raise ApiError(400, "'stop' must be a string or a list of strings", "stop")
    if len(stops) > MAX_STOPS:
        raise ApiError(400, f"'stop' takes at most {MAX_STOPS} sequences", "stop")
    return [s for s in stops if s]


def _prompt(body: dict, counter: TokenCounter, chat: bool) -> tuple[str, int]:
    if chat:
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise ApiError(400, "'messages' must be a non-empty list", "messages")
        for i, m in enumerate(messages):
            if not isinstance(m, dict) or not isinstance(m.get("role"), str):
                raise ApiError(400, f"messages[{i}] must be an object with a 'role'", "messages")
            if m.get("content") is not None and not isinstance(m["content"], (str, list)):
                raise ApiError(400, f"messages[{i}].content must be a string or a list of parts", "messages")
        text = "\n".join(message_text(m) for m in messages)
        return text, counter.count_chat(messages)
    prompt = body.get("prompt")
    if isinstance(prompt, list) and len(prompt) == 1 and isinstance(prompt[0], (str, list)):
        prompt = prompt[0]
    if isinstance(prompt, str):
        return prompt, counter.count(prompt)
    if isinstance(prompt, list) and prompt and all(isinstance(t, int) and not isinstance(t, bool) for t in prompt):
        return " ".join(f"t{t}" for t in prompt[:2000]), len(prompt)  # token ids: counted as given
    if isinstance(prompt, list) and len(prompt) > 1:
        raise ApiError(400, "the simulator serves one prompt per request (send one request per prompt)", "prompt")
    raise ApiError(400, "'prompt' must be a string or a list of token ids", "prompt")


def parse(body: Any, *, chat: bool, served: tuple[str, ...], max_model_len: int,
          counter: TokenCounter) -> GenerationParams:
    """Validate a request body; raises ApiError (400 bad request, 404 unknown model, 400 too long)."""
    if not isinstance(body, dict):
        raise ApiError(400, "the request body must be a JSON object")
    model = body.get("model")
    if model is None:
        model = served[0]
    if not isinstance(model, str) or model not in served:
        raise ApiError(404, f"The model `{model}` does not exist.", "model")
    n = _number(body, "n", int, 1)
    if n not in (None, 1):
        raise ApiError(400, "the simulator supports n=1 only", "n")
    if body.get("best_of") not in (None, 1):
        raise ApiError(400, "the simulator supports best_of=1 only", "best_of")
    temperature = _number(body, "temperature", float, 0.0, 2.0)
    max_tokens = _number(body, "max_completion_tokens" if chat and body.get("max_completion_tokens") is not None
                         else "max_tokens", int, 1)
    seed = _number(body, "seed", int)
    stream = body.get("stream", False)
    if not isinstance(stream, bool) and stream is not None:
        raise ApiError(400, "'stream' must be a boolean", "stream")
    options = body.get("stream_options") or {}
    if not isinstance(options, dict):
        raise ApiError(400, "'stream_options' must be an object", "stream_options")
    if options and not stream:
        raise ApiError(400, "'stream_options' is only allowed when 'stream' is true", "stream_options")
    stops = _stops(body)
    prompt, prompt_tokens = _prompt(body, counter, chat)
    if prompt_tokens >= max_model_len or prompt_tokens + (max_tokens or 0) > max_model_len:
        requested = prompt_tokens + (max_tokens or 0)
        raise ApiError(400, f"This model's maximum context length is {max_model_len} tokens. However, you requested "
                            f"{requested} tokens ({prompt_tokens} in the {'messages' if chat else 'prompt'}, "
                            f"{max_tokens or 0} in the completion). Please reduce the length of the "
                            f"{'messages' if chat else 'prompt'} or completion.",
                       "messages" if chat else "prompt")
    return GenerationParams(
        chat=chat, model=model, prompt=prompt, prompt_tokens=prompt_tokens, max_tokens=max_tokens,
        stream=bool(stream), include_usage=bool(options.get("include_usage")),
        continuous_usage=bool(options.get("continuous_usage_stats")), stops=stops,
        ignore_eos=bool(body.get("ignore_eos", False)), temperature=1.0 if temperature is None else temperature,
        seed=seed)


def usage(prompt_tokens: int, completion_tokens: int) -> dict[str, int]:
    return {"prompt_tokens": prompt_tokens, "total_tokens": prompt_tokens + completion_tokens,
            "completion_tokens": completion_tokens}


class Shapes:
    """Response bodies and SSE chunks of one request (the per-token chunk is pre-split for speed)."""

    def __init__(self, params: GenerationParams):
        self.chat = params.chat
        self.id = f"{'chatcmpl' if params.chat else 'cmpl'}-{uuid.uuid4().hex}"
        self.created = int(time.time())
        head = {"id": self.id, "object": "chat.completion.chunk" if params.chat else "text_completion",
                "created": self.created, "model": params.model}
        prefix = json.dumps(head)[:-1]
        if params.chat:
            self._pre = f'data: {prefix}, "choices": [{{"index": 0, "delta": {{"content": '.encode()
            self._post = b'}, "logprobs": null, "finish_reason": null}]}\n\n'
        else:
            self._pre = f'data: {prefix}, "choices": [{{"index": 0, "text": '.encode()
            self._post = b', "logprobs": null, "finish_reason": null, "stop_reason": null}]}\n\n'
        self._head = head

    def token_chunk(self, text: str) -> bytes:
        return self._pre + json.dumps(text).encode() + self._post

    def chunk(self, text: str, finish_reason: str | None = None, usage_: dict | None = None, *,
              role: bool = False, stop_reason: str | None = None) -> bytes:
        if self.chat:
            delta: dict[str, Any] = {"role": "assistant", "content": text} if role else {"content": text}
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
        else:
            choice = {"index": 0, "text": text, "logprobs": None, "finish_reason": finish_reason,
                      "stop_reason": stop_reason}
        body: dict[str, Any] = {**self._head, "choices": [choice]}
        if usage_ is not None:
            body["usage"] = usage_
        return b"data: " + json.dumps(body).encode() + b"\n\n"

    def usage_chunk(self, usage_: dict) -> bytes:
        return b"data: " + json.dumps({**self._head, "choices": [], "usage": usage_}).encode() + b"\n\n"

    def full(self, text: str, finish_reason: str, usage_: dict, stop_reason: str | None) -> dict[str, Any]:
        if self.chat:
            choice = {"index": 0, "message": {"role": "assistant", "content": text, "tool_calls": []},
                      "logprobs": None, "finish_reason": finish_reason, "stop_reason": stop_reason}
            obj = "chat.completion"
        else:
            choice = {"index": 0, "text": text, "logprobs": None, "finish_reason": finish_reason,
                      "stop_reason": stop_reason}
            obj = "text_completion"
        return {"id": self.id, "object": obj, "created": self.created, "model": self._head["model"],
                "choices": [choice], "usage": usage_}


DONE = b"data: [DONE]\n\n"
