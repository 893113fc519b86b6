//! Tests of the chat commands.

use super::*;

#[test]
fn loopback_urls_are_local() {
    assert!(is_loopback("http://127.0.0.1:1234/v1"));
    assert!(is_loopback("http://localhost:11434/v1"));
    assert!(is_loopback("http://[::1]:8000/v1"));
    assert!(!is_loopback("https://api.openai.com/v1"));
    assert!(!is_loopback("https://localhost.example.com/v1"));
}
