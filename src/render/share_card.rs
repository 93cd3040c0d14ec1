//! The site's default share picture: what a social network shows for a
//! story without a picture of its own (and for the front page). Drawn from
//! the site's name, so a newsroom gets one without designing it: the name
//! in a serif masthead face on the brand colour, the tagline below.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};

/// The size social networks ask for (1.91:1).
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;
const BRAND: [u8; 3] = [0x0b, 0x4f, 0x8a];
const INK: [u8; 3] = [0xff, 0xff, 0xff];

fn width_of(font: &FontRef<'_>, size: f32, text: &str) -> f32 {
    let f = font.as_scaled(PxScale::from(size));
    let mut w = 0.0;
    let mut prev = None;
    for c in text.chars() {
        let id = f.glyph_id(c);
        if let Some(p) = prev {
            w += f.kern(p, id);
        }
        w += f.h_advance(id);
        prev = Some(id);
    }
    w
}

/// The largest size up to `max` at which `text` fits in `room` pixels.
fn fitting_size(font: &FontRef<'_>, text: &str, max: f32, room: f32) -> f32 {
    let w = width_of(font, max, text);
    if w <= room {
        max
    } else {
        (max * room / w).floor().max(8.0)
    }
}

/// Draw `text` centred on `baseline`, blending white over the background.
fn draw_centred(
    img: &mut image::RgbImage,
    font: &FontRef<'_>,
    size: f32,
    baseline: f32,
    text: &str,
) {
    let scale = PxScale::from(size);
    let f = font.as_scaled(scale);
    let mut x = (WIDTH as f32 - width_of(font, size, text)) / 2.0;
    let mut prev = None;
    for c in text.chars() {
        let id = f.glyph_id(c);
        if let Some(p) = prev {
            x += f.kern(p, id);
        }
        let glyph = id.with_scale_and_position(scale, ab_glyph::point(x, baseline));
        if let Some(outline) = font.outline_glyph(glyph) {
            let b = outline.px_bounds();
            outline.draw(|gx, gy, cover| {
                let (px, py) = (
                    b.min.x as i64 + i64::from(gx),
                    b.min.y as i64 + i64::from(gy),
                );
                if px < 0 || py < 0 || px >= i64::from(WIDTH) || py >= i64::from(HEIGHT) {
                    return;
                }
                let p = img.get_pixel_mut(px as u32, py as u32);
                for (ch, ink) in p.0.iter_mut().zip(INK) {
                    *ch = (f32::from(*ch) * (1.0 - cover) + f32::from(ink) * cover).round() as u8;
                }
            });
        }
        x += f.h_advance(id);
        prev = Some(id);
    }
}

/// The picture as PNG bytes.
pub fn png(site_name: &str, tagline: &str) -> Vec<u8> {
    let serif = FontRef::try_from_slice(dejavu::serif::bold()).expect("the bundled font reads");
    let sans = FontRef::try_from_slice(dejavu::sans::regular()).expect("the bundled font reads");
    let mut img = image::RgbImage::from_pixel(WIDTH, HEIGHT, image::Rgb(BRAND));
    let name = site_name.trim();
    let name_size = fitting_size(&serif, name, 150.0, WIDTH as f32 - 160.0);
    draw_centred(&mut img, &serif, name_size, 330.0, name);
    // A rule between the name and the tagline, as under a masthead.
    for y in 372..376 {
        for x in (WIDTH / 2 - 90)..(WIDTH / 2 + 90) {
            img.put_pixel(x, y, image::Rgb(INK));
        }
    }
    let tag = tagline.trim();
    if !tag.is_empty() {
        let tag_size = fitting_size(&sans, tag, 40.0, WIDTH as f32 - 200.0);
        draw_centred(&mut img, &sans, tag_size, 440.0, tag);
    }
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("a PNG encodes in memory");
    out.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_card_is_the_site_name_on_the_brand_colour() {
        let bytes = png("Kabar Pesisir", "Berita terpercaya dari pesisir utara");
        let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), (WIDTH, HEIGHT));
        assert_eq!(
            img.get_pixel(5, 5).0,
            BRAND,
            "the corner is the brand colour"
        );
        // The name is drawn: white ink in the band where it stands.
        let inked = (200..330)
            .flat_map(|y| (0..WIDTH).map(move |x| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x, y).0[0] > 200)
            .count();
        assert!(inked > 5_000, "{inked}");
        // A long name shrinks to fit rather than running off the card.
        let long = png(&"Harian Nusantara Raya ".repeat(4), "");
        let img = image::load_from_memory(&long).unwrap().to_rgb8();
        for y in 150..340 {
            assert_eq!(img.get_pixel(10, y).0, BRAND);
            assert_eq!(img.get_pixel(WIDTH - 10, y).0, BRAND);
        }
    }
}
