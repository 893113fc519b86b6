//! Images as files: checked bytes, stored once by content, private, shown with their message,
//! kept out of the search index, and removed with the last conversation that shows them.

use super::*;
use crate::history::MAX_IMAGE_BYTES;
use crate::history::{ExportFormat, HistoryStore};

fn store() -> (tempfile::TempDir, HistoryStore) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = HistoryStore::open(dir.path()).expect("opens").store;
    (dir, store)
}

fn png() -> ImageData {
    ImageData::new(tiny_png()).expect("a png")
}

fn gif() -> ImageData {
    let mut bytes = b"GIF89a".to_vec();
    bytes.extend_from_slice(&[1, 0, 1, 0, 0, 0, 0, b';']);
    ImageData::new(bytes).expect("a gif")
}

fn files(store: &HistoryStore) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(store.attachments_dir()) {
        Ok(entries) => entries
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

#[test]
fn formats_are_known_by_their_bytes_and_size_is_limited() {
    assert_eq!(png().media_type(), MediaType::Png);
    assert_eq!(gif().media_type(), MediaType::Gif);
    assert_eq!(
        MediaType::sniff(b"\xff\xd8\xff\xe0\0\x10JFIF"),
        Some(MediaType::Jpeg)
    );
    assert_eq!(
        MediaType::sniff(b"RIFF\x24\0\0\0WEBPVP8 "),
        Some(MediaType::Webp)
    );
    let err = ImageData::new(b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec())
        .expect_err("svg is refused");
    assert!(err.to_string().contains("PNG, JPEG, WebP or GIF"), "{err}");
    let mut big = tiny_png();
    big.resize(MAX_IMAGE_BYTES + 1, 0);
    let err = ImageData::new(big).expect_err("too large");
    assert_eq!(err.kind(), crate::history::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("20.0 MB"), "{err}");
    let long = "A".repeat((MAX_IMAGE_BYTES / 3 + 8) * 4);
    assert!(ImageData::from_base64(&long).is_err());
    assert!(ImageData::from_base64("not base64!").is_err());
}

#[test]
fn data_urls_round_trip() {
    let image = png();
    let url = image.data_url();
    assert!(
        url.starts_with("data:image/png;base64,iVBORw0KGgo"),
        "{url}"
    );
    let back = ImageData::from_data_url(&url)
        .expect("a data url")
        .expect("valid");
    assert_eq!(back, image);
    assert!(ImageData::from_data_url("https://example.com/cat.png").is_none());
}

#[test]
fn images_are_files_stored_once_and_read_back_with_their_message() {
    let (_dir, store) = store();
    let chat = store.create_conversation(None).expect("creates").id;
    let first = store
        .add_user_message(chat, "what are these?", &[png(), gif()])
        .expect("saves");
    assert_eq!(first.attachments.len(), 2);
    assert_eq!(first.attachments[0].media_type, MediaType::Png);
    assert_eq!(first.attachments[0].sha256, png().sha256());
    assert_eq!(
        first.attachments[0].file_name,
        format!("{}.png", png().sha256())
    );
    assert!(store.has_images(chat).expect("looks"));
    let plain = store.create_conversation(None).expect("creates").id;
    store
        .add_message(plain, crate::history::Role::User, "words only")
        .expect("saves");
    assert!(!store.has_images(plain).expect("looks"));
    store
        .add_user_message(chat, "this one again", &[png()])
        .expect("saves");
    // The same image twice is one file.
    assert_eq!(files(&store).len(), 2);
    let page = store.messages(chat, None, 10).expect("loads");
    assert_eq!(page.messages[0].attachments, first.attachments);
    assert_eq!(store.message(first.id).expect("one").attachments.len(), 2);
    assert_eq!(store.image(&first.attachments[1]).expect("reads"), gif());
    assert_eq!(store.image_by_hash(&png().sha256()).expect("reads"), png());
    assert!(store.image_by_hash("../../etc/passwd").is_err());
    assert!(store.image_by_hash(&"0".repeat(64)).is_err());
    // The title comes from the text, as for any first message.
    assert_eq!(
        store.conversation(chat).expect("reads").title,
        "what are these?"
    );
    // Nothing of the image is in the search index.
    assert!(store
        .search("iVBORw0KGgo", 10)
        .expect("searches")
        .is_empty());
    assert!(store.search("png", 10).expect("searches").is_empty());
}

#[cfg(unix)]
#[test]
fn the_folder_and_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, store) = store();
    let chat = store.create_conversation(None).expect("creates").id;
    let saved = store.add_user_message(chat, "", &[png()]).expect("saves");
    let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
    let dir = store.attachments_dir();
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join(&saved.attachments[0].file_name)), 0o600);
}

#[test]
fn a_changed_file_is_never_sent() {
    let (_dir, store) = store();
    let chat = store.create_conversation(None).expect("creates").id;
    let saved = store
        .add_user_message(chat, "look", &[png()])
        .expect("saves");
    let path = store
        .attachments_dir()
        .join(&saved.attachments[0].file_name);
    let mut other = tiny_png();
    let last = other.len() - 1;
    other[last] ^= 1;
    std::fs::write(&path, other).expect("tampers");
    let err = store.image(&saved.attachments[0]).expect_err("changed");
    assert!(err.to_string().contains("changed"), "{err}");
}

#[test]
fn too_many_images_are_refused_and_nothing_is_saved() {
    let (_dir, store) = store();
    let chat = store.create_conversation(None).expect("creates").id;
    let many = vec![png(); MAX_IMAGES_PER_MESSAGE + 1];
    let err = store
        .add_user_message(chat, "all", &many)
        .expect_err("too many");
    assert!(err.to_string().contains("limit"), "{err}");
    assert!(store.all_messages(chat).expect("reads").is_empty());
    assert!(files(&store).is_empty());
}

#[test]
fn deleting_removes_files_no_other_conversation_shows() {
    let (_dir, store) = store();
    let a = store.create_conversation(None).expect("creates").id;
    let b = store.create_conversation(None).expect("creates").id;
    store
        .add_user_message(a, "both", &[png(), gif()])
        .expect("saves");
    store
        .add_user_message(b, "shared", &[png()])
        .expect("saves");
    assert_eq!(files(&store).len(), 2);
    store.delete_conversation(a).expect("deletes");
    // The GIF was only in `a`; the PNG is still shown by `b`.
    assert_eq!(files(&store), [format!("{}.png", png().sha256())]);
    store.delete_conversation(b).expect("deletes");
    assert!(files(&store).is_empty());
    let rows: i64 = store
        .read(|conn| {
            conn.query_row("SELECT count(*) FROM attachments", [], |r| r.get(0))
                .map_err(Error::sqlite("count"))
        })
        .expect("counts");
    assert_eq!(rows, 0);
}

#[test]
fn exports_name_the_files_and_never_carry_the_bytes() {
    let (_dir, store) = store();
    let chat = store.create_conversation(None).expect("creates").id;
    store
        .add_user_message(chat, "what is this?", &[png()])
        .expect("saves");
    let mut md = Vec::new();
    store
        .export(chat, ExportFormat::Markdown, &mut md)
        .expect("exports");
    let md = String::from_utf8(md).expect("utf-8");
    let name = format!("{}.png", png().sha256());
    assert!(md.contains(&name) && md.contains("image/png"), "{md}");
    assert!(!md.contains("iVBORw0KGgo"), "{md}");
    let mut json = Vec::new();
    store
        .export(chat, ExportFormat::Json, &mut json)
        .expect("exports");
    let doc: serde_json::Value = serde_json::from_slice(&json).expect("json");
    let attachments = &doc["conversation"]["messages"][0]["attachments"];
    assert_eq!(
        attachments,
        &serde_json::json!([{
            "sha256": png().sha256(),
            "mediaType": "image/png",
            "bytes": 73,
            "fileName": name,
        }])
    );
    assert!(!String::from_utf8_lossy(&json).contains("iVBORw0KGgo"));
}
