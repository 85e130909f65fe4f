//! Build script: sets the soname, links libzmq.so.5 beside the library, and generates zmq.h.
//!
//! The header is written to OUT_DIR/zmq.h; `make header` copies it to include/zmq.h, which is
//! committed, and a test fails when the two differ.

use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let manifest =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));

    // Programs linked -lzmq record NEEDED libzmq.so.5, so that is the soname.
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libzmq.so.5");
    link_soname_beside_library(&out_dir);

    let capi = manifest.join("src/capi");
    for file in ["prologue.h", "epilogue.h"] {
        println!("cargo:rerun-if-changed={}", capi.join(file).display());
    }
    println!("cargo:rerun-if-changed=src");
    generate_header(&capi, &out_dir.join("zmq.h"));
}

/// Creates `libzmq.so.5 -> libzmq.so` in the profile directory (target/<profile>), so that
/// `LD_LIBRARY_PATH=target/release` loads this library and not the system's.
fn link_soname_beside_library(out_dir: &Path) {
    // OUT_DIR is target/<profile>/build/<pkg>-<hash>/out.
    let Some(profile_dir) = out_dir.ancestors().nth(3) else {
        return;
    };
    let link = profile_dir.join("libzmq.so.5");
    if fs::symlink_metadata(&link).is_err() {
        let _ = std::os::unix::fs::symlink("libzmq.so", &link);
    }
}

fn generate_header(capi: &Path, out: &Path) {
    let read = |name: &str| fs::read_to_string(capi.join(name)).expect("src/capi header parts");
    let config = cbindgen::Config {
        language: cbindgen::Language::C,
        no_includes: true,
        after_includes: Some(read("prologue.h")),
        trailer: Some(read("epilogue.h")),
        cpp_compat: true,
        usize_is_size_t: true,
        documentation: true,
        documentation_style: cbindgen::DocumentationStyle::C99,
        documentation_length: cbindgen::DocumentationLength::Short,
        export: cbindgen::ExportConfig {
            exclude: ["zmq_msg_t", "zmq_pollitem_t", "zmq_fd_t"]
                .map(String::from)
                .to_vec(),
            ..Default::default()
        },
        ..Default::default()
    };
    cbindgen::Builder::new()
        .with_src(capi.join("mod.rs"))
        .with_config(config)
        .generate()
        .expect("cbindgen could not read src/capi")
        .write_to_file(out);
}
