"""The OpenAI Python SDK against `switchboard serve`: chat completions with tools (streamed
and not), a tool result sent back, the Responses API (streamed and not), and a 404.

Reads SWITCHBOARD_URL (…/v1) and SWITCHBOARD_TOKEN; prints one JSON object of findings.
"""
import json
import os
import sys

import openai

client = openai.OpenAI(base_url=os.environ["SWITCHBOARD_URL"], api_key=os.environ["SWITCHBOARD_TOKEN"], max_retries=0)
TOOLS = [{"type": "function", "function": {"name": "weather", "description": "Weather now",
          "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]
ASK = [{"role": "user", "content": "Weather in Oslo?"}]
found = {}

whole = client.chat.completions.create(model="caller", messages=ASK, tools=TOOLS, temperature=0.2, max_tokens=100)
call = whole.choices[0].message.tool_calls[0]
found["chat"] = {"finish": whole.choices[0].finish_reason, "id": call.id, "name": call.function.name,
                 "arguments": json.loads(call.function.arguments)}

calls, finish = {}, None
for chunk in client.chat.completions.create(model="caller", messages=ASK, tools=TOOLS, stream=True,
                                            stream_options={"include_usage": True}):
    for choice in chunk.choices:
        for delta in choice.delta.tool_calls or []:
            entry = calls.setdefault(delta.index, {"id": None, "name": "", "arguments": ""})
            entry["id"] = delta.id or entry["id"]
            entry["name"] += (delta.function.name or "") if delta.function else ""
            entry["arguments"] += (delta.function.arguments or "") if delta.function else ""
        finish = choice.finish_reason or finish
found["chat_stream"] = {"finish": finish, "calls": [dict(c, arguments=json.loads(c["arguments"])) for c in calls.values()]}

back = ASK + [{"role": "assistant", "content": None, "tool_calls": [
    {"id": call.id, "type": "function", "function": {"name": "weather", "arguments": call.function.arguments}}]},
    {"role": "tool", "tool_call_id": call.id, "content": "rain, 4 C"}]
found["tool_result"] = client.chat.completions.create(model="plain", messages=back, tools=TOOLS).choices[0].message.content

RTOOLS = [{"type": "function", "name": "weather", "parameters": TOOLS[0]["function"]["parameters"]}]
response = client.responses.create(model="caller", input="Weather in Oslo?", tools=RTOOLS, instructions="Be brief.")
found["responses"] = {"status": response.status, "text": response.output_text,
                      "types": [item.type for item in response.output],
                      "calls": [json.loads(i.arguments) for i in response.output if i.type == "function_call"]}

types, text = [], ""
for event in client.responses.create(model="plain", input=[{"role": "user", "content": "Hi"}], stream=True):
    types.append(event.type)
    if event.type == "response.output_text.delta":
        text += event.delta
found["responses_stream"] = {"first": types[0], "last": types[-1], "text": text}

try:
    client.chat.completions.create(model="no-such/model", messages=ASK)
    found["not_found"] = None
except openai.NotFoundError as e:
    found["not_found"] = {"status": e.status_code, "code": e.code}

json.dump(found, sys.stdout)
