//! Pictures for the demo: landscapes and cityscapes drawn from a seed, with
//! no words in them (a caption says what a picture is; the picture does
//! not repeat the headline). Each section has its motif, so a page of
//! thumbnails reads like a page of photographs, not of cards.

/// Sky (top, bottom), far and near ground, and a sun or lamp colour.
const SCENES: [(&str, &str, &str, &str, &str); 6] = [
    ("#f6c589", "#f3e3c3", "#8a6d5a", "#4f3b33", "#fff3d6"),
    ("#9cc7e4", "#e3f0f7", "#6f9a7d", "#2f5a44", "#fffbe6"),
    ("#2b3a67", "#f08a5d", "#4b3f72", "#1f1d36", "#ffd56b"),
    ("#c9d6df", "#f0f4f7", "#8fa3b1", "#52616b", "#ffffff"),
    ("#f9d29d", "#ffeccf", "#c07f4a", "#6b3e26", "#fff1c9"),
    ("#0f2027", "#2c5364", "#203a43", "#0b1418", "#f5e6a8"),
];

/// A small deterministic generator (SplitMix64), so the demo draws the
/// same pictures every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in lo..hi.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo).max(1) as u64) as i64
    }
}

/// A ridge line across the picture, closed down to the bottom edge.
fn hills(rng: &mut Rng, base: i64, amp: i64, fill: &str) -> String {
    let mut d = format!("M0 {base}");
    let mut x = 0;
    while x < 1200 {
        let step = rng.range(160, 320);
        let peak = base - rng.range(amp / 3, amp);
        d.push_str(&format!(" Q{} {peak} {} {base}", x + step / 2, x + step));
        x += step;
    }
    format!("<path d=\"{d} L1200 675 L0 675 Z\" fill=\"{fill}\"/>")
}

/// Buildings along the horizon, some windows lit.
fn skyline(rng: &mut Rng, base: i64, fill: &str, light: &str) -> String {
    let mut out = String::new();
    let mut x = -10;
    while x < 1200 {
        let w = rng.range(50, 120);
        let h = rng.range(80, 300);
        out.push_str(&format!(
            "<rect x=\"{x}\" y=\"{}\" width=\"{w}\" height=\"{}\" fill=\"{fill}\"/>",
            base - h,
            675 - base + h
        ));
        for wy in (base - h + 16..base - 10).step_by(28) {
            for wx in (x + 10..x + w - 14).step_by(22) {
                if rng.range(0, 5) == 0 {
                    out.push_str(&format!(
                        "<rect x=\"{wx}\" y=\"{wy}\" width=\"10\" height=\"14\" fill=\"{light}\" fill-opacity=\".8\"/>"
                    ));
                }
            }
        }
        x += w + rng.range(0, 14);
    }
    out
}

/// Water with a few bright lines on it.
fn sea(rng: &mut Rng, top: i64, fill: &str, light: &str) -> String {
    let mut out = format!(
        "<rect y=\"{top}\" width=\"1200\" height=\"{}\" fill=\"{fill}\"/>",
        675 - top
    );
    for _ in 0..9 {
        let y = rng.range(top + 10, 660);
        let x = rng.range(0, 1100);
        let w = rng.range(40, 160);
        out.push_str(&format!(
            "<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"3\" rx=\"1.5\" fill=\"{light}\" fill-opacity=\".5\"/>"
        ));
    }
    out
}

/// A 1200x675 SVG picture for a story or a video in `section`.
pub fn picture(section: &str, seed: usize, video: bool) -> String {
    let mut rng = Rng(seed as u64 * 7919 + section.len() as u64 * 104_729);
    let (sky_a, sky_b, far, near, sun) = SCENES[(seed + section.len()) % SCENES.len()];
    let sun_x = rng.range(140, 1060);
    let sun_y = rng.range(110, 260);
    let mut art = format!(
        "<defs><linearGradient id=\"s\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"1\"><stop offset=\"0\" stop-color=\"{sky_a}\"/>\
<stop offset=\"1\" stop-color=\"{sky_b}\"/></linearGradient></defs>\
<rect width=\"1200\" height=\"675\" fill=\"url(#s)\"/>\
<circle cx=\"{sun_x}\" cy=\"{sun_y}\" r=\"{}\" fill=\"{sun}\" fill-opacity=\".9\"/>",
        rng.range(40, 80)
    );
    let motif = section.to_lowercase();
    if motif.contains("megapolitan") || motif.contains("ekonomi") || motif.contains("tekno") {
        art.push_str(&skyline(&mut rng, 470, far, sun));
        art.push_str(&skyline(&mut rng, 560, near, sun));
    } else if motif.contains("regional") || motif.contains("global") {
        art.push_str(&hills(&mut rng, 430, 150, far));
        art.push_str(&sea(&mut rng, 470, near, sun));
    } else {
        art.push_str(&hills(&mut rng, 420, 200, far));
        art.push_str(&hills(&mut rng, 540, 160, near));
    }
    if video {
        art.push_str(
            "<circle cx=\"600\" cy=\"337\" r=\"90\" fill=\"#000\" fill-opacity=\".45\"/>\
<path d=\"M570 287 L570 387 L655 337 Z\" fill=\"#fff\"/>",
        );
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1200 675\" width=\"1200\" height=\"675\">{art}</svg>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_have_no_words_and_differ_by_seed() {
        let a = picture("Nasional", 1, false);
        let b = picture("Nasional", 2, false);
        assert!(!a.contains("<text"));
        assert_ne!(a, b);
        assert_eq!(
            a,
            picture("Nasional", 1, false),
            "the same seed draws the same"
        );
        assert!(picture("Video", 3, true).contains("<path d=\"M570"));
        for s in [
            "Megapolitan",
            "Regional",
            "Global",
            "Tekno",
            "Ekonomi",
            "Nasional",
        ] {
            let svg = picture(s, 5, false);
            assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{s}");
        }
    }
}
