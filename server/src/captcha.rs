//! Image captcha for the `normal` captcha type (`GET /api/v4/site/captcha`).
//!
//! [`generate`] draws a random answer from an alphabet without look-alike
//! characters (no `0`/`O`/`o`, `1`/`l`/`I`/`i`, nor `g`/`q` next to `9`) and renders it into a PNG: each
//! character in its own size, colour, rotation and shear, with faint decoy
//! characters behind, a sine line and crossing strokes through the text, the whole
//! picture warped by two sine waves, then noise lines and dots on top.
//!
//! The answer is drawn from `rand::rng()`, a CSPRNG (ChaCha12 seeded from the OS).
//! The glyphs come from the bundled DejaVu Sans Mono Bold font
//! (`assets/DejaVuSansMono-Bold.ttf`, licence in `assets/DejaVu-LICENSE.txt`),
//! rasterised with `ab_glyph`; the PNG is written with the `png` crate.
//!
//! Check a typed answer with [`answers_match`] (case-insensitive, constant time).

use std::f32::consts::TAU;
use std::fmt;
use std::sync::LazyLock;

use ab_glyph::{Font, FontRef, PxScale};
use base64::Engine as _;
use rand::Rng;
use subtle::ConstantTimeEq;

/// Characters an answer is made of: digits and letters without look-alikes
/// (53 characters, about 5.7 bits each).
/// Answers are compared case-insensitively, so `c`/`C` and the like are harmless.
pub const ALPHABET: &str = "23456789abcdefhjkmnprstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";

/// Answer lengths outside `MIN_LEN..=MAX_LEN` are clamped into it.
pub const MIN_LEN: usize = 1;
/// See [`MIN_LEN`].
pub const MAX_LEN: usize = 16;
/// Image widths outside `MIN_WIDTH..=MAX_WIDTH` are clamped into it.
pub const MIN_WIDTH: u32 = 32;
/// See [`MIN_WIDTH`].
pub const MAX_WIDTH: u32 = 1024;
/// Image heights outside `MIN_HEIGHT..=MAX_HEIGHT` are clamped into it.
pub const MIN_HEIGHT: u32 = 16;
/// See [`MIN_HEIGHT`].
pub const MAX_HEIGHT: u32 = 512;

static FONT_DATA: &[u8] = include_bytes!("../assets/DejaVuSansMono-Bold.ttf");

static FONT: LazyLock<FontRef<'static>> = LazyLock::new(|| {
    FontRef::try_from_slice(FONT_DATA).expect("the bundled captcha font is a valid TrueType font")
});

/// A rendered captcha.
#[derive(Clone)]
pub struct Captcha {
    /// The text shown in the image, as drawn (mixed case).
    pub answer: String,
    /// The image, PNG-encoded (8-bit RGB).
    pub png: Vec<u8>,
}

impl Captcha {
    /// The image as a `data:image/png;base64,...` URL, the form `/site/captcha`
    /// returns in its `image` field.
    pub fn to_data_url(&self) -> String {
        format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&self.png)
        )
    }
}

impl fmt::Debug for Captcha {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Captcha")
            .field("answer", &"<redacted>")
            .field("png_bytes", &self.png.len())
            .finish()
    }
}

/// Generates a captcha of `len` characters as a `width` × `height` PNG.
///
/// Out-of-range arguments are clamped (see [`MIN_LEN`], [`MIN_WIDTH`],
/// [`MIN_HEIGHT`] and their maxima). Cloudreve's defaults are 6 characters at
/// 240 × 60.
pub fn generate(len: usize, width: u32, height: u32) -> Captcha {
    let len = len.clamp(MIN_LEN, MAX_LEN);
    let width = width.clamp(MIN_WIDTH, MAX_WIDTH);
    let height = height.clamp(MIN_HEIGHT, MAX_HEIGHT);

    let mut rng = rand::rng();
    assert_csprng(&rng);

    let alphabet = ALPHABET.as_bytes();
    let answer: String = (0..len)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect();

    let png = render(&answer, width, height, &mut rng);
    Captcha { answer, png }
}

/// Whether `given` (what the user typed) matches `expected` (the stored answer):
/// ASCII case-insensitive, surrounding whitespace of `given` ignored, compared in
/// constant time. Empty answers never match.
pub fn answers_match(expected: &str, given: &str) -> bool {
    let given = given.trim();
    if expected.is_empty() || given.is_empty() {
        return false;
    }
    let expected = expected.to_ascii_lowercase();
    let given = given.to_ascii_lowercase();
    expected.as_bytes().ct_eq(given.as_bytes()).into()
}

/// Compile-time guard: the answer must come from a cryptographically secure RNG.
fn assert_csprng<R: rand::CryptoRng>(_: &R) {}

type Rgb = [f32; 3];

fn render(text: &str, width: u32, height: u32, rng: &mut impl Rng) -> Vec<u8> {
    let h = height as f32;
    let mut canvas = Canvas::gradient(
        width as usize,
        height as usize,
        random_color(rng, 0.84, 1.0),
        random_color(rng, 0.84, 1.0),
    );
    let chars: Vec<char> = text.chars().collect();
    draw_decoys(&mut canvas, chars.len(), width, height, rng);
    draw_answer(&mut canvas, &chars, width, height, rng);
    draw_strokes(&mut canvas, width, height, rng);
    // Warp everything with two perpendicular sine waves.
    let mut canvas = canvas.warp(
        Wave {
            amplitude: h * rng.random_range(0.04..0.07),
            period: h * rng.random_range(0.8..1.6),
            phase: rng.random_range(0.0..TAU),
        },
        Wave {
            amplitude: h * rng.random_range(0.05..0.09),
            period: width as f32 * rng.random_range(0.35..0.7),
            phase: rng.random_range(0.0..TAU),
        },
    );
    draw_noise(&mut canvas, width, height, rng);
    canvas.to_png()
}

/// Faint decoy characters in the background, as many as the answer has.
fn draw_decoys(canvas: &mut Canvas, count: usize, width: u32, height: u32, rng: &mut impl Rng) {
    let (w, h) = (width as f32, height as f32);
    let alphabet: Vec<char> = ALPHABET.chars().collect();
    for _ in 0..count {
        let c = alphabet[rng.random_range(0..alphabet.len())];
        let size = h * rng.random_range(0.25..0.4);
        let center = (rng.random_range(0.0..w), rng.random_range(0.0..h));
        let angle = rng.random_range(-0.8..0.8);
        let color = random_color(rng, 0.6, 0.85);
        canvas.glyph(c, size, center, angle, 0.0, color, 0.45);
    }
}

/// The answer: every character with its own size, colour, rotation and shear.
fn draw_answer(canvas: &mut Canvas, chars: &[char], width: u32, height: u32, rng: &mut impl Rng) {
    let (w, h) = (width as f32, height as f32);
    let margin = w * 0.06;
    let slot = (w - 2.0 * margin) / chars.len() as f32;
    // DejaVu Sans Mono advances 0.6 em; allow a little overlap between neighbours.
    let max_size_for_width = slot / 0.6 * 1.1;
    for (i, &c) in chars.iter().enumerate() {
        let size = (h * rng.random_range(0.6..0.78))
            .min(max_size_for_width)
            .max(8.0);
        let cx = margin + slot * (i as f32 + 0.5) + slot * rng.random_range(-0.12..0.12);
        let cy = h * 0.5 + h * rng.random_range(-0.1..0.1);
        let angle = rng.random_range(-0.45..0.45);
        let shear = rng.random_range(-0.35..0.35);
        let color = random_color(rng, 0.0, 0.4);
        canvas.glyph(c, size, (cx, cy), angle, shear, color, 1.0);
    }
}

/// A sine line and two strokes through the text; the warp after bends them too.
fn draw_strokes(canvas: &mut Canvas, width: u32, height: u32, rng: &mut impl Rng) {
    let (w, h) = (width as f32, height as f32);
    let stroke = (h * rng.random_range(0.035..0.055)).max(1.5);
    let amplitude = h * rng.random_range(0.12..0.25);
    let period = w * rng.random_range(0.4..0.9);
    let phase = rng.random_range(0.0..TAU);
    let base = h * rng.random_range(0.4..0.6);
    let color = random_color(rng, 0.0, 0.45);
    let steps = (width / 4).max(8);
    let sine = |x: f32| base + amplitude * (TAU * x / period + phase).sin();
    for s in 0..steps {
        let x0 = w * s as f32 / steps as f32;
        let x1 = w * (s + 1) as f32 / steps as f32;
        canvas.line((x0, sine(x0)), (x1, sine(x1)), stroke, color, 1.0);
    }
    for _ in 0..2 {
        let a = (
            rng.random_range(0.0..w * 0.3),
            rng.random_range(h * 0.2..h * 0.8),
        );
        let b = (
            rng.random_range(w * 0.7..w),
            rng.random_range(h * 0.2..h * 0.8),
        );
        let thickness = (h * rng.random_range(0.015..0.03)).max(1.0);
        let color = random_color(rng, 0.0, 0.5);
        canvas.line(a, b, thickness, color, 0.9);
    }
}

/// Crisp noise on top of the warped picture: thin lines and dots.
fn draw_noise(canvas: &mut Canvas, width: u32, height: u32, rng: &mut impl Rng) {
    let (w, h) = (width as f32, height as f32);
    for _ in 0..rng.random_range(3..6) {
        let a = (rng.random_range(0.0..w), rng.random_range(0.0..h));
        let b = (rng.random_range(0.0..w), rng.random_range(0.0..h));
        let thickness = rng.random_range(0.8..1.4);
        let color = random_color(rng, 0.2, 0.7);
        canvas.line(a, b, thickness, color, 0.8);
    }
    let dots = (width * height / 110) as usize;
    for _ in 0..dots {
        let center = (rng.random_range(0.0..w), rng.random_range(0.0..h));
        let radius = rng.random_range(0.4..1.3);
        let color = random_color(rng, 0.0, 1.0);
        canvas.dot(center, radius, color, 0.85);
    }
}

fn random_color(rng: &mut impl Rng, lo: f32, hi: f32) -> Rgb {
    [
        rng.random_range(lo..=hi),
        rng.random_range(lo..=hi),
        rng.random_range(lo..=hi),
    ]
}

/// `offset(t) = amplitude · sin(2π t / period + phase)`.
#[derive(Clone, Copy)]
struct Wave {
    amplitude: f32,
    period: f32,
    phase: f32,
}

impl Wave {
    fn offset(self, t: f32) -> f32 {
        self.amplitude * (TAU * t / self.period + self.phase).sin()
    }
}

/// An RGB image with channels in `0.0..=1.0`.
struct Canvas {
    w: usize,
    h: usize,
    px: Vec<Rgb>,
}

impl Canvas {
    /// A vertical gradient from `top` to `bottom`.
    fn gradient(w: usize, h: usize, top: Rgb, bottom: Rgb) -> Canvas {
        let mut px = Vec::with_capacity(w * h);
        for y in 0..h {
            let t = y as f32 / (h.max(2) - 1) as f32;
            let c = [0, 1, 2].map(|i| top[i] + (bottom[i] - top[i]) * t);
            px.extend(std::iter::repeat_n(c, w));
        }
        Canvas { w, h, px }
    }

    fn blend(&mut self, x: usize, y: usize, color: Rgb, alpha: f32) {
        if x >= self.w || y >= self.h || alpha <= 0.0 {
            return;
        }
        let a = alpha.min(1.0);
        let p = &mut self.px[y * self.w + x];
        for i in 0..3 {
            p[i] += (color[i] - p[i]) * a;
        }
    }

    /// Bilinear sample at pixel coordinates (pixel centres at integers),
    /// clamped to the edges.
    fn sample(&self, x: f32, y: f32) -> Rgb {
        let max_x = (self.w - 1) as f32;
        let max_y = (self.h - 1) as f32;
        let x = x.clamp(0.0, max_x);
        let y = y.clamp(0.0, max_y);
        let (x0, y0) = (x.floor() as usize, y.floor() as usize);
        let (x1, y1) = ((x0 + 1).min(self.w - 1), (y0 + 1).min(self.h - 1));
        let (fx, fy) = (x - x0 as f32, y - y0 as f32);
        let at = |x: usize, y: usize| self.px[y * self.w + x];
        let (a, b, c, d) = (at(x0, y0), at(x1, y0), at(x0, y1), at(x1, y1));
        [0, 1, 2].map(|i| {
            let top = a[i] + (b[i] - a[i]) * fx;
            let bottom = c[i] + (d[i] - c[i]) * fx;
            top + (bottom - top) * fy
        })
    }

    /// Moves every pixel horizontally by `horizontal.offset(y)` and vertically by
    /// `vertical.offset(x)`.
    fn warp(&self, horizontal: Wave, vertical: Wave) -> Canvas {
        let mut px = Vec::with_capacity(self.px.len());
        for y in 0..self.h {
            let dx = horizontal.offset(y as f32);
            for x in 0..self.w {
                let dy = vertical.offset(x as f32);
                px.push(self.sample(x as f32 + dx, y as f32 + dy));
            }
        }
        Canvas {
            w: self.w,
            h: self.h,
            px,
        }
    }

    /// Draws an anti-aliased line segment.
    fn line(&mut self, a: (f32, f32), b: (f32, f32), thickness: f32, color: Rgb, alpha: f32) {
        let half = thickness / 2.0;
        let pad = half + 1.0;
        let (x0, x1) = self.span(a.0.min(b.0) - pad, a.0.max(b.0) + pad, self.w);
        let (y0, y1) = self.span(a.1.min(b.1) - pad, a.1.max(b.1) + pad, self.h);
        let (vx, vy) = (b.0 - a.0, b.1 - a.1);
        let len2 = (vx * vx + vy * vy).max(f32::EPSILON);
        for y in y0..y1 {
            for x in x0..x1 {
                let (px, py) = (x as f32 + 0.5 - a.0, y as f32 + 0.5 - a.1);
                let t = ((px * vx + py * vy) / len2).clamp(0.0, 1.0);
                let (dx, dy) = (px - t * vx, py - t * vy);
                let distance = (dx * dx + dy * dy).sqrt();
                let coverage = (half + 0.5 - distance).clamp(0.0, 1.0);
                self.blend(x, y, color, coverage * alpha);
            }
        }
    }

    /// Draws an anti-aliased filled circle.
    fn dot(&mut self, center: (f32, f32), radius: f32, color: Rgb, alpha: f32) {
        let pad = radius + 1.0;
        let (x0, x1) = self.span(center.0 - pad, center.0 + pad, self.w);
        let (y0, y1) = self.span(center.1 - pad, center.1 + pad, self.h);
        for y in y0..y1 {
            for x in x0..x1 {
                let (dx, dy) = (x as f32 + 0.5 - center.0, y as f32 + 0.5 - center.1);
                let coverage = (radius + 0.5 - (dx * dx + dy * dy).sqrt()).clamp(0.0, 1.0);
                self.blend(x, y, color, coverage * alpha);
            }
        }
    }

    /// Draws `c` with its box centred on `center`, `size` pixels per em, rotated by
    /// `angle` radians and sheared horizontally by `shear`.
    #[allow(clippy::too_many_arguments)]
    fn glyph(
        &mut self,
        c: char,
        size: f32,
        center: (f32, f32),
        angle: f32,
        shear: f32,
        color: Rgb,
        alpha: f32,
    ) {
        let font = &*FONT;
        let glyph = font.glyph_id(c).with_scale(PxScale::from(size));
        let Some(outlined) = font.outline_glyph(glyph) else {
            return;
        };
        let bounds = outlined.px_bounds();
        let gw = bounds.width().ceil().max(1.0) as usize;
        let gh = bounds.height().ceil().max(1.0) as usize;
        let mut coverage = vec![0.0f32; gw * gh];
        outlined.draw(|x, y, v| {
            let (x, y) = (x as usize, y as usize);
            if x < gw && y < gh {
                coverage[y * gw + x] = v;
            }
        });
        let cov = |x: isize, y: isize| -> f32 {
            if x < 0 || y < 0 || x as usize >= gw || y as usize >= gh {
                0.0
            } else {
                coverage[y as usize * gw + x as usize]
            }
        };

        // Forward map: rotation · shear, determinant 1, so the inverse is the
        // adjugate.
        let (sin, cos) = angle.sin_cos();
        let m = [[cos, cos * shear - sin], [sin, sin * shear + cos]];
        let inv = [[m[1][1], -m[0][1]], [-m[1][0], m[0][0]]];
        let (gcx, gcy) = (gw as f32 / 2.0, gh as f32 / 2.0);

        // Destination bounding box of the transformed glyph box.
        let corners = [(-gcx, -gcy), (gcx, -gcy), (-gcx, gcy), (gcx, gcy)];
        let (mut min_x, mut max_x, mut min_y, mut max_y) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for (x, y) in corners {
            let tx = center.0 + m[0][0] * x + m[0][1] * y;
            let ty = center.1 + m[1][0] * x + m[1][1] * y;
            min_x = min_x.min(tx);
            max_x = max_x.max(tx);
            min_y = min_y.min(ty);
            max_y = max_y.max(ty);
        }
        let (x0, x1) = self.span(min_x - 1.0, max_x + 1.0, self.w);
        let (y0, y1) = self.span(min_y - 1.0, max_y + 1.0, self.h);

        for y in y0..y1 {
            for x in x0..x1 {
                let (px, py) = (x as f32 + 0.5 - center.0, y as f32 + 0.5 - center.1);
                // Source position, with source pixel centres at integers.
                let sx = inv[0][0] * px + inv[0][1] * py + gcx - 0.5;
                let sy = inv[1][0] * px + inv[1][1] * py + gcy - 0.5;
                let (fx, fy) = (sx.floor(), sy.floor());
                let (ix, iy) = (fx as isize, fy as isize);
                let (tx, ty) = (sx - fx, sy - fy);
                let top = cov(ix, iy) * (1.0 - tx) + cov(ix + 1, iy) * tx;
                let bottom = cov(ix, iy + 1) * (1.0 - tx) + cov(ix + 1, iy + 1) * tx;
                let v = top * (1.0 - ty) + bottom * ty;
                if v > 0.0 {
                    self.blend(x, y, color, v * alpha);
                }
            }
        }
    }

    /// The pixel range `[lo, hi)` covering `from..to`, clipped to `0..limit`.
    fn span(&self, from: f32, to: f32, limit: usize) -> (usize, usize) {
        let lo = from.floor().clamp(0.0, limit as f32) as usize;
        let hi = to.ceil().clamp(0.0, limit as f32) as usize;
        (lo, hi.max(lo))
    }

    fn to_png(&self) -> Vec<u8> {
        let data: Vec<u8> = self
            .px
            .iter()
            .flat_map(|p| p.map(|c| (c.clamp(0.0, 1.0) * 255.0).round() as u8))
            .collect();
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, self.w as u32, self.h as u32);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        // Writing into a Vec cannot fail, and the data length matches the header.
        let mut writer = encoder.write_header().expect("PNG header into memory");
        writer
            .write_image_data(&data)
            .expect("PNG data into memory");
        writer.finish().expect("PNG end into memory");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

    /// Decodes a PNG into (width, height, RGB bytes).
    fn decode(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let mut reader = decoder.read_info().expect("valid PNG header");
        let mut buf = vec![0; reader.output_buffer_size().expect("buffer size")];
        let info = reader.next_frame(&mut buf).expect("valid PNG data");
        assert_eq!(info.color_type, png::ColorType::Rgb);
        assert_eq!(info.bit_depth, png::BitDepth::Eight);
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    #[test]
    fn png_has_requested_size() {
        for (len, w, h) in [(6, 240, 60), (4, 120, 40), (5, 300, 100), (8, 200, 50)] {
            let c = generate(len, w, h);
            assert!(c.png.starts_with(PNG_SIGNATURE));
            let (dw, dh, data) = decode(&c.png);
            assert_eq!((dw, dh), (w, h));
            assert_eq!(data.len(), (w * h * 3) as usize);
            assert_eq!(c.answer.chars().count(), len);
        }
    }

    #[test]
    fn sizes_are_clamped() {
        let c = generate(0, 0, 0);
        assert_eq!(c.answer.len(), MIN_LEN);
        assert_eq!(decode(&c.png).0, MIN_WIDTH);
        assert_eq!(decode(&c.png).1, MIN_HEIGHT);
        let c = generate(1000, 100_000, 100_000);
        assert_eq!(c.answer.len(), MAX_LEN);
        let (w, h, _) = decode(&c.png);
        assert_eq!((w, h), (MAX_WIDTH, MAX_HEIGHT));
    }

    #[test]
    fn image_has_ink() {
        let c = generate(6, 240, 60);
        let (_, _, data) = decode(&c.png);
        let dark = data
            .chunks(3)
            .filter(|p| p.iter().map(|&v| u32::from(v)).sum::<u32>() < 3 * 110)
            .count();
        let total = data.len() / 3;
        // Text, lines and dots cover a real part of the picture, but not all of it.
        assert!(dark * 20 > total, "{dark} of {total}");
        assert!(dark * 2 < total, "{dark} of {total}");
    }

    #[test]
    fn answers_use_alphabet_and_differ() {
        let mut answers = std::collections::HashSet::new();
        for _ in 0..20 {
            let c = generate(6, 120, 40);
            assert!(
                c.answer.chars().all(|ch| ALPHABET.contains(ch)),
                "{}",
                c.answer
            );
            for banned in ['0', 'O', 'o', '1', 'l', 'I', 'i', 'g', 'q'] {
                assert!(!c.answer.contains(banned));
            }
            answers.insert(c.answer);
        }
        // 53^6 possibilities: 20 draws colliding would mean a broken RNG.
        assert_eq!(answers.len(), 20);
        let a = generate(6, 240, 60);
        let b = generate(6, 240, 60);
        assert_ne!(a.answer, b.answer);
        assert_ne!(a.png, b.png);
    }

    #[test]
    fn every_alphabet_character_has_a_glyph() {
        for c in ALPHABET.chars() {
            let glyph = FONT.glyph_id(c).with_scale(PxScale::from(40.0));
            assert!(FONT.outline_glyph(glyph).is_some(), "{c}");
        }
    }

    #[test]
    fn answers_match_is_case_insensitive() {
        assert!(answers_match("aB3xYz", "aB3xYz"));
        assert!(answers_match("aB3xYz", "AB3XYZ"));
        assert!(answers_match("aB3xYz", "ab3xyz"));
        assert!(answers_match("aB3xYz", " ab3xyz\n"));
    }

    #[test]
    fn answers_match_rejects_wrong_and_empty() {
        assert!(!answers_match("aB3xYz", "aB3xY"));
        assert!(!answers_match("aB3xYz", "aB3xYzz"));
        assert!(!answers_match("aB3xYz", "aB3xYq"));
        assert!(!answers_match("aB3xYz", ""));
        assert!(!answers_match("aB3xYz", "   "));
        assert!(!answers_match("", ""));
        assert!(!answers_match("", "abc"));
    }

    #[test]
    fn data_url_and_debug() {
        let c = generate(4, 120, 40);
        assert!(
            c.to_data_url()
                .starts_with("data:image/png;base64,iVBORw0KGgo")
        );
        assert_eq!(
            format!("{c:?}"),
            format!(
                "Captcha {{ answer: \"<redacted>\", png_bytes: {} }}",
                c.png.len()
            )
        );
    }

    /// Writes a sample to the path in `STRATUS_CAPTCHA_SAMPLE`, for eyeballing.
    #[test]
    fn write_sample_when_asked() {
        if let Ok(path) = std::env::var("STRATUS_CAPTCHA_SAMPLE") {
            let len = std::env::var("STRATUS_CAPTCHA_LEN").map_or(6, |v| v.parse().unwrap());
            let w = std::env::var("STRATUS_CAPTCHA_W").map_or(240, |v| v.parse().unwrap());
            let h = std::env::var("STRATUS_CAPTCHA_H").map_or(60, |v| v.parse().unwrap());
            let c = generate(len, w, h);
            std::fs::write(&path, &c.png).unwrap();
            std::fs::write(format!("{path}.txt"), &c.answer).unwrap();
        }
    }
}
