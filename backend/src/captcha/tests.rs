use std::{sync::Arc, time::Duration};

use base64::{Engine as _, engine::general_purpose::STANDARD};
use chrono::TimeZone as _;
use clave_domain::captcha::solve;

use super::*;
use crate::{store::Store, testing::TestDb};

const TTL_SECS: i64 = 300;
const TTL: Duration = Duration::from_secs(TTL_SECS as u64);

fn captcha() -> Captcha {
    Captcha::new(&SecretKey::for_tests(), &CaptchaSettings { max_number: 2_000, ttl: TTL })
}

/// 2026-03-01 12:00:00 UTC plus `seconds`.
fn at(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).single().expect("valid instant")
        + chrono::Duration::seconds(seconds)
}

fn solved(challenge: &Challenge) -> Solution {
    let number = solve(&challenge.challenge, &challenge.salt, challenge.maxnumber).expect("solvable");
    Solution::new(challenge, number)
}

async fn store() -> Arc<dyn Store> {
    TestDb::new().await.store
}

#[tokio::test]
async fn a_solved_challenge_is_accepted_once_and_a_replay_is_refused() {
    let (captcha, store) = (captcha(), store().await);
    let payload = solved(&captcha.challenge(at(0))).to_base64();

    captcha.verify(&*store, &payload, at(10)).await.expect("first submission accepted");
    let replay = captcha.verify(&*store, &payload, at(11)).await;
    assert!(matches!(replay, Err(CaptchaError::AlreadyUsed)), "{replay:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_parallel_submissions_of_one_solution_succeed_exactly_once() {
    let db = TestDb::pooled(8).await;
    let store = db.store.clone();
    let captcha = captcha();
    let payload = solved(&captcha.challenge(at(0))).to_base64();

    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (captcha, store, payload) = (captcha.clone(), store.clone(), payload.clone());
            tokio::spawn(async move { captcha.verify(&*store, &payload, at(5)).await })
        })
        .collect();
    let (mut accepted, mut replays) = (0, 0);
    for task in tasks {
        match task.await.expect("task") {
            Ok(()) => accepted += 1,
            Err(CaptchaError::AlreadyUsed) => replays += 1,
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((accepted, replays), (1, 49));
}

#[tokio::test]
async fn a_tampered_number_or_salt_is_a_wrong_solution() {
    let (captcha, store) = (captcha(), store().await);
    let good = solved(&captcha.challenge(at(0)));

    let other_number = Solution { number: good.number + 1, ..good.clone() };
    let r = captcha.verify(&*store, &other_number.to_base64(), at(1)).await;
    assert!(matches!(r, Err(CaptchaError::WrongSolution)), "{r:?}");

    // Pushing the expiry out breaks the hash, which the signature covers.
    let expires = expiry(&good.salt).expect("expiry").timestamp();
    let later = good.salt.replace(&expires.to_string(), &(expires + 3600).to_string());
    let longer_life = Solution { salt: later, ..good.clone() };
    let r = captcha.verify(&*store, &longer_life.to_base64(), at(1)).await;
    assert!(matches!(r, Err(CaptchaError::WrongSolution)), "{r:?}");

    captcha.verify(&*store, &good.to_base64(), at(1)).await.expect("refusals did not spend the challenge");
}

#[tokio::test]
async fn a_tampered_or_foreign_signature_is_refused() {
    let (captcha, store) = (captcha(), store().await);
    let good = solved(&captcha.challenge(at(0)));

    let mut flipped = good.signature.clone().into_bytes();
    flipped[0] = if flipped[0] == b'0' { b'1' } else { b'0' };
    let flipped = String::from_utf8(flipped).expect("ascii");
    // A challenge the client made up for its own salt and number, with the old signature.
    let forged_salt = format!("{}?expires={}", "ab".repeat(12), at(86_400).timestamp());
    let forged =
        Solution { challenge: challenge_hash(&forged_salt, 1), salt: forged_salt, number: 1, ..good.clone() };
    let other_key = Captcha { key: [7; 32], ..captcha.clone() };
    let foreign = solved(&other_key.challenge(at(0)));

    for bad in [
        Solution { signature: flipped, ..good.clone() },
        Solution { signature: "not hex".into(), ..good.clone() },
        Solution { signature: String::new(), ..good.clone() },
        forged,
        foreign,
    ] {
        let r = captcha.verify(&*store, &bad.to_base64(), at(1)).await;
        assert!(matches!(r, Err(CaptchaError::BadSignature)), "{bad:?}: {r:?}");
    }
}

#[tokio::test]
async fn a_solution_is_accepted_until_the_second_before_expiry_and_then_refused() {
    let (captcha, store) = (captcha(), store().await);
    let ttl = TTL_SECS;

    let in_time = solved(&captcha.challenge(at(0))).to_base64();
    captcha.verify(&*store, &in_time, at(ttl - 1)).await.expect("one second before expiry");

    for late in [ttl, ttl + 1] {
        let payload = solved(&captcha.challenge(at(0))).to_base64();
        let r = captcha.verify(&*store, &payload, at(late)).await;
        assert!(matches!(r, Err(CaptchaError::Expired)), "at +{late}s: {r:?}");
    }
}

#[tokio::test]
async fn garbage_payloads_are_malformed_without_panicking() {
    let (captcha, store) = (captcha(), store().await);
    let good = solved(&captcha.challenge(at(0)));
    let json = |s: &str| STANDARD.encode(s);
    let mut no_expiry = good.clone();
    no_expiry.salt = "ab".repeat(12);
    no_expiry.challenge = challenge_hash(&no_expiry.salt, 3);
    no_expiry.number = 3;
    no_expiry.signature = hex::encode(captcha.mac(&no_expiry.challenge).finalize().into_bytes());

    for payload in [
        String::new(),
        "   ".into(),
        "no es base64 ¿?".into(),
        "A".repeat(1_000_000),
        json("{}"),
        json("null"),
        json("[\"SHA-256\"]"),
        json(&"{".repeat(5_000)),
        json(r#"{"algorithm":"SHA-256","challenge":"x","number":"1","salt":"s","signature":"y"}"#),
        json(r#"{"algorithm":"SHA-256","challenge":"x","number":-1,"salt":"s","signature":"y"}"#),
        Solution { algorithm: "SHA-512".into(), ..good.clone() }.to_base64(),
        // Signed and solved, but without an expiry: never issued by us.
        no_expiry.to_base64(),
    ] {
        let r = captcha.verify(&*store, &payload, at(1)).await;
        assert!(matches!(r, Err(CaptchaError::Malformed)), "{:.60}: {r:?}", payload);
    }
}

#[test]
fn a_challenge_follows_the_settings_and_never_repeats() {
    let captcha = captcha();
    let a = captcha.challenge(at(0));
    let b = captcha.challenge(at(0));
    assert_eq!(a.algorithm, "SHA-256");
    assert_eq!(a.maxnumber, 2_000);
    assert_eq!(expiry(&a.salt), Some(at(TTL_SECS)));
    assert_ne!((a.salt, a.challenge), (b.salt, b.challenge));
}

#[test]
fn the_key_never_prints_and_every_refusal_has_a_spanish_message() {
    let captcha = captcha();
    assert!(!format!("{captcha:?}").contains(&hex::encode(captcha.key)));
    assert_eq!(
        CaptchaError::Expired.message_es(),
        "La verificación «No soy un robot» caducó. Márquela de nuevo."
    );
    for e in [
        CaptchaError::Malformed,
        CaptchaError::BadSignature,
        CaptchaError::WrongSolution,
        CaptchaError::AlreadyUsed,
    ] {
        assert!(e.message_es().contains("Márquela de nuevo"), "{e:?}");
        assert!(!e.message_en().is_empty());
    }
}
