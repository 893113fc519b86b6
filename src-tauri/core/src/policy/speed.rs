//! Measured speed per model: the time to first token and tokens per second of its recent
//! answers (the engine's timing), for "fastest local first" and for the model picker.
//!
//! Only the last [`KEPT`] answers of each model count, so a model that got faster (loaded,
//! moved to a better machine) is seen as faster soon.

use std::collections::{HashMap, VecDeque};

use serde::Serialize;

/// How many recent answers per model are kept.
pub const KEPT: usize = 20;

/// The recent timings of each model.
#[derive(Debug, Clone, Default)]
pub struct SpeedBook {
    by_model: HashMap<String, VecDeque<Sample>>,
}

#[derive(Debug, Clone, Copy)]
struct Sample {
    first_token_ms: u64,
    tokens_per_second: Option<f64>,
}

/// What is known about one model's speed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "ModelSpeed")]
pub struct Speed {
    /// The median time to first token of its recent answers, ms.
    pub median_first_token_ms: u64,
    /// The median tokens per second, when answers reported usage.
    pub median_tokens_per_second: Option<f64>,
    /// How many answers this is from.
    pub answers: usize,
}

impl SpeedBook {
    /// Records one answer of `model` (`provider/model`).
    pub fn record(&mut self, model: &str, first_token_ms: u64, tokens_per_second: Option<f64>) {
        let samples = self.by_model.entry(model.to_owned()).or_default();
        if samples.len() == KEPT {
            samples.pop_front();
        }
        samples.push_back(Sample {
            first_token_ms,
            tokens_per_second: tokens_per_second.filter(|t| t.is_finite()),
        });
    }

    /// What is known about `model`'s speed, if it answered before.
    pub fn speed(&self, model: &str) -> Option<Speed> {
        let samples = self.by_model.get(model).filter(|s| !s.is_empty())?;
        let mut firsts: Vec<u64> = samples.iter().map(|s| s.first_token_ms).collect();
        firsts.sort_unstable();
        let mut rates: Vec<f64> = samples.iter().filter_map(|s| s.tokens_per_second).collect();
        rates.sort_by(f64::total_cmp);
        Some(Speed {
            median_first_token_ms: firsts[firsts.len() / 2],
            median_tokens_per_second: rates.get(rates.len() / 2).copied(),
            answers: samples.len(),
        })
    }

    /// Reorders the entries of `models` for which `local` holds by their median time to first
    /// token, fastest first, in the places local entries had; unmeasured ones keep their order
    /// after the measured ones. Other entries stay where they are.
    pub fn order_local<T>(
        &self,
        models: &mut [T],
        model_of: impl Fn(&T) -> &str,
        local: impl Fn(&T) -> bool,
    ) where
        T: Clone,
    {
        let places: Vec<usize> = (0..models.len()).filter(|&i| local(&models[i])).collect();
        let mut chosen: Vec<T> = places.iter().map(|&i| models[i].clone()).collect();
        chosen.sort_by_key(|m| {
            self.speed(model_of(m))
                .map_or(u64::MAX, |s| s.median_first_token_ms)
        });
        for (place, model) in places.into_iter().zip(chosen) {
            models[place] = model;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_recent_answers_and_only_the_last_twenty() {
        let mut book = SpeedBook::default();
        assert_eq!(book.speed("a/m"), None);
        for ms in [300, 100, 200] {
            book.record("a/m", ms, Some(ms as f64));
        }
        let speed = book.speed("a/m").expect("known");
        assert_eq!(speed.median_first_token_ms, 200);
        assert_eq!(speed.median_tokens_per_second, Some(200.0));
        for _ in 0..KEPT {
            book.record("a/m", 50, None);
        }
        let speed = book.speed("a/m").expect("known");
        assert_eq!((speed.median_first_token_ms, speed.answers), (50, KEPT));
        assert_eq!(speed.median_tokens_per_second, None);
    }

    #[test]
    fn local_entries_are_ordered_fastest_first_in_their_own_places() {
        let mut book = SpeedBook::default();
        book.record("local/slow", 900, None);
        book.record("local/fast", 80, None);
        let mut plan = vec!["local/slow", "hosted/x", "local/new", "local/fast"];
        book.order_local(&mut plan, |m| m, |m| m.starts_with("local/"));
        assert_eq!(plan, ["local/fast", "hosted/x", "local/slow", "local/new"]);
    }
}
