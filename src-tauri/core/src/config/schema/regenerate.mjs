// Regenerates openclaw-schema.json from OpenClaw's own JSON Schema:
//   openclaw config schema > full.json && node regenerate.mjs full.json 2026.9.6 > openclaw-schema.json
// Keeps the parts Switchboard models (`models`, `agents.defaults.model/models`) and the key lists
// of the objects around them; drops titles and descriptions.
import { readFileSync } from "node:fs";
const [file, version] = process.argv.slice(2);
const s = JSON.parse(readFileSync(file, "utf8"));
const strip = (o) => Array.isArray(o) ? o.map(strip) : o && typeof o === "object"
  ? Object.fromEntries(Object.entries(o).filter(([k]) => !["title", "description", "$schema", "default", "examples"].includes(k)).map(([k, v]) => [k, strip(v)]))
  : o;
const agents = s.properties.agents, defaults = agents.properties.defaults;
console.log(JSON.stringify({
  version,
  rootKeys: Object.keys(s.properties),
  agentsKeys: Object.keys(agents.properties),
  agentsDefaultsKeys: Object.keys(defaults.properties),
  models: strip(s.properties.models),
  agentModel: strip(defaults.properties.model),
  agentModels: strip(defaults.properties.models),
}, null, 1));
