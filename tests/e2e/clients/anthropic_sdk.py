"""The Anthropic Python SDK against `switchboard serve`: messages with tools, streamed (the
SDK's stream helper) and not, a tool result sent back, and a 404.

Reads SWITCHBOARD_URL (the server root, no /v1) and SWITCHBOARD_TOKEN; prints one JSON object.
"""
import json
import os
import sys

import anthropic

client = anthropic.Anthropic(base_url=os.environ["SWITCHBOARD_URL"], api_key=os.environ["SWITCHBOARD_TOKEN"], max_retries=0)
TOOLS = [{"name": "weather", "description": "Weather now",
          "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}]
ASK = [{"role": "user", "content": "Weather in Oslo?"}]
found = {}

with client.messages.stream(model="caller", max_tokens=200, messages=ASK, tools=TOOLS, system="Be brief.") as stream:
    kinds = [event.type for event in stream]
    final = stream.get_final_message()
found["stream"] = {"stop": final.stop_reason, "blocks": [b.type for b in final.content],
                   "input": [b.input for b in final.content if b.type == "tool_use"],
                   "thinking": [b.thinking for b in final.content if b.type == "thinking"],
                   "events": sorted(set(kinds))}

message = client.messages.create(model="caller", max_tokens=200, messages=ASK, tools=TOOLS)
use = next(b for b in message.content if b.type == "tool_use")
found["whole"] = {"stop": message.stop_reason, "id": use.id, "name": use.name, "input": use.input}

back = ASK + [{"role": "assistant", "content": [{"type": "tool_use", "id": use.id, "name": use.name, "input": use.input}]},
              {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use.id, "content": "rain, 4 C"}]}]
reply = client.messages.create(model="plain", max_tokens=200, messages=back, tools=TOOLS)
found["tool_result"] = "".join(b.text for b in reply.content if b.type == "text")

try:
    client.messages.create(model="no-such/model", max_tokens=10, messages=ASK)
    found["not_found"] = None
except anthropic.NotFoundError as e:
    found["not_found"] = {"status": e.status_code, "type": e.body["error"]["type"]}

json.dump(found, sys.stdout)
