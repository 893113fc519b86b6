//! History store benchmark: builds a history of generated messages of realistic lengths
//! (default 100 000; `HISTORY_BENCH_MESSAGES` overrides), then measures
//!
//! - the insert rate while building it (each message its own transactions, as in the app),
//! - flushes of a streaming answer on the full database,
//! - search latency p50/p99 over a mix of English, prefix, phrase, Korean and Chinese queries,
//! - database size per 1 000 messages,
//! - open time (what app start pays) with that database versus an empty one (same run).
//!
//! `cargo bench -p switchboard-core --bench history`. `HISTORY_BENCH_DIR` keeps the database
//! in that folder (reused when it is already there) instead of a temporary one.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use switchboard_core::history::{Finish, HistoryStore, MessageStatus, Role};
use switchboard_core::providers::Usage;

const ENGLISH: &[&str] = &[
    "the",
    "a",
    "to",
    "of",
    "and",
    "in",
    "is",
    "it",
    "you",
    "that",
    "for",
    "on",
    "with",
    "as",
    "this",
    "be",
    "are",
    "can",
    "or",
    "if",
    "use",
    "not",
    "your",
    "we",
    "will",
    "an",
    "by",
    "from",
    "model",
    "context",
    "token",
    "tokens",
    "file",
    "function",
    "error",
    "server",
    "request",
    "response",
    "value",
    "return",
    "string",
    "memory",
    "python",
    "rust",
    "async",
    "thread",
    "lock",
    "database",
    "query",
    "index",
    "search",
    "config",
    "provider",
    "router",
    "latency",
    "stream",
    "message",
    "history",
    "window",
    "prompt",
    "answer",
    "reasoning",
    "example",
    "because",
    "should",
    "would",
    "could",
    "first",
    "second",
    "then",
    "when",
    "where",
    "which",
    "while",
    "write",
    "writes",
    "writer",
    "reader",
    "readers",
    "cache",
    "performance",
    "quantization",
    "gguf",
    "weights",
    "layer",
    "attention",
    "embedding",
    "vector",
    "matrix",
    "compile",
    "compiler",
    "build",
    "test",
    "tests",
    "deploy",
    "docker",
    "kubernetes",
    "network",
    "socket",
    "timeout",
    "retry",
    "fallback",
    "primary",
    "local",
    "hosted",
    "openai",
    "anthropic",
    "ollama",
    "studio",
    "vllm",
    "llama",
    "qwen",
    "mistral",
    "gemma",
    "deepseek",
    "recipe",
    "travel",
    "weather",
    "budget",
    "invoice",
    "email",
    "meeting",
    "schedule",
    "summary",
    "translate",
    "explain",
    "difference",
    "between",
    "better",
    "faster",
    "smaller",
    "larger",
    "always",
    "never",
    "maybe",
    "probably",
    "important",
    "simple",
    "complex",
    "problem",
    "solution",
    "approach",
    "option",
    "options",
    "default",
    "setting",
    "settings",
    "install",
    "update",
    "version",
    "release",
    "feature",
    "bug",
    "issue",
    "fix",
    "patch",
    "commit",
    "branch",
    "merge",
    "review",
    "documentation",
    "tutorial",
    "guide",
    "chapter",
    "story",
    "character",
    "dialogue",
    "poem",
    "essay",
    "argument",
    "evidence",
];
const KOREAN: &[&str] = &[
    "서울에서",
    "날씨가",
    "어때요",
    "오늘은",
    "내일",
    "모델을",
    "사용하면",
    "됩니다",
    "질문이",
    "있어요",
    "데이터베이스",
    "검색",
    "성능이",
    "좋아요",
    "한국어",
    "번역해",
    "주세요",
    "설정을",
    "바꾸면",
    "서버가",
    "응답하지",
    "않아요",
    "메모리",
    "부족",
    "문제가",
    "해결",
    "방법은",
    "무엇인가요",
    "대한민국의",
    "수도는",
    "서울특별시입니다",
    "프로그램",
    "작성",
    "코드를",
    "설명해",
    "예시를",
    "보여",
    "그리고",
    "하지만",
    "그래서",
];
const CHINESE: &[&str] = &[
    "北京今天天气很好",
    "我用Rust写了一个程序",
    "模型的上下文长度",
    "请帮我翻译这段话",
    "数据库查询太慢了",
    "东京の天気は晴れです",
    "量化模型的性能",
    "服务器没有响应",
    "这个问题怎么解决",
    "本地部署大模型",
];

/// A small deterministic generator (xorshift64*), so every run builds the same history.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Zipf-like: low indexes much more often, like real word frequencies.
    fn zipf(&mut self, n: usize) -> usize {
        ((n as f64).powf(self.unit()) as usize)
            .saturating_sub(1)
            .min(n - 1)
    }
    /// Log-normal length around `median` characters, clamped.
    fn length(&mut self, median: f64, min: usize, max: usize) -> usize {
        let normal: f64 = (0..6).map(|_| self.unit()).sum::<f64>() - 3.0;
        ((median * (normal * 0.8).exp()) as usize).clamp(min, max)
    }
}

fn text(rng: &mut Rng, chars: usize) -> String {
    let mut out = String::with_capacity(chars + 16);
    let script = rng.below(100);
    while out.len() < chars {
        let word = match script {
            0..=84 => ENGLISH[rng.zipf(ENGLISH.len())],
            85..=94 => KOREAN[rng.zipf(KOREAN.len())],
            _ => CHINESE[rng.below(CHINESE.len())],
        };
        out.push_str(word);
        out.push(if rng.below(12) == 0 { '.' } else { ' ' });
        if rng.below(40) == 0 {
            out.push_str("\n\n");
        }
    }
    out
}

fn build(store: &HistoryStore, messages: usize, rng: &mut Rng) -> Duration {
    let started = Instant::now();
    let mut written = 0;
    while written < messages {
        let chat = store.create_conversation(None).expect("creates");
        let turns = 1 + rng.below(8);
        for _ in 0..turns {
            if written >= messages {
                break;
            }
            let n = rng.length(150.0, 10, 3000);
            store
                .add_message(chat.id, Role::User, &text(rng, n))
                .expect("adds");
            let mut answer = store
                .begin_answer(chat.id, Some("lmstudio/qwen3-8b"))
                .expect("begins");
            let n = rng.length(1200.0, 50, 12_000);
            answer.append(&text(rng, n)).expect("appends");
            if rng.below(10) < 4 {
                let n = rng.length(800.0, 50, 8000);
                answer.append_reasoning(&text(rng, n)).expect("appends");
            }
            answer
                .finish(Finish {
                    status: MessageStatus::Complete,
                    usage: Some(Usage {
                        input: 500,
                        output: 300,
                        cache_read: 0,
                        cache_write: 0,
                        reasoning: None,
                    }),
                    cost: Some(0.0),
                    timing: None,
                    error: None,
                })
                .expect("finishes");
            written += 2;
        }
        if written % 10_000 < 2 {
            eprintln!("  … {written} messages");
        }
    }
    started.elapsed()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn file_size(path: &Path) -> u64 {
    ["", "-wal"]
        .iter()
        .map(|s| {
            let mut p = path.as_os_str().to_owned();
            p.push(s);
            std::fs::metadata(PathBuf::from(p)).map_or(0, |m| m.len())
        })
        .sum()
}

/// Median of `runs` opens (each followed by listing the first page, as the app does).
fn open_time(path: &Path, runs: usize) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let store = HistoryStore::open_file(path).expect("opens").store;
            store.list_conversations(50, 0).expect("lists");
            let took = started.elapsed();
            drop(store);
            took
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing to run fast.
    let quick = !std::env::args().any(|a| a == "--bench");
    let messages: usize = std::env::var("HISTORY_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if quick { 400 } else { 100_000 });
    let temp = tempfile::tempdir().expect("tempdir");
    let dir = std::env::var_os("HISTORY_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| temp.path().to_path_buf());
    std::fs::create_dir_all(&dir).expect("bench dir");
    let path = dir.join(format!("bench-{messages}.sqlite3"));
    let empty_path = temp.path().join("empty.sqlite3");
    let mut rng = Rng(0x5157_1c4b_0a2d_9e37);

    println!("history benchmark: {messages} messages");
    let store = HistoryStore::open_file(&path).expect("opens").store;
    let existing = store
        .list_conversations(1, 0)
        .map(|c| !c.is_empty())
        .unwrap_or(false);
    if existing {
        println!("reusing {}", path.display());
    } else {
        let took = build(&store, messages, &mut rng);
        println!(
            "build:   {messages} messages in {:.1} s = {:.0} messages/s (one message = its own transactions)",
            took.as_secs_f64(),
            messages as f64 / took.as_secs_f64()
        );
    }

    // Streaming on the full database: 200 deltas of 20 characters, a flush after each one
    // (the app flushes once a second; this is the cost of one flush).
    let chat = store.create_conversation(None).expect("creates");
    store
        .add_message(chat.id, Role::User, "stream a long answer")
        .expect("adds");
    let streaming = HistoryStore::with_flush_interval(&path, Duration::ZERO)
        .expect("opens")
        .store;
    let mut answer = streaming.begin_answer(chat.id, None).expect("begins");
    let mut flushes = Vec::new();
    for _ in 0..200 {
        let delta = text(&mut rng, 20);
        let started = Instant::now();
        answer.append(&delta).expect("appends");
        flushes.push(started.elapsed());
    }
    answer
        .finish(Finish::new(MessageStatus::Complete))
        .expect("finishes");
    let total: Duration = flushes.iter().sum();
    flushes.sort();
    println!(
        "stream:  flush of a growing answer p50 {} p99 {} = {:.0} flushes/s on one stream",
        ms(percentile(&flushes, 0.5)),
        ms(percentile(&flushes, 0.99)),
        flushes.len() as f64 / total.as_secs_f64()
    );
    drop(streaming);

    // Search.
    let categories: &[(&str, &[&str])] = &[
        ("common word", &["the", "model", "error", "search"]),
        ("rare word", &["dialogue", "kubernetes", "invoice", "gemma"]),
        (
            "two words",
            &[
                "rust async",
                "database index",
                "local model",
                "weather travel",
            ],
        ),
        ("prefix", &["quant", "embed", "perf", "docu", "wr"]),
        (
            "phrase",
            &["\"the model\"", "\"local hosted\"", "\"write the\""],
        ),
        (
            "korean",
            &["서울", "날씨가", "데이터", "특별시", "민국", "서울 날씨"],
        ),
        ("chinese", &["天气", "数据库", "模型", "上下文长度", "部署"]),
        ("no match", &["zebra", "xylophone", "얼룩말"]),
    ];
    let mut all = Vec::new();
    println!("search:  limit 20, 10 runs of each query");
    for (name, queries) in categories {
        let mut times = Vec::new();
        let mut hits = 0;
        for _ in 0..10 {
            for query in queries.iter() {
                let started = Instant::now();
                hits += store.search(query, 20).expect("searches").len();
                times.push(started.elapsed());
            }
        }
        times.sort();
        println!(
            "  {name:<12} p50 {:>9} p99 {:>9} max {:>9} ({} hits/query)",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99)),
            ms(times[times.len() - 1]),
            hits / times.len()
        );
        all.extend(times);
    }
    all.sort();
    println!(
        "  {:<12} p50 {:>9} p99 {:>9} max {:>9} (goal: p99 <= 50 ms)",
        "ALL",
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.99)),
        ms(all[all.len() - 1])
    );

    // Integrity check cost (not on the start path).
    let started = Instant::now();
    let problems = store.check_integrity().expect("checks");
    println!(
        "check:   quick_check {} ({} problems)",
        ms(started.elapsed()),
        problems.len()
    );

    // Size: checkpoint the WAL into the file first.
    drop(store);
    let conn = rusqlite::Connection::open(&path).expect("opens");
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .expect("checkpoints");
    let pages = |table: &str| -> u64 {
        conn.query_row(
            "SELECT count(*) FROM dbstat WHERE name LIKE ?1",
            [format!("{table}%")],
            |row| row.get::<_, i64>(0),
        )
        .map_or(0, |n| n as u64 * 4096)
    };
    let text_bytes: i64 = conn
        .query_row(
            "SELECT sum(length(CAST(content AS BLOB)) + length(CAST(reasoning AS BLOB))) FROM messages",
            [],
            |row| row.get(0),
        )
        .expect("sums");
    let unspaced: i64 = conn
        .query_row("SELECT count(*) FROM messages WHERE unspaced", [], |row| {
            row.get(0)
        })
        .expect("counts");
    let count: i64 = conn
        .query_row("SELECT count(*) FROM messages", [], |row| row.get(0))
        .expect("counts");
    let words = pages("messages_words");
    let trigrams = pages("messages_trigrams");
    drop(conn);
    let size = file_size(&path);
    println!(
        "size:    {:.1} MB for {count} messages = {:.2} MB per 1k messages \
         (text {:.1} MB; {unspaced} messages with unspaced scripts)",
        size as f64 / 1e6,
        size as f64 / 1e6 / (count as f64 / 1000.0),
        text_bytes as f64 / 1e6
    );
    if words + trigrams > 0 {
        println!(
            "         words index {:.1} MB, trigram index {:.1} MB",
            words as f64 / 1e6,
            trigrams as f64 / 1e6
        );
    }

    // Open time, what app start pays: open + migrate check + first list page.
    drop(HistoryStore::open_file(&empty_path).expect("creates").store);
    let empty = open_time(&empty_path, 7);
    let full = open_time(&path, 7);
    println!(
        "open:    empty {} vs {count} messages {} (x{:.2})",
        ms(empty),
        ms(full),
        full.as_secs_f64() / empty.as_secs_f64()
    );
}
