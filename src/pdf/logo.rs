//! The seller's logo: a PNG or JPEG turned into what a PDF image needs. A logo that cannot
//! be read is left out (and logged), never a reason to fail the invoice.

use std::io::Cursor;

use miniz_oxide::deflate::compress_to_vec_zlib;
use png::{ColorType, Transformations};
use zune_jpeg::JpegDecoder;
use zune_jpeg::zune_core::bytestream::ZCursor;

/// A decoded logo, ready to be written as an image XObject.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Logo {
    pub width: u32,
    pub height: u32,
    pub gray: bool,
    pub samples: Samples,
    /// The alpha channel, zlib-compressed 8-bit samples, when the logo has transparency.
    pub alpha: Option<Vec<u8>>,
}

/// How the colour samples are encoded.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Samples {
    /// A JPEG file as it was: PDF readers decode it themselves (`DCTDecode`).
    Jpeg(Vec<u8>),
    /// zlib-compressed 8-bit samples (`FlateDecode`).
    Deflated(Vec<u8>),
}

/// Logos are small; a bigger picture is a mistake, and decoding it would cost every render.
const MAX_DECODED_BYTES: usize = 32 * 1024 * 1024;

/// Level 1 compresses a logo's flat colours nearly as well as level 6, several times faster.
const DEFLATE_LEVEL: u8 = 1;

/// Reads a PNG or JPEG logo; `None`, with a warning logged, when it is neither or is broken.
pub(super) fn decode(bytes: &[u8], invoice_number: &str) -> Option<Logo> {
    let decoded = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        decode_png(bytes)
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        decode_jpeg(bytes)
    } else {
        Err("neither a PNG nor a JPEG image".to_owned())
    };
    match decoded {
        Ok(logo) => Some(logo),
        Err(error) => {
            tracing::warn!(
                invoice_number,
                error,
                "The seller's logo could not be read; the invoice PDF is made without it"
            );
            None
        }
    }
}

fn decode_png(bytes: &[u8]) -> Result<Logo, String> {
    let mut decoder = png::Decoder::new_with_limits(
        Cursor::new(bytes),
        png::Limits {
            bytes: MAX_DECODED_BYTES,
        },
    );
    // Palettes and transparency chunks become plain channels, 16 bits become 8.
    decoder.set_transformations(Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let size = reader
        .output_buffer_size()
        .ok_or("the image is too large")?;
    let mut buffer = vec![0; size];
    let frame = reader.next_frame(&mut buffer).map_err(|e| e.to_string())?;
    let pixels = &buffer[..frame.buffer_size()];
    let (channels, gray) = match frame.color_type {
        ColorType::Grayscale => (1, true),
        ColorType::GrayscaleAlpha => (2, true),
        ColorType::Rgb => (3, false),
        ColorType::Rgba => (4, false),
        ColorType::Indexed => return Err("a palette image was not expanded".to_owned()),
    };
    if frame.width == 0 || frame.height == 0 {
        return Err("the image is empty".to_owned());
    }
    let has_alpha = channels == 2 || channels == 4;
    let color_channels = if has_alpha { channels - 1 } else { channels };
    let (color, alpha) = if has_alpha {
        let pixel_count = pixels.len() / channels;
        let mut color = Vec::with_capacity(pixel_count * color_channels);
        let mut alpha = Vec::with_capacity(pixel_count);
        for pixel in pixels.chunks_exact(channels) {
            color.extend_from_slice(&pixel[..color_channels]);
            alpha.push(pixel[color_channels]);
        }
        // A fully opaque alpha channel only costs space.
        let alpha = alpha.iter().any(|&a| a != 255).then_some(alpha);
        (color, alpha)
    } else {
        (pixels.to_vec(), None)
    };
    Ok(Logo {
        width: frame.width,
        height: frame.height,
        gray,
        samples: Samples::Deflated(compress_to_vec_zlib(&color, DEFLATE_LEVEL)),
        alpha: alpha.map(|a| compress_to_vec_zlib(&a, DEFLATE_LEVEL)),
    })
}

fn decode_jpeg(bytes: &[u8]) -> Result<Logo, String> {
    let mut decoder = JpegDecoder::new(ZCursor::new(bytes));
    decoder.decode_headers().map_err(|e| e.to_string())?;
    let info = decoder.info().ok_or("the JPEG has no frame header")?;
    let gray = match info.components {
        1 => true,
        3 => false,
        // CMYK JPEGs store their ink inverted or not depending on the program that made
        // them; guessing wrong prints a negative, so they are refused.
        n => {
            return Err(format!(
                "a JPEG with {n} colour components is not supported"
            ));
        }
    };
    if info.width == 0 || info.height == 0 {
        return Err("the image is empty".to_owned());
    }
    Ok(Logo {
        width: u32::from(info.width),
        height: u32::from(info.height),
        gray,
        samples: Samples::Jpeg(bytes.to_vec()),
        alpha: None,
    })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A `width` × `height` RGBA PNG: a blue square on a transparent background.
    pub(in crate::pdf) fn sample_png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        let mut data = Vec::new();
        for y in 0..height {
            for x in 0..width {
                let inside =
                    x > width / 8 && x < width * 7 / 8 && y > height / 8 && y < height * 7 / 8;
                data.extend_from_slice(if inside {
                    &[30, 70, 140, 255]
                } else {
                    &[0, 0, 0, 0]
                });
            }
        }
        writer.write_image_data(&data).unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn a_transparent_png_gets_an_alpha_mask() {
        let logo = decode(&sample_png(40, 20), "T-1").expect("the PNG is valid");
        assert_eq!((logo.width, logo.height, logo.gray), (40, 20, false));
        assert!(logo.alpha.is_some());
        let Samples::Deflated(samples) = &logo.samples else {
            panic!("a PNG is re-encoded")
        };
        let raw = miniz_oxide::inflate::decompress_to_vec_zlib(samples).unwrap();
        assert_eq!(raw.len(), 40 * 20 * 3);
    }

    #[test]
    fn a_jpeg_is_embedded_as_it_is() {
        let jpeg = include_bytes!("../../tests/fixtures/logo.jpg");
        let logo = decode(jpeg, "T-1").expect("the JPEG is valid");
        assert_eq!((logo.width, logo.height, logo.gray), (34, 48, false));
        assert_eq!(logo.samples, Samples::Jpeg(jpeg.to_vec()));
        assert_eq!(logo.alpha, None);
    }

    #[test]
    fn a_broken_or_unknown_image_is_skipped() {
        let mut truncated = sample_png(40, 20);
        truncated.truncate(60);
        assert_eq!(decode(&truncated, "T-1"), None);
        assert_eq!(decode(b"GIF89a....", "T-1"), None);
        assert_eq!(decode(&[0xff, 0xd8, 0xff, 0xe0, 0, 3], "T-1"), None);
        assert_eq!(decode(&[], "T-1"), None);
    }
}
