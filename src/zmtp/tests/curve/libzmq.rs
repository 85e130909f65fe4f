//! Ours against byte streams recorded from libzmq 4.3.4 (/usr/lib/x86_64-linux-gnu/libzmq.so.5,
//! with libsodium) over TCP.
//!
//! Recorded with Python 3: libzmq driven through ctypes, its peer a plain TCP socket speaking
//! CURVE through the libsodium-based peer that computed `super::vectors`, with that module's
//! fixed keys and "random" bytes. Constants named `LZ_` are what libzmq wrote; those named
//! `OUR_` are what the peer wrote and libzmq accepted (and answered as the next constant
//! shows). Our connection in the peer's place, with the same randomness, must write exactly
//! the `OUR_` bytes and understand libzmq's.
//!
//! A: libzmq a CURVE server (DEALER, routing id "srv"), the peer a client (DEALER "cli") that
//! sends "hello", "a"+"b", then PING "hi"; libzmq sends "x"+"world", and PONG "hi".
//! B: libzmq a client (DEALER "abc"), the peer a server (ROUTER, no routing id); libzmq sends
//! "hello", "a"+"", the peer "world".
//! SUB: libzmq a SUB client subscribing to "topic" then unsubscribing, the peer a PUB server.
//! HB: as B, with ZMQ_HEARTBEAT_IVL set on libzmq: its first PING, and the peer's PONG.

use super::*;

const A_LZ_GREETING: &str = "ff00000000000000047f030143555256450000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";
const A_LZ_WELCOME_FRAME: &str = "04a80757454c434f4d45b343a6dcdb7298dd59a39b0178345d6a100c32fd0a929436259a6604b61c1b243addc3ce521363095566748e0819dc308c71465e77e93947af2cd41ebd49fcf852b9f88ffee3d2d0713babf1fcfd47bb2ec23ac6c18f10e65c830616b49bfc72ddad51b5d8bb4a5c66b15158b7983a48a476c2ef75460ac35c2d079593ed671eb8a869772fa6009c81849e654f2069ab3ded97c89a6ed2794496c88b58be7a30";
const A_OUR_INITIATE_FRAME: &str = "06000000000000012708494e4954494154453ea6a555fc26fc04adc7d54b3d3feb874f74a04bc5970a9e1f5519008071113d05023aa290af4575a91794ed80c6bae8683cf445bb45fe77667258d0d6cafe7f969208921d6de3d678cce6879aecaa0f75dfbfc1aca358697d202110f3870ddf0000000000000002ac555c5368630326bcb6ec8c1f6551f82b71d2932fb403dc70dd638349c7b19dc1368247fc7cecbf8adfb2f1f630cc86cc02afb7a1c9fe6557dcda12f467b8cdf5433345f606a8c2fb1b8cd047e838d61d3a35c13b5cdf5a403140b0c5005e8d0255f989ffa30f994b2e8f54d1347574ab38aca362df934918fbe3d72f34b446c4c78400e13d9023af2612b6b42dc8f5afdbf47c26f1b45bcf320941732d7e4ce041600f9527dacb8b5810a369755c90daff3b9ebf49";
const A_LZ_READY_FRAME: &str = "044405524541445900000000000000010396117c3169164ac23c9fdad28e3f730ba8ecf1c4dfb52484662b6ad433278b0fb8549f8e61b1b363b88d57875d33a4ac17fbc4beb5";
const A_LZ_MSG0_FRAME: &str =
    "0022074d4553534147450000000000000002190824298841ff1bc447016dd02a66cfa7a6";
const A_LZ_MSG1_FRAME: &str =
    "0026074d45535341474500000000000000035b372f85ac2622b5752f8f5366b84c3e0cdf4416eca7";
const A_OUR_HELLO_MSG_FRAME: &str =
    "0026074d455353414745000000000000000330e6e8f7ee6f38ed3cf6b317f6ddd24fc727c2c5c69d";
const A_LZ_PONG_FRAME: &str =
    "0028074d4553534147450000000000000004354138fb87e0df34342bfb720396012207cc792e0e857d7b";
const B_LZ_GREETING: &str = "ff00000000000000047f030143555256450000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";
const B_LZ_HELLO_FRAME: &str = "04c80548454c4c4f0100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000f6a0425d106e09eb8a1e55f325ca4a93bab7723ecf90f3a9ba3dc042adf1056400000000000000015c8077d9d63aad4a0d25aca6665e45e4ff205bd11fd86c58981fa3c6d65eff735ec8f9971ee8cdc349986c5c8a37ef977d4f589d00dc3fbb69f36bfdadd38d383ab9ba53613c2790d0f6486d2464d27e";
const B_OUR_WELCOME_FRAME: &str = "04a80757454c434f4d45909192939495969798999a9b9c9d9e9f044368278b132fe591c2c8bc931517193396889832f4bb43f8806d8d47deaa87a9ef8778170273ea4f2dd5152fcbdfa60f829d6ca9abd8b49758543b85493ff14c28654c2d4b84c242d6643daa37fe378822479211384f10e34a3e10e26124c361ee0893c1f02c6ac350d015c82c8e86b38e41d722be6c510e8d5d3b47b9ee8bc55a571c4f5b86787149502cf79c1b24";
const B_LZ_INITIATE_FRAME: &str = "06000000000000012708494e495449415445808182838485868788898a8b8c8d8e8f6bda077d8eda63af14ce036bf61863de9617e6cf8409f66662bf303153e16d49e3674fc5b6f2c0de5ec5c909a7327a659baf645e81e3a0f6a00f208a9fb4e1c75e2959f4898a014504248812807a55d500000000000000025265141169c5d3fe3e503a61e71d528c0eb5436d8f773d06ee2dcb39dfd65f2c45f344a57f363b63131e5af205443def923b56e4f3055379ced752ecd9917b88a95f0192927fc7acc05df82a2d80f761b8e885d4d0addda185dd5e05eeb603198af34129c5ecf1610b9c101c5bc4f4717cae2642c80048b03b81cae9f34a4e9887b8357ba7b4db365fb0299200e519b5d3140c6fbf4f20b015c88340866504962759ebcf51163b62ad9e2c7f2cf764ae7ceaa805d3ea";
const B_OUR_READY_FRAME: &str = "044105524541445900000000000000012255b2bf0d87972f9f5f61c9478ca37ec8409419702cd517cfc6204c47748944615ad72aef1bb1146ed83e9f81505b8f9509a0";
const B_LZ_MSG0_FRAME: &str =
    "0026074d4553534147450000000000000003fd65e61807188cc353738cf24f66e417406545193462";
const B_LZ_MSG1_FRAME: &str =
    "0022074d455353414745000000000000000483d53119c648b5cb8f08be4c442c6dbde3e9";
const B_LZ_MSG2_FRAME: &str =
    "0021074d45535341474500000000000000056a895e5271816b29e7947ce3db85d66d30";
const B_OUR_WORLD_FRAME: &str =
    "0026074d4553534147450000000000000002fb32d6ee77ce91d7e214d6a281b30d3f52888dce1834";
const SUB_LZ_GREETING: &str = "ff00000000000000017f030143555256450000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";
const SUB_LZ_HELLO_FRAME: &str = "04c80548454c4c4f01000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000004c391aa1c5e1651a49eb33f440b3e93cb1ba5f055a29f2da9f8ff04b91401c12000000000000000144dd9a0b1df13d369405dd6e658c12d69abc1b8ec10d6f8780465231377fceb4e0388a41c62aca28f42f6f7cbd3e2ed44aa9052cd6282090d4ac70e01372b675ee25ca6526af073a749fb65a309cb7f5";
const SUB_OUR_WELCOME_FRAME: &str = "04a80757454c434f4d45909192939495969798999a9b9c9d9e9ff696730615a36f44ff32a591a318d09d36f5ed17227b0ae2020de980a8c2f2b3228f5b2ca0f0dc59f0518b45bae8b9aa04ee45fda7c459c21efd5512dfe827f597618099b8294336999a0e42bb9f63c4122cb574b2588353c1ca4c81d95d5b5a09c0d6cac1b189e3615e48fdcf37fb436b62a0118bf56a78225483e4437c010c46b189ffb4db51829cc45391133a810a";
const SUB_LZ_INITIATE_FRAME: &str = "06000000000000011408494e495449415445808182838485868788898a8b8c8d8e8ffb4cc6cd5308610b73e45b5047611a062c8ebe3351869a97a14a56363698cee6e86a62fe234bc1ad7b77f9009b8363139baf645e81e3a0f6a00f208a9fb4e1c75e2959f4898a014504248812807a55d500000000000000023bb9bf41a7bf5417eeab427549b0767cb098d5858690ad36cd127fe0d37a937ed946aaa36f45325e5fda4e0cfb73e51d29085006196858854f713e2c0fe216ff36d4e83112e3adaf0ad98acb47eae5f12ed6c7957e453fcd7e28784633b1ca284d0475ae46f478e6cfe996100c48db819227b0ff19ce4d594eef7b036d2fd9bbe43e8fbd5a077abd085dabb3c3295e9b9b78c4c5acca5d53d73e2cb079a46e80edd571";
const SUB_OUR_READY_FRAME: &str = "0431055245414459000000000000000130805cc23ceb4fa844bb32de5742c70ade8c17b44f19ab162893ed6d76ae1ad143dbf0";
const SUB_LZ_SUB_FRAME: &str = "0030074d4553534147450000000000000003cae65d25c471f402a0b4e9e11a3902f0c8db3e9fa4ab840899a40017892b3ad6";
const SUB_LZ_CANCEL_FRAME: &str = "002d074d45535341474500000000000000047bee53129154e4d0795cca94cf02de51cec01b6139869fb6d1ce078573";
const HB_LZ_GREETING: &str = "ff00000000000000047f030143555256450000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";
const HB_LZ_HELLO_FRAME: &str = "04c80548454c4c4f010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000013aa5673cc2c10b279fbe92fed2d770efc7eb12d09a7f4b6b59d196ac3f6ad48000000000000000158648885d1c324da49b0cd275fe290e39eabfa695d85f2c5ffc1a6230aa608c89c9272c3e762d24c332cfc966d106b699ab939bf606cf3d95a9a4b51881312e967d4ddda0bf5d49e76da6bb3350a2e90";
const HB_OUR_WELCOME_FRAME: &str = "04a80757454c434f4d45909192939495969798999a9b9c9d9e9fbe631c648d0dc5428010cbec0ad3f5c6e45a92af3aa1eb6abd05c39258d561d1bf30ab3ef4a729decbdea6ff74b09d8a4df4c0dd7f90b5faa88328ff37abb70e9557be7d452bed4067ad190cd584e3457ee0b9012edf6c2b8a7e0b5cfd604e76fe84863cf86e9b058b100a1d55722e0e3e1af476f4f4da1349c3ad83de78fa8e0065132646346705dd1fb643085bf993";
const HB_LZ_INITIATE_FRAME: &str = "06000000000000012708494e495449415445808182838485868788898a8b8c8d8e8f7baf182448815c3fc2838ee5442622be731df2e1584bef3f915a8ced9b0650d4a5ae8cd670c5c7c151651021c935d2499baf645e81e3a0f6a00f208a9fb4e1c75e2959f4898a014504248812807a55d5000000000000000275e514b4c43d6dd1f5372326ad0685433422c9c82536034d8b00300c5675cc411cb99b78bd74ba6ebc6ea85a58df0fd30fde34bd2692b943ea95fed444619980c5326e9d8a5a8f540f7728b1f770f8228194f48f41a680a801a0cf89127b168d358ee31706e74bb8c1ff6dcce703fa9a03d9bf3391a757eddc9af464f4f8bd433057919191e7234d02b607ed8941ece78fa29e805968c902386d34a1c1c294d3507143fcc7222782cec51fa42ebd11a49e9036eaa532";
const HB_OUR_READY_FRAME: &str = "04410552454144590000000000000001dc906d958157b36d625a85da8c04a71edc8ebdf6d94111ae5e7ae72ac7bed16c0df3184f34514a3ae829657a5175654110659a";
const HB_LZ_PING_FRAME: &str =
    "0028074d4553534147450000000000000003a5627fe136c5ff6c3017c06a135ab7b52d5aa4370ebdb90a";
const HB_OUR_PONG_FRAME: &str =
    "0026074d455353414745000000000000000240f4a8fac61f3835390e0f213880bb02c16dacff2181";

/// What we send after our signature once libzmq's greeting is in: revision 3.1, "CURVE",
/// as-server 0 (libzmq always sends 0) and filler.
fn our_greeting_rest() -> Vec<u8> {
    let mut rest = vec![3, 1];
    rest.extend_from_slice(b"CURVE");
    rest.resize(54, 0);
    rest
}

/// Our server of the vectors, greeted by libzmq, given libzmq's HELLO and INITIATE: checks
/// that it answers with `welcome`, asks ZAP (no handler bound), then sends `ready`.
fn server_through_handshake(
    server: Config,
    recorded: [&str; 4],
    peer: (Option<&[u8]>, i32),
    now: Instant,
) -> Connection {
    let [greeting, hello, welcome, initiate] = recorded;
    let mut s = server_connection(server, now);
    assert_eq!(take_output(&mut s).len(), 10);
    assert!(feed(&mut s, &unhex(greeting), now).is_empty());
    assert_eq!(take_output(&mut s), our_greeting_rest());
    assert!(feed(&mut s, &unhex(hello), now).is_empty());
    assert_eq!(hex(&take_output(&mut s)), welcome);
    s.handle_input(&unhex(initiate), now);
    let mut events = Vec::new();
    poll_serving(&mut s, now, &mut None, &mut events).unwrap();
    let Event::ZapRequest(request) = &events[0] else {
        panic!("{events:?}")
    };
    let request: Vec<&[u8]> = request.iter().map(Msg::data).collect();
    assert_eq!(request[6..], [&b"CURVE"[..], &client_public()]);
    let (ready, frames) = split(events);
    assert_eq!(
        ready,
        [(Version::V3_1, peer.0.map(<[u8]>::to_vec), Some(peer.1))]
    );
    assert!(frames.is_empty());
    s
}

#[test]
fn our_client_against_libzmqs_server() {
    let now = Instant::now();
    let mut c = client_connection(DEALER, b"cli", now);
    assert_eq!(take_output(&mut c).len(), 10);
    assert!(feed(&mut c, &unhex(A_LZ_GREETING), now).is_empty());
    let out = take_output(&mut c);
    assert_eq!(out[..54], our_greeting_rest());
    assert_eq!(
        hex(&out[54..]),
        hex(&command_frame(&unhex(super::vectors::HELLO)))
    );
    assert!(feed(&mut c, &unhex(A_LZ_WELCOME_FRAME), now).is_empty());
    assert_eq!(hex(&take_output(&mut c)), A_OUR_INITIATE_FRAME);
    let (ready, frames) = split(feed(&mut c, &unhex(A_LZ_READY_FRAME), now));
    assert_eq!(
        ready,
        [(Version::V3_1, Some(b"srv".to_vec()), Some(DEALER))]
    );
    assert!(frames.is_empty());

    c.send(Msg::from_slice(b"hello")).unwrap();
    assert_eq!(hex(&take_output(&mut c)), A_OUR_HELLO_MSG_FRAME);
    let mut from_libzmq = unhex(A_LZ_MSG0_FRAME);
    from_libzmq.extend(unhex(A_LZ_MSG1_FRAME));
    let (_, frames) = split(feed(&mut c, &from_libzmq, now));
    assert_eq!(
        frames,
        [Frame::new(b"x", true), Frame::new(b"world", false)]
    );
    // libzmq's boxed PONG: a command, taken by the connection.
    assert!(feed(&mut c, &unhex(A_LZ_PONG_FRAME), now).is_empty());
    assert!(c.is_ready());
}

#[test]
fn our_server_against_libzmqs_client() {
    let now = Instant::now();
    let recorded = [
        B_LZ_GREETING,
        B_LZ_HELLO_FRAME,
        B_OUR_WELCOME_FRAME,
        B_LZ_INITIATE_FRAME,
    ];
    let mut s = server_through_handshake(
        server_config(ROUTER, b""),
        recorded,
        (Some(b"abc"), DEALER),
        now,
    );
    assert_eq!(hex(&take_output(&mut s)), B_OUR_READY_FRAME);
    let mut from_libzmq = unhex(B_LZ_MSG0_FRAME);
    from_libzmq.extend(unhex(B_LZ_MSG1_FRAME));
    from_libzmq.extend(unhex(B_LZ_MSG2_FRAME));
    let (_, frames) = split(feed(&mut s, &from_libzmq, now));
    assert_eq!(
        frames,
        [
            Frame::new(b"hello", false),
            Frame::new(b"a", true),
            Frame::new(b"", false)
        ]
    );
    s.send(Msg::from_slice(b"world")).unwrap();
    assert_eq!(hex(&take_output(&mut s)), B_OUR_WORLD_FRAME);
}

#[test]
fn libzmqs_subscriptions_are_boxed_commands() {
    let now = Instant::now();
    let recorded = [
        SUB_LZ_GREETING,
        SUB_LZ_HELLO_FRAME,
        SUB_OUR_WELCOME_FRAME,
        SUB_LZ_INITIATE_FRAME,
    ];
    let mut s = server_through_handshake(server_config(PUB, b""), recorded, (None, SUB), now);
    assert_eq!(hex(&take_output(&mut s)), SUB_OUR_READY_FRAME);
    let mut from_libzmq = unhex(SUB_LZ_SUB_FRAME);
    from_libzmq.extend(unhex(SUB_LZ_CANCEL_FRAME));
    let (_, frames) = split(feed(&mut s, &from_libzmq, now));
    assert_eq!(frames, [Frame::sub(b"\x01topic"), Frame::sub(b"\x00topic")]);
}

#[test]
fn libzmqs_heartbeat_is_answered_in_a_box() {
    let now = Instant::now();
    let recorded = [
        HB_LZ_GREETING,
        HB_LZ_HELLO_FRAME,
        HB_OUR_WELCOME_FRAME,
        HB_LZ_INITIATE_FRAME,
    ];
    let mut s = server_through_handshake(
        server_config(ROUTER, b""),
        recorded,
        (Some(b"abc"), DEALER),
        now,
    );
    assert_eq!(hex(&take_output(&mut s)), HB_OUR_READY_FRAME);
    assert!(feed(&mut s, &unhex(HB_LZ_PING_FRAME), now).is_empty());
    assert_eq!(hex(&take_output(&mut s)), HB_OUR_PONG_FRAME);
}
