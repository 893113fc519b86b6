//! "Retry on next route": which candidates a retry asks after a model broke mid-answer.
//!
//! A model that breaks after its first token usually breaks because its server did (a crash,
//! a dropped connection, a proxy cut), so the retry skips every later candidate served from
//! the same origin (scheme, host and port of the provider's base URL), not only the model
//! that failed.

use url::Origin;

use super::candidates::Candidate;
use super::health::provider_of;

/// The candidates of `plan` after `failed`, minus those on the same server as `failed`.
/// `origin_of` gives a provider's server origin (`None`: unknown, then only the provider id
/// itself counts as the same server). A `failed` model missing from the plan drops nothing
/// before it.
pub(crate) fn after_failure(
    mut plan: Vec<Candidate>,
    failed: &str,
    origin_of: impl Fn(&str) -> Option<Origin>,
) -> Vec<Candidate> {
    let after = plan
        .iter()
        .position(|c| c.model_ref == failed)
        .map_or(0, |i| i + 1);
    plan.drain(..after);
    let failed_provider = provider_of(failed);
    let failed_origin = origin_of(failed_provider);
    plan.retain(|c| {
        let provider = provider_of(&c.model_ref);
        let same_provider = provider == failed_provider;
        let same_origin = failed_origin
            .as_ref()
            .is_some_and(|o| origin_of(provider).as_ref() == Some(o));
        !(same_provider || same_origin)
    });
    plan
}

/// The origin of a base URL, if it parses.
pub(crate) fn origin_of_url(url: &str) -> Option<Origin> {
    url::Url::parse(url).ok().map(|u| u.origin())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(refs: &[&str]) -> Vec<Candidate> {
        refs.iter()
            .map(|r| Candidate {
                model_ref: (*r).to_owned(),
                context_window: None,
                max_tokens: None,
            })
            .collect()
    }

    fn refs(plan: &[Candidate]) -> Vec<&str> {
        plan.iter().map(|c| c.model_ref.as_str()).collect()
    }

    fn servers(provider: &str) -> Option<Origin> {
        let url = match provider {
            "a" => "http://127.0.0.1:8000/v1",
            "a2" => "http://127.0.0.1:8000/other/v1",
            "b" => "http://127.0.0.1:9000/v1",
            "https" => "https://example.com/v1",
            "https443" => "https://example.com:443/api",
            _ => return None,
        };
        origin_of_url(url)
    }

    #[test]
    fn candidates_on_the_failed_models_server_are_skipped() {
        let left = after_failure(plan(&["a/x", "a2/y", "a/z", "b/w"]), "a/x", servers);
        assert_eq!(refs(&left), ["b/w"]);
    }

    #[test]
    fn the_same_provider_counts_as_the_same_server_even_without_a_url() {
        let left = after_failure(plan(&["u/x", "u/y", "v/z"]), "u/x", servers);
        assert_eq!(refs(&left), ["v/z"]);
    }

    #[test]
    fn default_ports_are_the_same_origin_and_other_hosts_stay() {
        let left = after_failure(plan(&["https/x", "https443/y", "a/z"]), "https/x", servers);
        assert_eq!(refs(&left), ["a/z"]);
    }

    #[test]
    fn candidates_before_the_failed_one_are_not_asked_again() {
        let left = after_failure(plan(&["b/w", "a/x", "b/v"]), "a/x", servers);
        assert_eq!(refs(&left), ["b/v"]);
    }

    #[test]
    fn a_model_missing_from_the_plan_drops_no_candidate() {
        let left = after_failure(plan(&["a/z", "b/w"]), "gone/x", servers);
        assert_eq!(refs(&left), ["a/z", "b/w"]);
    }
}
