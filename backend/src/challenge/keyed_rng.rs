//! A deterministic random stream keyed by a secret: HMAC-SHA256(key, inputs ‖ block counter).
//! The same key and inputs give the same stream on every instance and every version of the
//! `rand` crate's own generators, which is what makes decoy challenges reproducible.

use hmac::{Hmac, Mac as _};
use sha2::Sha256;

/// A [`rand::RngCore`] whose output is a pure function of a key and some inputs.
pub(crate) struct KeyedRng {
    seeded: Hmac<Sha256>,
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl KeyedRng {
    /// The stream for `key` and `inputs`; inputs are length-prefixed so `["ab", "c"]` and
    /// `["a", "bc"]` give different streams.
    pub(crate) fn new(key: &[u8; 32], inputs: &[&[u8]]) -> Self {
        let mut seeded = crate::secret::hmac(key);
        for input in inputs {
            seeded.update(&(input.len() as u64).to_be_bytes());
            seeded.update(input);
        }
        Self { seeded, counter: 0, block: [0; 32], used: 32 }
    }

    fn next_byte(&mut self) -> u8 {
        if self.used == self.block.len() {
            let mut mac = self.seeded.clone();
            mac.update(&self.counter.to_be_bytes());
            self.block = mac.finalize().into_bytes().into();
            self.counter += 1;
            self.used = 0;
        }
        let byte = self.block[self.used];
        self.used += 1;
        byte
    }
}

impl rand::RngCore for KeyedRng {
    fn next_u32(&mut self) -> u32 {
        let mut bytes = [0; 4];
        self.fill_bytes(&mut bytes);
        u32::from_le_bytes(bytes)
    }

    fn next_u64(&mut self) -> u64 {
        let mut bytes = [0; 8];
        self.fill_bytes(&mut bytes);
        u64::from_le_bytes(bytes)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for byte in dest {
            *byte = self.next_byte();
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use rand::RngCore as _;

    use super::*;

    #[test]
    fn the_same_key_and_inputs_give_the_same_stream_and_others_differ() {
        let stream = |key: u8, inputs: &[&[u8]]| {
            let mut rng = KeyedRng::new(&[key; 32], inputs);
            (0..10).map(|_| rng.next_u64()).collect::<Vec<_>>()
        };
        assert_eq!(stream(1, &[b"ab", b"c"]), stream(1, &[b"ab", b"c"]));
        assert_ne!(stream(1, &[b"ab", b"c"]), stream(1, &[b"a", b"bc"]));
        assert_ne!(stream(1, &[b"ab", b"c"]), stream(2, &[b"ab", b"c"]));
    }
}
