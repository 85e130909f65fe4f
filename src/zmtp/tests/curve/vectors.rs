//! The mechanisms against vectors computed independently with libsodium 1.0.18: a CurveZMQ
//! peer written in Python over libsodium's crypto_box_easy, crypto_box_easy_afternm and
//! crypto_secretbox_easy (through ctypes), given the fixed keys and "random" bytes of
//! `super`, printed each command and MESSAGE body below. The same peer, run against the
//! system's libzmq 4.3.4, is what recorded the streams of `super::libzmq`.
//!
//! The client is a DEALER with routing id "cli", the server a ROUTER with none.

use super::*;
use crate::zmtp::protocol_error;

/// The handshake: HELLO (short nonce 1), WELCOME, INITIATE (short nonce 2), READY (short
/// nonce 1).
pub(super) const HELLO: &str = "0548454c4c4f010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000079a631eede1bf9c98f12032cdeadd0e7a079398fc786b88cc846ec89af85a51a0000000000000001f0a6b7c144dd5acfa40b7e6cad27b82a4034ec6ef919c8b8412373c9d2dd66acb2da84e52db9ae544850f6f70128a05f165ec022f21445bd2d3cb58bc7f461a7fe2454672ea819b98c04ec8e18c0f8c3";
const WELCOME: &str = "0757454c434f4d45909192939495969798999a9b9c9d9e9fc7ebd9948d11f028d99090dee936463fc83b1153f78422ff9d0d972ffb86e005de501999a82a7b47473cf96485ff46b4e20503221de4f02a07d02d3810de161ff553ea7dacd1ee1a95d57a8d86b9213009752500a2c7e94ccf2d23ea4074011d2124ecf402613831a75bd05d1c18b7ed1b1b5ecbdf5b2f54801e5f1bd9369d24fbe0ffe4800aa4917e8e0cba46421984";
const INITIATE: &str = "08494e495449415445808182838485868788898a8b8c8d8e8f9cce97d68f35f6e2523ef1c8d92028b31911957c4a7c064467b366eea886f73df9a90474bee48bfb2cbee5c2a546da1b9baf645e81e3a0f6a00f208a9fb4e1c75e2959f4898a014504248812807a55d500000000000000026e66aa7e6e19cf1ac1950fd7cb6655c350786ef4b3eaddc69843d8d89acdfe6cf860506c0a2719afa44141a5776754798cf9f408054a9a8d85ff90fe0a8974c9f296342b122632f78db425896a6876dd62550fe188be318e2daf086ca4665c79112158f3ccc6eaf153b5b6d72e68c2459f1022a9aafbd389067b58d82e08bad55a4ab96e27f25827e6a6aa041329b6db5754b26440a38e00fda82e52a83c628f69e3f7ba73c063d1795e3572c9d4a5e9d1d3face2f2b";
const READY: &str = "05524541445900000000000000019ffdf514f234e8d5d1deb3c73459fd89ba2f1141bbd8e0b66ef5b53406390a5e2783d0fdf50ea343000c89136bf79e0b7f2c63";
/// The client's first MESSAGEs (short nonces 3, 4, 5): "hello"; "a" with MORE (flags 0x01);
/// an empty last frame.
const C_HELLO_MSG: &str =
    "074d4553534147450000000000000003946d459dbd9b0803e57120660f41b293216b6caf3955";
const C_MORE_MSG: &str = "074d45535341474500000000000000046dadecdece322f729ad0862cdbea98997284";
const C_LAST_MSG: &str = "074d4553534147450000000000000005d380093686514b4d3fc8e88844a087ffe7";
/// The server's first MESSAGEs (short nonces 2, 3): "world"; a PING command (flags 0x02).
const S_WORLD_MSG: &str =
    "074d4553534147450000000000000002dfa8a8865e8e0999233baecac252ed5ac25f5cf2ad60";
const S_PING_MSG: &str =
    "074d4553534147450000000000000003c119a7e6dc8d92f240b0a7b883f6e799ade77ba2ca8e021e";

/// INITIATEs the server of the vectors must refuse: a vouch for another short-term key; a
/// vouch by another long-term key than the one claimed; a PUB, which a ROUTER cannot talk to.
const INITIATE_WRONG_VOUCHED_KEY: &str = "08494e495449415445808182838485868788898a8b8c8d8e8f9cce97d68f35f6e2523ef1c8d92028b31911957c4a7c064467b366eea886f73df9a90474bee48bfb2cbee5c2a546da1b9baf645e81e3a0f6a00f208a9fb4e1c75e2959f4898a014504248812807a55d50000000000000002f484bf726317d5b4f8651ddb377dc31850786ef4b3eaddc69843d8d89acdfe6cf860506c0a2719afa44141a5776754798cf9f408054a9a8d85ff90fe0a8974c9de08a9fa9771ebe565350303d3c9144f4ea66b5a03f09d12f7e85e152f9ed9cbe40d34295e150728cea60f0bd4b8320a9f1022a9aafbd389067b58d82e08bad55a4ab96e27f25827e6a6aa041329b6db5754b26440a38e00fda82e52a83c628f69e3f7ba73c063d1795e3572c9d4a5e9d1d3face2f2b";
const INITIATE_FOREIGN_VOUCH: &str = "08494e495449415445808182838485868788898a8b8c8d8e8f9cce97d68f35f6e2523ef1c8d92028b31911957c4a7c064467b366eea886f73df9a90474bee48bfb2cbee5c2a546da1b9baf645e81e3a0f6a00f208a9fb4e1c75e2959f4898a014504248812807a55d5000000000000000263944d1213f72241412de3dd9d67eb6f50786ef4b3eaddc69843d8d89acdfe6cf860506c0a2719afa44141a5776754798cf9f408054a9a8d85ff90fe0a8974c9cf249f96658572bb7ae59212d7cfa9600a6f334e426ae79272f4abc4923dc49e40aaed489d02025c4329d74e8ee65ed2e19945fb18be328bc9727d5ae3e7ad5410cca3fba8d137fb04bae9545c01bde15754b26440a38e00fda82e52a83c628f69e3f7ba73c063d1795e3572c9d4a5e9d1d3face2f2b";
const INITIATE_PUB: &str = "08494e495449415445808182838485868788898a8b8c8d8e8f9cce97d68f35f6e2523ef1c8d92028b31911957c4a7c064467b366eea886f73df9a90474bee48bfb2cbee5c2a546da1b9baf645e81e3a0f6a00f208a9fb4e1c75e2959f4898a014504248812807a55d500000000000000021a31b53ab8b47c5186cd32397d9c1a1f50786ef4b3eaddc69843d8d89acdfe6cf860506c0a2719afa44141a5776754798cf9f408054a9a8d85ff90fe0a8974c9f296342b122632f78db425896a6876dd62550fe188be318e2daf086ca4665c79112158f3ccc6eaf153b5b6d72e68c2459f1022a9aafbd389067b58d82e08bad55a4ab96e27f25827e6a6aa041329b6db5754b26440a38e00fda82e52a83c628a7df3f4";
/// READY from a SUB server, which a DEALER client cannot talk to.
const READY_SUB: &str = "0552454144590000000000000001da7951d996d4ce7fee1247198bb36325ba2f1141bbd8e0b66ef5b53406390a5b2699c7";

/// Runs the vectors' handshake up to the command given, returning both mechanisms.
fn handshake() -> (CurveClient, CurveServer) {
    let mut client = client_mechanism(DEALER, b"cli");
    let mut server = server_mechanism(&config(ROUTER, b""));
    for (body, expected) in [
        (client.next_handshake_command(), HELLO),
        (server_step(&mut server, HELLO), WELCOME),
        (client_step(&mut client, WELCOME), INITIATE),
    ] {
        assert_eq!(hex(&body.expect("a command")), expected);
    }
    server
        .process_handshake_command(command(&unhex(INITIATE)))
        .unwrap();
    (client, server)
}

fn server_step(server: &mut CurveServer, received: &str) -> Option<Vec<u8>> {
    server
        .process_handshake_command(command(&unhex(received)))
        .unwrap();
    server.next_handshake_command()
}

fn client_step(client: &mut CurveClient, received: &str) -> Option<Vec<u8>> {
    client
        .process_handshake_command(command(&unhex(received)))
        .unwrap();
    client.next_handshake_command()
}

/// Both sides of the vectors, ready.
fn ready_pair() -> (CurveClient, CurveServer) {
    let (mut client, mut server) = handshake();
    assert!(server.take_zap_request().is_some());
    server.zap_verdict(None).unwrap();
    let ready = server.next_handshake_command().unwrap();
    assert_eq!(hex(&ready), READY);
    client.process_handshake_command(command(&ready)).unwrap();
    (client, server)
}

fn frame_msg(data: &[u8], more: bool, is_command: bool) -> Msg {
    let mut msg = Msg::from_slice(data);
    msg.set_more(more);
    msg.set_command(is_command);
    msg
}

#[test]
fn handshake_commands_are_libsodiums() {
    let (mut client, mut server) = handshake();
    assert!(client.next_handshake_command().is_none());
    assert_eq!(client.status(), Status::Handshaking);
    // Nothing is said until the ZAP handler (here: none bound) has spoken.
    assert!(server.next_handshake_command().is_none());
    assert_eq!(
        server.take_zap_request(),
        Some(vec![client_public().to_vec()])
    );
    assert_eq!(server.take_zap_request(), None);
    assert!(server.next_handshake_command().is_none());
    server.zap_verdict(None).unwrap();
    let ready = server.next_handshake_command().unwrap();
    assert_eq!(hex(&ready), READY);
    assert!(server.next_handshake_command().is_none());
    assert_eq!(server.status(), Status::Ready);
    assert_eq!(server.peer().socket_type, Some(DEALER));
    assert_eq!(server.peer().routing_id.as_deref(), Some(&b"cli"[..]));

    client.process_handshake_command(command(&ready)).unwrap();
    assert_eq!(client.status(), Status::Ready);
    assert!(client.next_handshake_command().is_none());
    assert_eq!(client.peer().socket_type, Some(ROUTER));
    assert_eq!(client.peer().routing_id.as_deref(), Some(&b""[..]));
    assert_eq!(client.name(), "CURVE");
    assert_eq!(server.name(), "CURVE");
}

#[test]
fn messages_are_libsodiums() {
    let (mut client, mut server) = ready_pair();
    let sent = [
        (&b"hello"[..], false, C_HELLO_MSG),
        (b"a", true, C_MORE_MSG),
        (b"", false, C_LAST_MSG),
    ];
    for (data, more, expected) in sent {
        let boxed = client.encode(frame_msg(data, more, false)).unwrap();
        assert_eq!(hex(boxed.data()), expected);
        // The MESSAGE itself goes as a plain frame: MORE travels inside the box.
        assert!(!boxed.more() && !boxed.is_command());
        let opened = server.decode(boxed).unwrap();
        assert_eq!(
            (opened.data(), opened.more(), opened.is_command()),
            (data, more, false)
        );
    }
    let boxed = server.encode(frame_msg(b"world", false, false)).unwrap();
    assert_eq!(hex(boxed.data()), S_WORLD_MSG);
    let ping = server
        .encode(frame_msg(b"\x04PING\x00\x00", false, true))
        .unwrap();
    assert_eq!(hex(ping.data()), S_PING_MSG);
    let world = client.decode(boxed).unwrap();
    assert_eq!(world.data(), b"world");
    assert!(!world.more() && !world.is_command());
    let ping = client.decode(ping).unwrap();
    assert_eq!(ping.data(), b"\x04PING\x00\x00");
    assert!(ping.is_command() && !ping.more());
}

#[test]
fn vectors_open_on_the_other_side() {
    let (mut client, mut server) = ready_pair();
    for (boxed, data, more) in [
        (C_HELLO_MSG, &b"hello"[..], false),
        (C_MORE_MSG, b"a", true),
        (C_LAST_MSG, b"", false),
    ] {
        let msg = server.decode(Msg::from_slice(&unhex(boxed))).unwrap();
        assert_eq!(
            (msg.data(), msg.more(), msg.is_command()),
            (data, more, false)
        );
    }
    let msg = client.decode(Msg::from_slice(&unhex(S_WORLD_MSG))).unwrap();
    assert_eq!(msg.data(), b"world");
}

/// The server's verdict on one HELLO, from its first state.
fn server_on_hello(hello: &[u8]) -> Result<(), Failure> {
    let mut server = server_mechanism(&config(ROUTER, b""));
    let result = server.process_handshake_command(command(hello));
    if let Err(failure) = &result {
        assert_eq!(server.status(), Status::Error(failure.clone()));
        assert!(server.next_handshake_command().is_none());
    }
    result
}

#[test]
fn faulty_hellos_fail_with_libzmqs_codes() {
    let hello = unhex(HELLO);
    let with = |at: usize, byte: u8| {
        let mut bad = hello.clone();
        bad[at] = byte;
        bad
    };
    let mut long = hello.clone();
    long.push(0);
    let mut small_order = hello.clone();
    small_order[80..112].fill(0);
    let cases: [(&[u8], u32); 12] = [
        (b"", protocol_error::MALFORMED_COMMAND_UNSPECIFIED),
        (b"\x05", protocol_error::MALFORMED_COMMAND_UNSPECIFIED),
        (b"\x05HELL", protocol_error::MALFORMED_COMMAND_UNSPECIFIED),
        (
            &with(0, 0xff),
            protocol_error::MALFORMED_COMMAND_UNSPECIFIED,
        ),
        (&with(5, b'P'), protocol_error::UNEXPECTED_COMMAND),
        (b"\x05ERROR\x03400", protocol_error::UNEXPECTED_COMMAND),
        (&hello[..199], protocol_error::MALFORMED_COMMAND_HELLO),
        (&long, protocol_error::MALFORMED_COMMAND_HELLO),
        (&with(6, 2), protocol_error::MALFORMED_COMMAND_HELLO),
        (&with(7, 1), protocol_error::MALFORMED_COMMAND_HELLO),
        (&with(150, hello[150] ^ 1), protocol_error::CRYPTOGRAPHIC),
        // A key of small order: libsodium refuses to agree with it.
        (&small_order, protocol_error::CRYPTOGRAPHIC),
    ];
    for (bad, code) in cases {
        assert_eq!(refused_with(server_on_hello(bad)), code, "{}", hex(bad));
    }
    // C', the short nonce and the box are all checked by the box opening...
    for (at, byte) in hello.iter().enumerate().skip(80) {
        assert_eq!(
            refused_with(server_on_hello(&with(at, byte ^ 0x20))),
            protocol_error::CRYPTOGRAPHIC,
            "byte {at}"
        );
    }
    // ...but the padding is not looked at, as in libzmq.
    assert_eq!(server_on_hello(&with(40, 7)), Ok(()));
}

/// A server of the vectors that sent WELCOME, and its verdict on one INITIATE.
fn server_on_initiate(initiate: &[u8]) -> (CurveServer, Result<(), Failure>) {
    let mut server = server_mechanism(&config(ROUTER, b""));
    assert_eq!(hex(&server_step(&mut server, HELLO).unwrap()), WELCOME);
    let result = server.process_handshake_command(command(initiate));
    if result.is_err() {
        // The client's key was never trusted: nothing is put to the ZAP handler.
        assert_eq!(server.take_zap_request(), None);
        assert!(server.next_handshake_command().is_none());
    }
    (server, result)
}

#[test]
fn faulty_initiates_fail_with_libzmqs_codes() {
    let initiate = unhex(INITIATE);
    let cases = [
        (&initiate[..256], protocol_error::MALFORMED_COMMAND_INITIATE),
        (&unhex(HELLO)[..], protocol_error::UNEXPECTED_COMMAND),
        (
            b"\x08INITIAT",
            protocol_error::MALFORMED_COMMAND_UNSPECIFIED,
        ),
        (
            &unhex(INITIATE_WRONG_VOUCHED_KEY),
            protocol_error::KEY_EXCHANGE,
        ),
        (
            &unhex(INITIATE_FOREIGN_VOUCH),
            protocol_error::CRYPTOGRAPHIC,
        ),
    ];
    for (bad, code) in cases {
        assert_eq!(
            refused_with(server_on_initiate(bad).1),
            code,
            "{}",
            hex(bad)
        );
    }
    // Cookie, short nonce, box: any change and nothing opens.
    for at in 9..initiate.len() {
        let mut bad = initiate.clone();
        bad[at] ^= 0x01;
        assert_eq!(
            refused_with(server_on_initiate(&bad).1),
            protocol_error::CRYPTOGRAPHIC,
            "byte {at}"
        );
    }
    // A peer whose socket type ours cannot talk to.
    let (_, result) = server_on_initiate(&unhex(INITIATE_PUB));
    assert_eq!(result, Err(Failure::IncompatibleSocketType));
}

#[test]
fn a_cookie_from_another_welcome_is_refused() {
    // Another server (another cookie key, another s') gets the vectors' INITIATE.
    let mut server = CurveServer::new(
        &config(ROUTER, b""),
        &server_secret(),
        fixed_random(&[&[7; 32], &COOKIE_NONCE, &[9; 32], &WELCOME_NONCE]),
    );
    assert!(server_step(&mut server, HELLO).is_some());
    let result = server.process_handshake_command(command(&unhex(INITIATE)));
    assert_eq!(refused_with(result), protocol_error::CRYPTOGRAPHIC);
}

#[test]
fn commands_out_of_turn() {
    // The server waits for ZAP: any command is one libzmq has no code for.
    let (_, mut server) = handshake();
    let result = server.process_handshake_command(command(&unhex(INITIATE)));
    assert_eq!(refused_with(result), protocol_error::UNSPECIFIED);

    // The server waits for INITIATE and gets a second HELLO.
    let (mut server, _) = server_on_initiate(&unhex(HELLO));
    assert!(server.take_zap_request().is_none());
    assert_eq!(
        status_code(&server),
        Some(protocol_error::UNEXPECTED_COMMAND)
    );

    // Nothing is boxed or opened before the handshake is over.
    let mut client = client_mechanism(DEALER, b"");
    assert!(client.encode(Msg::from_slice(b"x")).is_err());
    assert!(client.decode(Msg::from_slice(&unhex(S_WORLD_MSG))).is_err());
    let mut server = server_mechanism(&config(ROUTER, b""));
    assert!(server.encode(Msg::from_slice(b"x")).is_err());
    assert!(server.zap_verdict(None).is_err());
}

/// A client of the vectors after HELLO, and its verdict on one command.
fn client_on(received: &[u8]) -> (CurveClient, Result<(), Failure>) {
    let mut client = client_mechanism(DEALER, b"cli");
    assert_eq!(hex(&client.next_handshake_command().unwrap()), HELLO);
    let result = client.process_handshake_command(command(received));
    (client, result)
}

#[test]
fn faulty_welcomes_fail_with_libzmqs_codes() {
    let welcome = unhex(WELCOME);
    let mut long = welcome.clone();
    long.push(0);
    // libzmq reports a WELCOME of the wrong size as a box that does not open.
    for bad in [&welcome[..167], &long, b"\x07WELCOME"] {
        assert_eq!(
            refused_with(client_on(bad).1),
            protocol_error::CRYPTOGRAPHIC
        );
    }
    for at in 8..welcome.len() {
        let mut bad = welcome.clone();
        bad[at] ^= 0x80;
        assert_eq!(
            refused_with(client_on(&bad).1),
            protocol_error::CRYPTOGRAPHIC,
            "byte {at}"
        );
    }
    for bad in [&b""[..], b"\x05HELLO", b"\x07WELCOM", b"\x04PING\x00\x00"] {
        assert_eq!(
            refused_with(client_on(bad).1),
            protocol_error::UNEXPECTED_COMMAND
        );
    }
    // READY before WELCOME: too short, or no key yet to open it with.
    let ready = unhex(READY);
    assert_eq!(
        refused_with(client_on(&ready[..29]).1),
        protocol_error::MALFORMED_COMMAND_READY
    );
    assert_eq!(
        refused_with(client_on(&ready).1),
        protocol_error::CRYPTOGRAPHIC
    );
    // A second WELCOME.
    let mut client = client_mechanism(DEALER, b"cli");
    client.next_handshake_command();
    assert!(client_step(&mut client, WELCOME).is_some());
    let result = client.process_handshake_command(command(&welcome));
    assert_eq!(refused_with(result), protocol_error::UNEXPECTED_COMMAND);
}

#[test]
fn error_commands() {
    // Before WELCOME and before READY, a well-formed ERROR ends the handshake with its reason.
    let (client, result) = client_on(b"\x05ERROR\x03400trailing");
    assert_eq!(result, Ok(()));
    assert_eq!(
        client.status(),
        Status::Error(Failure::PeerError(b"400".to_vec()))
    );
    let (mut client, _) = handshake();
    client
        .process_handshake_command(command(b"\x05ERROR\x03500"))
        .unwrap();
    match client.status() {
        Status::Error(failure) => assert_eq!(failure.auth_status(), Some(500)),
        other => panic!("{other:?}"),
    }
    for bad in [&b"\x05ERROR"[..], b"\x05ERROR\x04abc"] {
        assert_eq!(
            refused_with(client_on(bad).1),
            protocol_error::MALFORMED_COMMAND_ERROR
        );
    }
}

#[test]
fn faulty_readies_fail_with_libzmqs_codes() {
    let ready = unhex(READY);
    let on_ready = |bad: &[u8]| {
        let (mut client, _) = handshake();
        refused_with(client.process_handshake_command(command(bad)))
    };
    assert_eq!(
        on_ready(&ready[..29]),
        protocol_error::MALFORMED_COMMAND_READY
    );
    for at in 6..ready.len() {
        let mut bad = ready.clone();
        bad[at] ^= 0x04;
        assert_eq!(on_ready(&bad), protocol_error::CRYPTOGRAPHIC, "byte {at}");
    }
    // The metadata of a socket type ours cannot talk to: libzmq's client says
    // INVALID_METADATA.
    assert_eq!(
        on_ready(&unhex(READY_SUB)),
        protocol_error::INVALID_METADATA
    );
    // Once ready, further commands are MESSAGEs: a READY is not one.
    let (_, mut server) = ready_pair();
    let result = server.decode(Msg::from_slice(&ready));
    assert_eq!(
        result.unwrap_err().protocol_error_code(),
        Some(protocol_error::UNEXPECTED_COMMAND)
    );
}

#[test]
fn faulty_messages_fail_with_libzmqs_codes() {
    let message = unhex(C_HELLO_MSG);
    let decode = |bytes: &[u8]| {
        let (_, mut server) = ready_pair();
        server
            .decode(Msg::from_slice(bytes))
            .unwrap_err()
            .protocol_error_code()
            .expect("a code")
    };
    let mut header_only = b"\x07MESSAGE".to_vec();
    header_only.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 9]);
    header_only.extend_from_slice(&[0; 16]);
    let cases: [(&[u8], u32); 7] = [
        (b"", protocol_error::MALFORMED_COMMAND_UNSPECIFIED),
        (b"\x07", protocol_error::MALFORMED_COMMAND_UNSPECIFIED),
        (b"\x07MESSAG", protocol_error::MALFORMED_COMMAND_UNSPECIFIED),
        (b"\x04PING\x00\x00", protocol_error::UNEXPECTED_COMMAND),
        (b"\x07MESSAGX\x00", protocol_error::UNEXPECTED_COMMAND),
        (&message[..32], protocol_error::MALFORMED_COMMAND_MESSAGE),
        (&header_only, protocol_error::MALFORMED_COMMAND_MESSAGE),
    ];
    for (bad, code) in cases {
        assert_eq!(decode(bad), code, "{}", hex(bad));
    }
    for at in 16..message.len() {
        let mut bad = message.clone();
        bad[at] ^= 0x10;
        assert_eq!(decode(&bad), protocol_error::CRYPTOGRAPHIC, "byte {at}");
    }
    // A short nonce no greater than INITIATE's (2) is not a new one.
    let mut old = message.clone();
    old[15] = 2;
    assert_eq!(decode(&old), protocol_error::INVALID_SEQUENCE);
}

#[test]
fn message_nonces_must_grow() {
    let (_, mut server) = ready_pair();
    // Skipping ahead is allowed; going back, or repeating, is not.
    server.decode(Msg::from_slice(&unhex(C_MORE_MSG))).unwrap();
    for again in [C_HELLO_MSG, C_MORE_MSG] {
        let (_, mut server) = ready_pair();
        server.decode(Msg::from_slice(&unhex(C_MORE_MSG))).unwrap();
        let failure = server.decode(Msg::from_slice(&unhex(again))).unwrap_err();
        assert_eq!(
            failure.protocol_error_code(),
            Some(protocol_error::INVALID_SEQUENCE)
        );
    }
    server.decode(Msg::from_slice(&unhex(C_LAST_MSG))).unwrap();
}

#[test]
fn large_and_shared_messages() {
    let (mut client, mut server) = ready_pair();
    for size in [0, 1, 33, 34, 511, 512, 513, 4096, 1 << 20] {
        let payload: Vec<u8> = (0..size).map(|i| (i * 7 + size) as u8).collect();
        for shared in [false, true] {
            let boxed = client.encode(frame_msg(&payload, true, false)).unwrap();
            assert_eq!(boxed.size(), size + 33);
            // A buffer shared with another message is opened in a copy.
            let boxed = if shared {
                Msg::from_bytes(boxed.into_bytes())
            } else {
                boxed
            };
            let opened = server.decode(boxed).unwrap();
            assert_eq!(opened.data(), &payload[..], "size {size}");
            assert!(opened.more());
        }
    }
}
