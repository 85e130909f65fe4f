# libzmq.so.5 and zmq.h from Rust. `make help` lists the targets.

PREFIX ?= /usr/local
CARGO ?= cargo
PYTHON ?= /usr/bin/python3
VERSION := 4.3.5
SOVERSION := 5.2.5

LIBDIR := target/release
LIB := $(LIBDIR)/libzmq.so
GENERATED_HEADER = $(firstword $(wildcard $(LIBDIR)/build/zmq-*/out/zmq.h))

.PHONY: all build header header-fresh test test-rust test-c test-misuse test-netns test-reference test-install test-interop test-clients demo bench check sanitize miri install help clean fuzz fuzz-regress soak

all: build pkgconfig/libzmq.pc header-fresh

help:
	@echo "make            build target/release/libzmq.so (+ libzmq.so.5, libzmq.a) and pkgconfig/libzmq.pc"
	@echo "make demo       build and run the demo programs (C and Python) on this library"
	@echo "make test       build and run every test"
	@echo "make bench      benchmarks against the system libzmq, as ratios"
	@echo "make check      fmt, clippy, header freshness, header parity, symbol gate, then make sanitize"
	@echo "make sanitize   the C tests under ASan+UBSan, valgrind and TSan, Miri on pipes, messages, codec"
	@echo "make header     regenerate include/zmq.h from src/capi"
	@echo "make fuzz-regress  keep in fuzz/regress/ the grown corpora's inputs that add coverage"
	@echo "make soak       every pattern over inproc, ipc, tcp for SOAK_SECONDS (180), RSS sampled; then libzmq"
	@echo "make fuzz       run each fuzz target FUZZ_SECONDS (60) with cargo-fuzz (make test replays the seeds)"
	@echo "make install PREFIX=/dir"

build:
	$(CARGO) build --release
	@ln -sfn libzmq.so $(LIBDIR)/libzmq.so.5

# The newest header cbindgen wrote for the release build.
header: build
	cp "$$(ls -t $(LIBDIR)/build/zmq-*/out/zmq.h | head -n 1)" include/zmq.h

header-fresh: build
	@gen="$$(ls -t $(LIBDIR)/build/zmq-*/out/zmq.h | head -n 1)"; \
	if cmp -s "$$gen" include/zmq.h; then echo "include/zmq.h is fresh"; \
	else echo "include/zmq.h is stale: run 'make header'"; diff -u include/zmq.h "$$gen" | head -n 40; exit 1; fi

# Libraries a static link needs besides libzmq.a, as rustc reports them for this target.
target/native-static-libs.txt:
	@mkdir -p target
	echo '' | rustc --crate-type staticlib --print native-static-libs -o target/empty-staticlib.a - 2>&1 \
	  | sed -n 's/.*native-static-libs: //p' > $@

pkgconfig/libzmq.pc: pkgconfig/libzmq.pc.in target/native-static-libs.txt
	sed -e 's|@prefix@|$(PREFIX)|' -e 's|@version@|$(VERSION)|' \
	    -e "s|@libs_private@|$$(cat target/native-static-libs.txt)|" $< > $@

test: build header-fresh test-rust test-c test-misuse test-netns test-reference test-install test-interop test-clients

test-rust:
	$(CARGO) test

test-c: build
	capi-tests/run.sh $(LIBDIR) include

# Every C function misused, each case in a child process, on ours and on the system libzmq:
# ours must never abort and must answer libzmq's errno; libzmq's aborts are counted.
test-misuse: build
	capi-tests/misuse/run.sh $(LIBDIR) include

# Heartbeats across a link cut between two network namespaces (SKIP without root or netns).
test-netns: build
	capi-tests/netns/run.sh $(LIBDIR) include

demo: build
	capi-tests/demo/run.sh $(LIBDIR) include

bench: build
	capi-tests/bench/run.sh $(LIBDIR) include

check: build header-fresh
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings
	capi-tests/header_parity.sh include
	capi-tests/symbols.sh $(LIBDIR)/libzmq.so.5
	$(MAKE) sanitize

# The C tests with the library built under AddressSanitizer (nightly) and under valgrind;
# Miri on the unsafe code's tests: pipes, message storage, the codec. Each says SKIP when
# its tool is missing.
sanitize: build
	capi-tests/sanitize.sh asan $(LIBDIR) include
	capi-tests/sanitize.sh valgrind $(LIBDIR) include
	capi-tests/sanitize.sh tsan $(LIBDIR) include
	$(MAKE) miri

MIRI_TESTS ?= pipe:: msg:: zmtp::decoder zmtp::encoder
miri:
	@if $(CARGO) +nightly miri --version >/dev/null 2>&1; then \
	  $(CARGO) +nightly miri test --lib -- $(MIRI_TESTS); \
	else echo "SKIP: miri needs a nightly toolchain with the miri component"; fi

install: build target/native-static-libs.txt
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/cmake/ZeroMQ
	install -m 755 $(LIB) $(DESTDIR)$(PREFIX)/lib/libzmq.so.$(SOVERSION)
	ln -sfn libzmq.so.$(SOVERSION) $(DESTDIR)$(PREFIX)/lib/libzmq.so.5
	ln -sfn libzmq.so.5 $(DESTDIR)$(PREFIX)/lib/libzmq.so
	install -m 644 $(LIBDIR)/libzmq.a $(DESTDIR)$(PREFIX)/lib/libzmq.a
	install -m 644 include/zmq.h include/zmq_utils.h $(DESTDIR)$(PREFIX)/include/
	sed -e 's|@prefix@|$(PREFIX)|' -e 's|@version@|$(VERSION)|' \
	    -e "s|@libs_private@|$$(cat target/native-static-libs.txt)|" \
	    pkgconfig/libzmq.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/libzmq.pc
	sed -e 's|@version@|$(VERSION)|' -e 's|@soversion@|$(SOVERSION)|' \
	    -e "s|@libs_private@|$$(cat target/native-static-libs.txt)|" \
	    pkgconfig/ZeroMQConfig.cmake.in > $(DESTDIR)$(PREFIX)/lib/cmake/ZeroMQ/ZeroMQConfig.cmake
	sed -e 's|@version@|$(VERSION)|' \
	    pkgconfig/ZeroMQConfigVersion.cmake.in > $(DESTDIR)$(PREFIX)/lib/cmake/ZeroMQ/ZeroMQConfigVersion.cmake

clean:
	$(CARGO) clean
	rm -f pkgconfig/libzmq.pc

# The same C and Python tests on the system libzmq: proves they test libzmq's behaviour.
test-reference:
	capi-tests/run.sh --system

test-install: build
	capi-tests/install/run.sh

# Ours and the system libzmq talking to each other over tcp and ipc, each as server and client.
test-interop: build
	capi-tests/interop/run.sh $(LIBDIR) include

# Real clients unchanged on ours and on the system libzmq: pyzmq (Debian's and the PyPI wheel)
# with their test suites, the tutorials, cppzmq, czmq, prebuilt binaries switched by
# LD_LIBRARY_PATH/LD_PRELOAD. Ends with a table of pass counts on each library.
test-clients: build
	capi-tests/clients/run.sh $(LIBDIR) include

# Adds to fuzz/regress/ (committed, replayed by cargo test) the inputs of the grown corpora in
# fuzz/corpus/ that reach coverage the kept ones do not.
fuzz-regress:
	cd fuzz && for t in $(FUZZ_TARGETS); do \
	  mkdir -p regress/$$t corpus/$$t target && \
	  RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run -O $$t regress/$$t corpus/$$t -- -merge=1 \
	    > target/merge-$$t.log 2>&1 || { echo "$$t: merge failed, see fuzz/target/merge-$$t.log"; exit 1; }; \
	  echo "$$t: $$(ls regress/$$t | wc -l) inputs kept"; \
	done

# Minutes of every pattern under load with the RSS sampled (not part of make test).
soak: build
	capi-tests/soak/run.sh $(LIBDIR) include

# Each fuzz target for FUZZ_SECONDS, its corpus grown in fuzz/corpus/ from fuzz/seeds/, under
# a 64 MiB malloc limit. cargo-fuzz needs nightly flags: RUSTC_BOOTSTRAP lets this toolchain
# take them.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= $(basename $(notdir $(wildcard fuzz/fuzz_targets/*.rs)))
fuzz:
	@command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	cd fuzz && for t in $(FUZZ_TARGETS); do \
	  mkdir -p corpus/$$t target && \
	  RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run -O $$t corpus/$$t seeds/$$t -- \
	    -max_total_time=$(FUZZ_SECONDS) -malloc_limit_mb=64 -rss_limit_mb=2048 -print_final_stats=1 \
	    > target/fuzz-$$t.log 2>&1; rc=$$?; \
	  grep -E "^(Done|==.*ERROR|SUMMARY)" target/fuzz-$$t.log | sed "s/^/$$t: /"; \
	  [ $$rc -eq 0 ] || { echo "$$t failed: fuzz/target/fuzz-$$t.log, fuzz/artifacts/$$t"; exit 1; }; \
	done
