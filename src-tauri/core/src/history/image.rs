//! An image's bytes, checked before anything keeps or sends them: PNG, JPEG, WebP or GIF by
//! their first bytes (a declared type is not trusted), at most [`MAX_IMAGE_BYTES`]; and the
//! `data:` URLs the wire APIs take.

use base64::Engine as _;
use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256};

use super::{Error, Result};

/// The largest image accepted, in bytes (20 MiB).
pub const MAX_IMAGE_BYTES: usize = 20 * 1024 * 1024;
/// An image format a message may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaType {
    /// `image/png`
    Png,
    /// `image/jpeg`
    Jpeg,
    /// `image/webp`
    Webp,
    /// `image/gif`
    Gif,
}

impl MediaType {
    /// Every format, for lists shown to people.
    pub const ALL: [MediaType; 4] = [
        MediaType::Png,
        MediaType::Jpeg,
        MediaType::Webp,
        MediaType::Gif,
    ];

    /// The MIME type.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::Png => "image/png",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Webp => "image/webp",
            MediaType::Gif => "image/gif",
        }
    }

    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Png => "png",
            MediaType::Jpeg => "jpg",
            MediaType::Webp => "webp",
            MediaType::Gif => "gif",
        }
    }

    /// The format a MIME type names.
    pub fn parse(mime: &str) -> Option<MediaType> {
        MediaType::ALL.into_iter().find(|m| m.as_str() == mime)
    }

    /// The format the bytes are in, from their signature.
    pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(MediaType::Png)
        } else if bytes.starts_with(b"\xff\xd8\xff") {
            Some(MediaType::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(MediaType::Gif)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(MediaType::Webp)
        } else {
            None
        }
    }
}

impl Serialize for MediaType {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// An image's bytes, checked: a known format and not too large.
#[derive(Clone, PartialEq, Eq)]
pub struct ImageData {
    media_type: MediaType,
    bytes: Vec<u8>,
}

impl std::fmt::Debug for ImageData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImageData")
            .field("media_type", &self.media_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl ImageData {
    /// Checks `bytes`: PNG, JPEG, WebP or GIF by their signature, at most [`MAX_IMAGE_BYTES`].
    pub fn new(bytes: Vec<u8>) -> Result<ImageData> {
        if bytes.len() > MAX_IMAGE_BYTES {
            return Err(Error::InvalidInput(format!(
                "the image is {}, more than the limit of {}",
                megabytes(bytes.len()),
                megabytes(MAX_IMAGE_BYTES)
            )));
        }
        let media_type = MediaType::sniff(&bytes).ok_or_else(|| {
            Error::InvalidInput(
                "not an image in a format models read: use PNG, JPEG, WebP or GIF".into(),
            )
        })?;
        Ok(ImageData { media_type, bytes })
    }

    /// Decodes standard base64 (as the window sends it), then checks it like [`ImageData::new`].
    pub fn from_base64(data: &str) -> Result<ImageData> {
        // Base64 is 4 characters for 3 bytes: refuse an oversized image before decoding it.
        if data.len() / 4 * 3 > MAX_IMAGE_BYTES + 3 {
            return Err(Error::InvalidInput(format!(
                "the image is more than the limit of {}",
                megabytes(MAX_IMAGE_BYTES)
            )));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.trim())
            .map_err(|e| Error::InvalidInput(format!("the image is not valid base64: {e}")))?;
        ImageData::new(bytes)
    }

    /// The image of a `data:<type>;base64,…` URL; `None` for any other URL (a link is sent on
    /// as it is, not kept).
    pub fn from_data_url(url: &str) -> Option<Result<ImageData>> {
        let rest = url.strip_prefix("data:")?;
        let (head, data) = rest.split_once(',')?;
        head.strip_suffix(";base64")?;
        Some(ImageData::from_base64(data))
    }

    /// The format.
    pub fn media_type(&self) -> MediaType {
        self.media_type
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// A `data:` URL of the image, as the wire APIs take it.
    pub fn data_url(&self) -> String {
        let data = base64::engine::general_purpose::STANDARD.encode(&self.bytes);
        format!("data:{};base64,{data}", self.media_type.as_str())
    }

    /// The SHA-256 of the bytes, lowercase hex: the file's name.
    pub fn sha256(&self) -> String {
        format!("{:x}", Sha256::digest(&self.bytes))
    }
}

fn megabytes(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

/// A 2×2 red PNG, for tests.
#[cfg(test)]
pub(crate) fn tiny_png() -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(TINY_PNG_BASE64)
        .expect("valid base64")
}

/// [`tiny_png`] as base64.
#[cfg(test)]
pub(crate) const TINY_PNG_BASE64: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==";
