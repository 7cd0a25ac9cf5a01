//! A Zstandard stream as a reader of its content, frame after frame. `ruzstd`'s own
//! streaming reader stops after the first frame, while `zstd` writes one frame per input file
//! and `cat a.zst b.zst` is a valid stream, so the frames are walked here; skippable frames
//! are passed over, and each frame's checksum, when it has one, is checked.

use std::io::{self, BufRead, Read};

use ruzstd::decoding::{
    BlockDecodingStrategy, FrameDecoder,
    errors::{FrameDecoderError, ReadFrameHeaderError},
};

/// The decompressed bytes of every frame of `source`, in order.
pub struct Frames<R> {
    source: R,
    frame: FrameDecoder,
    /// A frame's header was read and its bytes are not all handed out yet.
    in_frame: bool,
}

impl<R: BufRead> Frames<R> {
    pub fn new(source: R) -> Self {
        Frames {
            source,
            frame: FrameDecoder::new(),
            in_frame: false,
        }
    }

    /// Ends the current frame: its checksum must match what was decoded.
    fn finish_frame(&mut self) -> io::Result<()> {
        self.in_frame = false;
        match (
            self.frame.get_checksum_from_data(),
            self.frame.get_calculated_checksum(),
        ) {
            (Some(stored), Some(computed)) if stored != computed => Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "zstd frame checksum mismatch",
            )),
            _ => Ok(()),
        }
    }
}

impl<R: BufRead> Read for Frames<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.in_frame {
                if self.frame.can_collect() > 0 {
                    return self.frame.read(buf);
                }
                if !self.frame.is_finished() {
                    self.frame
                        .decode_blocks(&mut self.source, BlockDecodingStrategy::UptoBlocks(1))
                        .map_err(invalid)?;
                    continue;
                }
                self.finish_frame()?;
            }
            if self.source.fill_buf()?.is_empty() {
                return Ok(0);
            }
            match self.frame.init(&mut self.source) {
                Ok(()) => self.in_frame = true,
                Err(FrameDecoderError::ReadFrameHeaderError(ReadFrameHeaderError::SkipFrame {
                    length,
                    ..
                })) => {
                    let skipped = io::copy(
                        &mut (&mut self.source).take(u64::from(length)),
                        &mut io::sink(),
                    )?;
                    if skipped < u64::from(length) {
                        return Err(io::ErrorKind::UnexpectedEof.into());
                    }
                }
                Err(e) => return Err(invalid(e)),
            }
        }
    }
}

fn invalid(e: FrameDecoderError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `printf 'hello ' | zstd -c --check` and `printf 'world' | zstd -c --check`.
    const HELLO: &[u8] = &[
        0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x58, 0x31, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x20,
        0xd2, 0x3b, 0xe1, 0xa9,
    ];
    const WORLD: &[u8] = &[
        0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x58, 0x29, 0x00, 0x00, 0x77, 0x6f, 0x72, 0x6c, 0x64, 0xef,
        0x51, 0xee, 0x66,
    ];

    fn read_all(bytes: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        Frames::new(bytes).read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn frames_are_read_one_after_another_and_skippable_ones_passed_over() {
        assert_eq!(read_all(HELLO).unwrap(), b"hello ");
        let skippable = [0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3];
        let stream = [HELLO, &skippable[..], WORLD].concat();
        assert_eq!(read_all(&stream).unwrap(), b"hello world");
        assert_eq!(read_all(b"").unwrap(), b"");
    }

    #[test]
    fn a_damaged_frame_is_an_error() {
        let mut bad = HELLO.to_vec();
        bad[10] ^= 0xff;
        assert!(read_all(&bad).is_err());
        assert!(read_all(&HELLO[..12]).is_err());
        assert!(read_all(b"not zstd at all").is_err());
    }
}
