//! A pixel check that text is drawn as glyphs: for the characters of an element, the ink in
//! each one's box on a screenshot, compared shape against shape. A missing font draws every
//! character as the same box (or as nothing), so such a line shows one shape, or blanks.

use switchboard_tests::app::App;

/// Decoded screenshot: width, height, and one luminance byte per pixel.
struct Shot {
    width: usize,
    height: usize,
    luma: Vec<u8>,
}

impl Shot {
    async fn take(app: &App) -> Shot {
        app.settle().await;
        let png = app.client().screenshot().await.expect("screenshot");
        let mut reader = png::Decoder::new(std::io::Cursor::new(png))
            .read_info()
            .expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size().expect("size")];
        let info = reader.next_frame(&mut buf).expect("a frame");
        let channels = info.color_type.samples();
        assert_eq!(info.bit_depth, png::BitDepth::Eight, "8-bit screenshot");
        let luma = buf[..info.buffer_size()]
            .chunks_exact(channels)
            .map(|px| {
                let [r, g, b] =
                    [px[0], px[1.min(channels - 1)], px[2.min(channels - 1)]].map(u32::from);
                ((r * 299 + g * 587 + b * 114) / 1000) as u8
            })
            .collect();
        Shot {
            width: info.width as usize,
            height: info.height as usize,
            luma,
        }
    }

    /// The glyph in `rect` (CSS pixels × `scale`) as a 12×12 ink bitmap, scaled to its ink's
    /// bounding box; `None` when there is no ink at all.
    fn glyph(&self, rect: [f64; 4], scale: f64) -> Option<Vec<bool>> {
        const GRID: usize = 12;
        let x0 = (rect[0] * scale).floor().max(0.0) as usize;
        let y0 = (rect[1] * scale).floor().max(0.0) as usize;
        let x1 = (((rect[0] + rect[2]) * scale).ceil() as usize).min(self.width);
        let y1 = (((rect[1] + rect[3]) * scale).ceil() as usize).min(self.height);
        if x1 <= x0 || y1 <= y0 {
            return None;
        }
        let at = |x: usize, y: usize| self.luma[y * self.width + x];
        // The background is the box's most common shade; ink differs from it clearly.
        let mut counts = [0usize; 256];
        for y in y0..y1 {
            for x in x0..x1 {
                counts[usize::from(at(x, y))] += 1;
            }
        }
        let background = (0..256).max_by_key(|&v| counts[v]).unwrap_or(255) as i32;
        let ink = |x: usize, y: usize| (i32::from(at(x, y)) - background).abs() > 64;
        let (mut ix0, mut iy0, mut ix1, mut iy1) = (usize::MAX, usize::MAX, 0, 0);
        for y in y0..y1 {
            for x in x0..x1 {
                if ink(x, y) {
                    (ix0, iy0, ix1, iy1) = (ix0.min(x), iy0.min(y), ix1.max(x + 1), iy1.max(y + 1));
                }
            }
        }
        if ix0 == usize::MAX {
            return None;
        }
        let (w, h) = (ix1 - ix0, iy1 - iy0);
        let mut bits = Vec::with_capacity(GRID * GRID);
        for gy in 0..GRID {
            for gx in 0..GRID {
                let (cx0, cx1) = (
                    ix0 + gx * w / GRID,
                    ix0 + ((gx + 1) * w / GRID).max(gx * w / GRID + 1),
                );
                let (cy0, cy1) = (
                    iy0 + gy * h / GRID,
                    iy0 + ((gy + 1) * h / GRID).max(gy * h / GRID + 1),
                );
                let (mut inked, mut all) = (0, 0);
                for y in cy0..cy1.min(iy1) {
                    for x in cx0..cx1.min(ix1) {
                        all += 1;
                        inked += usize::from(ink(x, y));
                    }
                }
                bits.push(all > 0 && inked * 3 >= all);
            }
        }
        Some(bits)
    }
}

/// How many clearly different glyph shapes the characters of `css` matching the JS regex
/// `chars` show on screen, and how many of them show no ink at all. Boxes drawn for missing
/// glyphs are all the same shape, so a line of them counts as one.
pub(crate) async fn distinct_glyphs(app: &App, css: &str, chars: &str) -> (usize, usize, usize) {
    let found = app
        .js(&format!(
            "const root = document.querySelector({css:?});\n\
             const wanted = new RegExp({chars:?}, 'u');\n\
             const boxes = [];\n\
             const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);\n\
             while (walker.nextNode()) {{\n\
               const node = walker.currentNode;\n\
               for (let i = 0; i < node.data.length; i++) {{\n\
                 if (!wanted.test(node.data[i])) continue;\n\
                 const range = document.createRange();\n\
                 range.setStart(node, i); range.setEnd(node, i + 1);\n\
                 const r = range.getBoundingClientRect();\n\
                 boxes.push([r.left, r.top, r.width, r.height]);\n\
               }}\n\
             }}\n\
             return {{ scale: window.devicePixelRatio, boxes }};"
        ))
        .await;
    let scale = found["scale"].as_f64().unwrap_or(1.0);
    let boxes: Vec<[f64; 4]> = serde_json::from_value(found["boxes"].clone()).expect("boxes");
    assert!(!boxes.is_empty(), "no characters matching {chars} in {css}");
    let shot = Shot::take(app).await;
    let mut shapes: Vec<Vec<bool>> = Vec::new();
    let mut blank = 0;
    for rect in &boxes {
        let Some(glyph) = shot.glyph(*rect, scale) else {
            blank += 1;
            continue;
        };
        // Two renderings of one shape differ in a few cells at most (anti-aliasing, sub-pixel
        // positions); different syllables differ in many.
        let known = shapes
            .iter()
            .any(|shape| shape.iter().zip(&glyph).filter(|(a, b)| a != b).count() <= 14);
        if !known {
            shapes.push(glyph);
        }
    }
    (shapes.len(), blank, boxes.len())
}

/// Whether `glyphs` characters drawn as `shapes` different shapes (and `blank` empty ones) look
/// like text: every one inked, and at least two thirds of them different (the text has few
/// repeated syllables; boxes for missing glyphs all look alike).
pub(crate) fn looks_like_text(shapes: usize, blank: usize, glyphs: usize) -> bool {
    blank == 0 && shapes * 3 >= glyphs * 2
}
