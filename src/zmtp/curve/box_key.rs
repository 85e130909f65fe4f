//! The keys CURVE boxes with: crypto_box keys agreed between two parties, and crypto_secretbox
//! keys.

use crypto_secretbox::aead::generic_array::GenericArray;
use crypto_secretbox::aead::{AeadInPlace, KeyInit};
use crypto_secretbox::{Nonce, Tag, XSalsa20Poly1305};
use salsa20::cipher::consts::U10;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use super::{KEY_LEN, TAG_LEN};

/// An authenticated-encryption key: a crypto_box key precomputed from one side's secret and
/// the other's public key (NaCl's crypto_box_beforenm), or a crypto_secretbox key. Each box is
/// then one XSalsa20-Poly1305 pass. (`pub` in a private module: the sides' steps hold it.)
pub struct BoxKey(XSalsa20Poly1305);

impl BoxKey {
    /// The key between `secret` and the peer's `public` key; `None` when the peer's key is of
    /// small order (the agreement would not depend on our secret), which libsodium refuses.
    pub(super) fn agree(public: &[u8; KEY_LEN], secret: &StaticSecret) -> Option<BoxKey> {
        let shared = secret.diffie_hellman(&PublicKey::from(*public));
        if !shared.was_contributory() {
            return None;
        }
        // crypto_box_beforenm: HSalsa20 of the X25519 result with an all-zero input block.
        let key = Zeroizing::new(salsa20::hsalsa::<U10>(
            GenericArray::from_slice(shared.as_bytes()),
            &GenericArray::default(),
        ));
        Some(BoxKey(XSalsa20Poly1305::new(&key)))
    }

    /// A crypto_secretbox key.
    pub(super) fn secret(key: &[u8; KEY_LEN]) -> BoxKey {
        BoxKey(XSalsa20Poly1305::new(GenericArray::from_slice(key)))
    }

    /// Boxes in place: `buf` holds room for the tag, then the plaintext, which becomes the
    /// ciphertext.
    pub(super) fn seal_in_place(&self, nonce: &Nonce, buf: &mut [u8]) {
        let (tag, text) = buf.split_at_mut(TAG_LEN);
        // Encryption fails only for inputs beyond XSalsa20's 2^70-byte stream.
        if let Ok(computed) = self.0.encrypt_in_place_detached(nonce, b"", text) {
            tag.copy_from_slice(&computed);
        }
    }

    /// A box of `plaintext`: tag, then ciphertext.
    pub(super) fn seal(&self, nonce: &Nonce, plaintext: &[u8]) -> Vec<u8> {
        let mut boxed = vec![0; TAG_LEN + plaintext.len()];
        boxed[TAG_LEN..].copy_from_slice(plaintext);
        self.seal_in_place(nonce, &mut boxed);
        boxed
    }

    /// Opens in place a box (tag, then ciphertext): true when it was authentic, and the
    /// ciphertext is then the plaintext.
    pub(super) fn open_in_place(&self, nonce: &Nonce, buf: &mut [u8]) -> bool {
        if buf.len() < TAG_LEN {
            return false;
        }
        let (tag, text) = buf.split_at_mut(TAG_LEN);
        let tag = Tag::clone_from_slice(tag);
        self.0
            .decrypt_in_place_detached(nonce, b"", text, &tag)
            .is_ok()
    }

    /// The plaintext of a box, or `None` when it is not authentic. Wiped when dropped: some
    /// boxes hold secrets.
    pub(super) fn open(&self, nonce: &Nonce, boxed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let mut buf = Zeroizing::new(boxed.to_vec());
        if !self.open_in_place(nonce, &mut buf) {
            return None;
        }
        buf.drain(..TAG_LEN);
        Some(buf)
    }
}
