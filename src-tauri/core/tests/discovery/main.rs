//! Discovery against in-repo fake servers on random loopback ports: LM Studio (v1, v0 only,
//! nothing loaded, token required), foreign servers on its port, silent and refused ports,
//! Ollama, vLLM, llama.cpp, LiteLLM and Jan; the profiles written; `switchboard detect`.

mod cli;
mod lmstudio;
mod lmstudio_jit;
mod others;
mod profile;
mod quick_start;
mod util;
