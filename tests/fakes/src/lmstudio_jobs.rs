//! The fake LM Studio's download jobs, per its REST docs (`developer/rest/download`,
//! `download-status`): `POST /api/v1/models/download` starts a job (or answers
//! `already_downloaded`), `GET /api/v1/models/download/status/:job_id` reports one job and
//! `GET /api/v1/models/download/status` all of them by status.
//!
//! Progress runs on the fake's clock: `downloaded = total × elapsed / (total / speed)`, so a
//! test configures [`Downloads`] (size, speed) and watches it move. Failure injection: the
//! first job fails once it passes [`Downloads::fail_at`]. There is no cancel endpoint (LM
//! Studio documents none): a client that cancels stops polling, and asking for the same model
//! again while its job runs returns that job, still going (an assumption: the docs do not say).
//! A completed job adds its model to the downloaded list (not loaded).

use std::time::Duration;

use serde_json::{json, Value};
use tokio::time::Instant;

use crate::lmstudio::Model;

/// How downloads behave.
#[derive(Debug, Clone)]
pub struct Downloads {
    /// Size of every download.
    pub total_bytes: u64,
    /// Its speed.
    pub bytes_per_second: u64,
    /// The first job fails when this share (0–1) of it is down.
    pub fail_at: Option<f64>,
    /// The model a finished download adds; `None`: one named after the request (the catalog
    /// id, or the Hugging Face repository's name without `-GGUF`, lower case), 20B, Q4_K_M.
    pub adds: Option<Model>,
}

impl Default for Downloads {
    fn default() -> Self {
        Downloads {
            total_bytes: 200_000_000,
            bytes_per_second: 40_000_000,
            fail_at: None,
            adds: None,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Job {
    id: String,
    model: String,
    quantization: Option<String>,
    started: Instant,
    started_at: String,
    fails: bool,
    /// Settled: `completed` or `failed`, with its bytes.
    settled: Option<(&'static str, u64)>,
}

/// The model key a download of `model` gives.
pub(crate) fn key_for(model: &str) -> String {
    match model.strip_prefix("https://huggingface.co/") {
        Some(repo) => {
            let name = repo.rsplit('/').next().unwrap_or(repo).to_ascii_lowercase();
            name.trim_end_matches("-gguf").to_owned()
        }
        None => model.to_owned(),
    }
}

impl Job {
    fn downloaded(&self, script: &Downloads) -> u64 {
        let elapsed = self.started.elapsed().as_secs_f64();
        ((elapsed * script.bytes_per_second as f64) as u64).min(script.total_bytes)
    }

    /// Moves the job on: settles it when it is done or reaches its failure point. Returns the
    /// model it adds when it has just completed.
    fn advance(&mut self, script: &Downloads) -> Option<Model> {
        if self.settled.is_some() {
            return None;
        }
        let now = self.downloaded(script);
        if let Some(share) = script.fail_at.filter(|_| self.fails) {
            let at = (script.total_bytes as f64 * share) as u64;
            if now >= at {
                self.settled = Some(("failed", at));
                return None;
            }
        }
        if now >= script.total_bytes {
            self.settled = Some(("completed", script.total_bytes));
            let key = key_for(&self.model);
            let quant = self.quantization.clone().unwrap_or_else(|| "Q4_K_M".into());
            let added = script.adds.clone().unwrap_or_else(|| {
                let mut m = Model::llm(&key, "20B", &quant, 4.0, 131_072);
                m.display_name = key.rsplit('/').next().unwrap_or(&key).to_owned();
                m
            });
            return Some(added);
        }
        None
    }

    fn status(&self, script: &Downloads) -> Value {
        let total = script.total_bytes;
        match self.settled {
            Some(("completed", bytes)) => json!({"job_id": self.id, "status": "completed",
                "total_size_bytes": total, "downloaded_bytes": bytes,
                "started_at": self.started_at, "completed_at": "2026-12-07T23:59:59.000Z"}),
            Some((status, bytes)) => json!({"job_id": self.id, "status": status,
                "total_size_bytes": total, "downloaded_bytes": bytes, "started_at": self.started_at}),
            None => {
                let done = self.downloaded(script);
                let left = Duration::from_secs_f64(
                    (total - done) as f64 / script.bytes_per_second.max(1) as f64,
                );
                json!({"job_id": self.id, "status": "downloading",
                    "total_size_bytes": total, "downloaded_bytes": done,
                    "bytes_per_second": script.bytes_per_second as f64,
                    "estimated_completion": format!("in {} s", left.as_secs()),
                    "started_at": self.started_at})
            }
        }
    }
}

/// The jobs of one fake.
#[derive(Debug, Default)]
pub(crate) struct Jobs {
    jobs: Vec<Job>,
}

impl Jobs {
    /// `POST /api/v1/models/download`: 200 and a job status, or 400 for a body without `model`.
    pub(crate) fn start(
        &mut self,
        script: &Downloads,
        models: &mut Vec<Model>,
        request: &Value,
    ) -> (u16, Value) {
        let Some(model) = request["model"].as_str().filter(|m| !m.is_empty()) else {
            return (
                400,
                json!({"error": {"type": "invalid_request", "message": "'model' is required"}}),
            );
        };
        self.advance(script, models);
        if models.iter().any(|m| m.key == key_for(model)) {
            return (200, json!({"status": "already_downloaded"}));
        }
        let quantization = request["quantization"].as_str().map(str::to_owned);
        if let Some(running) = self
            .jobs
            .iter()
            .find(|j| j.settled.is_none() && j.model == model && j.quantization == quantization)
        {
            return (200, running.status(script));
        }
        let job = Job {
            id: format!("job_{:010x}", 0x0049_3c7c_9ded_u64 + self.jobs.len() as u64),
            model: model.to_owned(),
            quantization,
            started: Instant::now(),
            started_at: "2026-12-07T23:00:00.000Z".to_owned(),
            fails: self.jobs.is_empty(),
            settled: None,
        };
        let status = job.status(script);
        self.jobs.push(job);
        (200, status)
    }

    fn advance(&mut self, script: &Downloads, models: &mut Vec<Model>) {
        for job in &mut self.jobs {
            if let Some(added) = job.advance(script) {
                if !models.iter().any(|m| m.key == added.key) {
                    models.push(added);
                }
            }
        }
    }

    /// `GET /api/v1/models/download/status[/:job_id]`.
    pub(crate) fn status(
        &mut self,
        script: &Downloads,
        models: &mut Vec<Model>,
        job_id: Option<&str>,
    ) -> (u16, Value) {
        self.advance(script, models);
        match job_id {
            Some(id) => match self.jobs.iter().find(|j| j.id == id) {
                Some(job) => (200, job.status(script)),
                None => (
                    404,
                    json!({"error": {"type": "not_found", "message": format!("No download job with id {id}")}}),
                ),
            },
            None => {
                let mut by =
                    json!({"downloading": [], "completed": [], "failed": [], "paused": []});
                for job in &self.jobs {
                    let status = job.status(script);
                    let key = status["status"]
                        .as_str()
                        .unwrap_or("downloading")
                        .to_owned();
                    if let Some(list) = by[&key].as_array_mut() {
                        list.push(status);
                    }
                }
                (200, by)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_come_from_catalog_ids_and_repository_names() {
        assert_eq!(key_for("openai/gpt-oss-20b"), "openai/gpt-oss-20b");
        assert_eq!(
            key_for("https://huggingface.co/unsloth/MiniMax-M2.1-GGUF"),
            "minimax-m2.1"
        );
    }
}
