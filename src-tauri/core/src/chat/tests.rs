//! Engine tests against a fake OpenAI-compatible server: what is saved, the events, retry.
