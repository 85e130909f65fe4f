//! Z85, the printable encoding of binary keys (RFC 32).
#![forbid(unsafe_code)]

use crate::error::{Error, Result};

const ALPHABET: &[u8; 85] =
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/// Maps a character to its digit value, or 0xFF for characters outside the alphabet.
const DIGITS: [u8; 256] = {
    let mut table = [0xFF; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// The encoded length of `len` bytes, or `Error::Inval` when `len` is not a multiple of 4.
pub fn encoded_len(len: usize) -> Result<usize> {
    if len % 4 == 0 {
        Ok(len / 4 * 5)
    } else {
        Err(Error::Inval)
    }
}

/// Encodes `data` (a multiple of 4 bytes long) into `out` (exactly `encoded_len` bytes).
pub fn encode_into(data: &[u8], out: &mut [u8]) -> Result<()> {
    if encoded_len(data.len())? != out.len() {
        return Err(Error::Inval);
    }
    for (chunk, dst) in data.chunks_exact(4).zip(out.chunks_exact_mut(5)) {
        let mut value = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        for slot in dst.iter_mut().rev() {
            *slot = ALPHABET[(value % 85) as usize];
            value /= 85;
        }
    }
    Ok(())
}

/// Encodes `data` (a multiple of 4 bytes long).
pub fn encode(data: &[u8]) -> Result<String> {
    let mut out = vec![0; encoded_len(data.len())?];
    encode_into(data, &mut out)?;
    Ok(out.into_iter().map(char::from).collect())
}

/// The decoded length of `len` characters, or `Error::Inval` when `len` is not a positive
/// multiple of 5.
pub fn decoded_len(len: usize) -> Result<usize> {
    if len > 0 && len % 5 == 0 {
        Ok(len / 5 * 4)
    } else {
        Err(Error::Inval)
    }
}

/// Decodes `text` (a multiple of 5 characters) into `out` (exactly `decoded_len` bytes).
/// Characters outside the alphabet and groups worth more than 32 bits are `Error::Inval`.
pub fn decode_into(text: &[u8], out: &mut [u8]) -> Result<()> {
    if decoded_len(text.len())? != out.len() {
        return Err(Error::Inval);
    }
    for (group, dst) in text.chunks_exact(5).zip(out.chunks_exact_mut(4)) {
        let mut value: u64 = 0;
        for &c in group {
            let digit = DIGITS[usize::from(c)];
            if digit == 0xFF {
                return Err(Error::Inval);
            }
            value = value * 85 + u64::from(digit);
        }
        let value = u32::try_from(value).map_err(|_| Error::Inval)?;
        dst.copy_from_slice(&value.to_be_bytes());
    }
    Ok(())
}

/// Decodes `text` (a multiple of 5 characters).
pub fn decode(text: &[u8]) -> Result<Vec<u8>> {
    let mut out = vec![0; decoded_len(text.len())?];
    decode_into(text, &mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc32_vector() {
        let data = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B];
        assert_eq!(encode(&data).unwrap(), "HelloWorld");
        assert_eq!(decode(b"HelloWorld").unwrap(), data);
    }

    #[test]
    fn round_trip_all_bytes() {
        let data: Vec<u8> = (0..=255).collect();
        assert_eq!(decode(encode(&data).unwrap().as_bytes()).unwrap(), data);
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(encode(&[1, 2, 3]), Err(Error::Inval));
        assert_eq!(decode(b"Hell"), Err(Error::Inval));
        assert_eq!(decode(b""), Err(Error::Inval));
        assert_eq!(encode(b"").unwrap(), "");
        assert_eq!(decode(b"Hell\""), Err(Error::Inval));
        assert_eq!(decode(b"Hell\xff"), Err(Error::Inval));
        // "#####" is 85^5 - 1, more than 32 bits hold.
        assert_eq!(decode(b"#####"), Err(Error::Inval));
        assert_eq!(decode(b"%nSc0").unwrap(), [0xFF; 4]);
    }
}
