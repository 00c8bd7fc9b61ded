//! QR codes of interaction URLs, as SVG (the `qrcode` crate's renderer) and as grayscale PNG
//! (drawn here from the module matrix, encoded with the `png` crate).

use std::sync::Arc;

use qrcode::render::svg;
use qrcode::{Color, EcLevel, QrCode};

use super::error::CoordinatorError;

/// The light border around the symbol, in modules: ISO/IEC 18004 asks for four, and scanners
/// misread codes printed flush against other artwork without it.
pub const QUIET_ZONE: u32 = 4;

/// The largest PNG scale (pixels per module) rendered; larger requests are clamped. A version-40
/// code at this scale is 5,920 pixels square, already more than any label printer needs.
pub const MAX_PNG_SCALE: u32 = 32;

const DARK: u8 = 0x00;
const LIGHT: u8 = 0xff;

/// A QR code, encoded once, rendered on demand.
#[derive(Clone)]
pub(crate) struct QrSymbol {
    code: Arc<QrCode>,
}

impl QrSymbol {
    /// Encodes `data` with error correction level M (15 %): the usual choice for printed links,
    /// tolerant of scuffs without making the symbol much denser.
    pub(crate) fn encode(data: &str) -> Result<Self, CoordinatorError> {
        let code = QrCode::with_error_correction_level(data, EcLevel::M).map_err(|e| {
            CoordinatorError::QrEncoding {
                source: Arc::new(e),
            }
        })?;
        Ok(Self {
            code: Arc::new(code),
        })
    }

    /// Modules per side, without the quiet zone.
    pub(crate) fn modules(&self) -> usize {
        self.code.width()
    }

    /// An SVG document: black modules on white, 8 units per module, with the quiet zone.
    pub(crate) fn svg(&self) -> String {
        self.code
            .render::<svg::Color<'_>>()
            .quiet_zone(true)
            .module_dimensions(8, 8)
            .build()
    }

    /// The symbol as text for a terminal: two module rows per line in Unicode half blocks, with
    /// the quiet zone (dark modules as the terminal's foreground).
    #[cfg(feature = "oid4vci")]
    pub(crate) fn text(&self) -> String {
        self.code
            .render::<qrcode::render::unicode::Dense1x2>()
            .quiet_zone(true)
            .dark_color(qrcode::render::unicode::Dense1x2::Light)
            .light_color(qrcode::render::unicode::Dense1x2::Dark)
            .build()
    }

    /// An 8-bit grayscale PNG, `scale` pixels per module (clamped to `1..=MAX_PNG_SCALE`), with
    /// the quiet zone: `(modules + 8) * scale` pixels square.
    pub(crate) fn png(&self, scale: u32) -> Result<Vec<u8>, CoordinatorError> {
        let scale = scale.clamp(1, MAX_PNG_SCALE) as usize;
        let modules = self.code.width();
        let colors = self.code.to_colors();
        let quiet = QUIET_ZONE as usize;
        let side_modules = modules + 2 * quiet;
        let side = side_modules * scale;

        // One row of pixels per module row, repeated `scale` times.
        let mut pixels = Vec::with_capacity(side * side);
        for y in 0..side_modules {
            let mut row = Vec::with_capacity(side);
            for x in 0..side_modules {
                let dark = (quiet..quiet + modules).contains(&x)
                    && (quiet..quiet + modules).contains(&y)
                    && colors.get((y - quiet) * modules + (x - quiet)) == Some(&Color::Dark);
                row.extend(std::iter::repeat_n(if dark { DARK } else { LIGHT }, scale));
            }
            for _ in 0..scale {
                pixels.extend_from_slice(&row);
            }
        }

        let side = u32::try_from(side).map_err(|e| CoordinatorError::QrEncoding {
            source: Arc::new(e),
        })?;
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, side, side);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Best);
        let png_error = |e: png::EncodingError| CoordinatorError::QrEncoding {
            source: Arc::new(e),
        };
        let mut writer = encoder.write_header().map_err(png_error)?;
        writer.write_image_data(&pixels).map_err(png_error)?;
        writer.finish().map_err(png_error)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlong_data_is_a_typed_error() {
        let error = QrSymbol::encode(&"x".repeat(5000)).err().unwrap();
        assert_eq!(error.code(), "QR_ENCODING_FAILED");
    }

    #[test]
    fn scale_is_clamped() {
        let symbol = QrSymbol::encode("https://issuer.example/e/1?iuv=1").unwrap();
        let side = (symbol.modules() as u32 + 2 * QUIET_ZONE) as usize;
        let decoder = png::Decoder::new(std::io::Cursor::new(symbol.png(0).unwrap()));
        let reader = decoder.read_info().unwrap();
        assert_eq!(reader.info().width as usize, side);
        let decoder = png::Decoder::new(std::io::Cursor::new(symbol.png(1000).unwrap()));
        let reader = decoder.read_info().unwrap();
        assert_eq!(reader.info().width as usize, side * MAX_PNG_SCALE as usize);
    }
}
