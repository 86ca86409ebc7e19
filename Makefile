# priori -- static model-complexity analyzer for ONNX models.
# GNU make. `make` builds build/priori; `make check` runs every test;
# `make demo` installs what is missing (as root or with sudo), builds and
# analyzes the bundled example. SANITIZE=1 builds with ASan+UBSan under
# build/san; WERROR=1 turns warnings into errors (CI does). Besides the
# program: libpriori.so.$(VERSION) (soname libpriori.so.$(SOMAJOR), only the
# priori_* symbols of include/priori.h exported, src/libpriori.map),
# libpriori.a, priori.pc; `make install` puts them, the header, the man page
# and the database under PREFIX (in DESTDIR); `make uninstall` removes them.

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR     ?= $(PREFIX)/share/man
DESTDIR    ?=
CC         ?= cc
PKG_CONFIG ?= pkg-config
PYTHON     ?= /usr/bin/python3
CFLAGS     ?= -O2 -g
VERSION    := 0.3.0
SOMAJOR    := 0

WARN := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wformat=2
ifeq ($(WERROR),1)
WARN += -Werror
endif

DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags libprotobuf-c libcjson 2>/dev/null)
DEP_LIBS   := $(shell $(PKG_CONFIG) --libs libprotobuf-c libcjson 2>/dev/null || echo -lprotobuf-c -lcjson)

ifeq ($(SANITIZE),1)
BUILD   := build/san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD   := build
SANFLAGS :=
endif
# FUZZ=1 (used by `make fuzz`): clang, libFuzzer-instrumented copy under build/fuzz.
ifeq ($(FUZZ),1)
BUILD   := build/fuzz
CC      := clang
SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif

DATADIR    ?= $(PREFIX)/share/priori
CPPFLAGS += -D_XOPEN_SOURCE=700 -DPRIORI_VERSION='"$(VERSION)"' -DPRIORI_SHARE_DB='"$(DATADIR)/db"' -Iinclude -Isrc -Iops -Iproto -Icli
# Every object is position-independent (the same objects make libpriori.a,
# libpriori.so and the program; the program is a PIE anyway), and calls
# inside the library stay direct: -fno-semantic-interposition.
PICFLAGS := -fPIC -fno-semantic-interposition
ALL_CFLAGS = $(WARN) $(CFLAGS) $(PICFLAGS) $(SANFLAGS) $(DEP_CFLAGS) -MMD -MP
LDLIBS  += $(DEP_LIBS) -lm

LIB_SRC  := $(wildcard src/*.c) $(wildcard ops/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
# cli/: the command line (the only code that prints or maps a status to an
# exit code), kept out of libpriori.a; its commands are linked into priori,
# the unit tests and the fuzz harnesses that drive a command.
CLI_SRC  := $(filter-out cli/main.c,$(wildcard cli/*.c))
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
CLI_LIB  := $(BUILD)/libpriori-cli.a
PROTO_OBJ := $(BUILD)/proto/onnx.pb-c.o
TEST_SRC := $(wildcard tests/*.c)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o)

PRIORI := $(BUILD)/priori
LIB    := $(BUILD)/libpriori.a
SONAME := libpriori.so.$(SOMAJOR)
SOLIB  := $(BUILD)/libpriori.so.$(VERSION)
PCFILE := $(BUILD)/priori.pc

.PHONY: all lib check test demo bench proto install uninstall clean deps db db-h200 validate-energy fuzz fuzz-ci fuzz-bins

all: $(PRIORI) lib

lib: $(SOLIB) $(BUILD)/$(SONAME) $(BUILD)/libpriori.so $(LIB) $(PCFILE)

# V=1 shows the full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

# Objects depend on the flags they are compiled with (VERSION and DATADIR are
# in CPPFLAGS; WERROR, CFLAGS): $(BUILD)/flags holds them and is rewritten
# only when they change, so a version bump or a new PREFIX rebuilds them.
FLAGS_FILE := $(BUILD)/flags
FLAGS_NOW  := $(CC) $(CPPFLAGS) $(ALL_CFLAGS)
ifneq ($(file < $(FLAGS_FILE)),$(FLAGS_NOW))
$(shell mkdir -p $(BUILD))
$(file > $(FLAGS_FILE),$(FLAGS_NOW))
endif

$(BUILD)/%.o: %.c $(FLAGS_FILE)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

# The operator index for pr_op_find's binary search (ops/table.c): the
# rows of ops/ops.def ordered by (domain, name) as strcmp orders them
# (bytes, unsigned; \001 between the two keeps "" and a shorter domain
# first), made at build time instead of sorted at every start.
OPS_SORTED := $(BUILD)/gen/ops_sorted.inc
$(OPS_SORTED): ops/ops.def
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)LC_ALL=C awk -F'"' '/^OP\(/ { split($$1, a, /[(,]/); gsub(/ /, "", a[2]); printf "%s\001%s\tPR_OP_%s,\n", $$2, $$4, a[2] }' $< | LC_ALL=C sort | cut -f2 > $@.tmp && mv $@.tmp $@
$(BUILD)/ops/table.o: $(OPS_SORTED)
$(BUILD)/ops/table.o: CPPFLAGS += -I$(BUILD)/gen

# protoc-c output is generated code: compiled without our warning set.
$(PROTO_OBJ): proto/onnx.pb-c.c $(FLAGS_FILE)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) -std=c11 $(CFLAGS) $(PICFLAGS) $(SANFLAGS) $(DEP_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ) $(PROTO_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

# The shared library: every library object, only priori_* exported.
$(SOLIB): $(LIB_OBJ) $(PROTO_OBJ) src/libpriori.map
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -shared $(CFLAGS) $(SANFLAGS) -Wl,-soname,$(SONAME) -Wl,--version-script=src/libpriori.map \
	    -Wl,--no-undefined $(LIB_OBJ) $(PROTO_OBJ) $(LDLIBS) -o $@
$(BUILD)/$(SONAME): $(SOLIB)
	$(Q)ln -sf $(notdir $(SOLIB)) $@
$(BUILD)/libpriori.so: $(BUILD)/$(SONAME)
	$(Q)ln -sf $(SONAME) $@

# pkg-config file with the install paths (priori.pc.in).
# Rewritten when PREFIX or LIBDIR change (a given PREFIX on the command line).
$(PCFILE): priori.pc.in FORCE
	@mkdir -p $(dir $@)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
	    -e 's|@VERSION@|$(VERSION)|g' $< >$@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
FORCE:

$(CLI_LIB): $(CLI_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(PRIORI): $(BUILD)/cli/main.o $(CLI_LIB) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(SANFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/run: $(TEST_OBJ) $(CLI_LIB) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(SANFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/run-conformance: $(BUILD)/tests/conformance/conformance.o $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(SANFLAGS) $^ $(LDLIBS) -o $@

# `make bench`'s driver: loads a model once and analyses it many times
# (tests/bench/reanalyze.c), linked against libpriori.a only.
$(BUILD)/tests/bench/reanalyze: $(BUILD)/tests/bench/reanalyze.o $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(SANFLAGS) $^ $(LDLIBS) -o $@

# The crash tests' binary (tests/safety.sh): priori with the failure-injection
# points of src/testhook.c compiled in (PRIORI_TEST_HOOKS); build/priori has none.
$(BUILD)/tests/testhook_on.o: src/testhook.c $(FLAGS_FILE)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (test hooks)")
	$(Q)$(CC) $(CPPFLAGS) -DPRIORI_TEST_HOOKS $(ALL_CFLAGS) -c $< -o $@
$(BUILD)/tests/priori-hooks: $(BUILD)/cli/main.o $(BUILD)/tests/testhook_on.o $(CLI_LIB) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(SANFLAGS) $^ $(LDLIBS) -o $@

# Fuzzing (tests/fuzz/README.md): replayers of the regression inputs are
# plain binaries built with the rest; the libFuzzer harnesses need clang.
FUZZ_REPLAY := $(BUILD)/tests/fuzz/replay_model $(BUILD)/tests/fuzz/replay_db $(BUILD)/tests/fuzz/replay_budget \
               $(BUILD)/tests/fuzz/replay_codecarbon $(BUILD)/tests/fuzz/replay_dbadd $(BUILD)/tests/fuzz/replay_calibrate \
               $(BUILD)/tests/fuzz/replay_cli
FUZZ_BINS   := $(BUILD)/tests/fuzz/fuzz_model $(BUILD)/tests/fuzz/fuzz_mutate \
               $(BUILD)/tests/fuzz/fuzz_db $(BUILD)/tests/fuzz/fuzz_budget $(BUILD)/tests/fuzz/fuzz_codecarbon \
               $(BUILD)/tests/fuzz/fuzz_dbadd $(BUILD)/tests/fuzz/fuzz_calibrate $(BUILD)/tests/fuzz/fuzz_cli
FUZZ_LINK   := $(CFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_PIPE   := $(BUILD)/tests/fuzz/pipeline.o

$(BUILD)/tests/fuzz/replay_model: $(BUILD)/tests/fuzz/replay.o $(BUILD)/tests/fuzz/fuzz_model.o $(FUZZ_PIPE) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(SANFLAGS) $^ $(LDLIBS) -o $@
$(BUILD)/tests/fuzz/replay_%: $(BUILD)/tests/fuzz/replay.o $(BUILD)/tests/fuzz/fuzz_%.o $(CLI_LIB) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(SANFLAGS) $^ $(LDLIBS) -o $@
$(BUILD)/tests/fuzz/fuzz_model $(BUILD)/tests/fuzz/fuzz_mutate: $(BUILD)/tests/fuzz/%: $(BUILD)/tests/fuzz/%.o $(FUZZ_PIPE) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(FUZZ_LINK) $^ $(LDLIBS) -o $@
$(BUILD)/tests/fuzz/fuzz_db $(BUILD)/tests/fuzz/fuzz_budget $(BUILD)/tests/fuzz/fuzz_codecarbon \
$(BUILD)/tests/fuzz/fuzz_dbadd $(BUILD)/tests/fuzz/fuzz_calibrate $(BUILD)/tests/fuzz/fuzz_cli: $(BUILD)/tests/fuzz/%: $(BUILD)/tests/fuzz/%.o $(CLI_LIB) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(FUZZ_LINK) $^ $(LDLIBS) -o $@

fuzz-bins: $(FUZZ_BINS)

# `make fuzz`: build the harnesses and the seed corpora (build/fuzz/corpus),
# and the small decoders fuzz_cli runs `priori llm` on (build/fuzz/llm);
# run one with e.g. `build/fuzz/tests/fuzz/fuzz_model build/fuzz/corpus/model
# -dict=tests/fuzz/onnx.dict -max_total_time=900`.
fuzz:
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-bins
	@sh tests/fuzz/seeds.sh build/fuzz/corpus
	@[ -f build/fuzz/llm/merged_kv.onnx ] || $(PYTHON) tests/llm/make_decoders.py build/fuzz/llm >/dev/null || \
	    echo "fuzz: no decoders in build/fuzz/llm (tests/llm/make_decoders.py failed): fuzz_cli's llm half stops at loading"

# `make fuzz-ci`: every harness for FUZZ_SECONDS (default 30) each; fails on any finding.
FUZZ_SECONDS ?= 30
fuzz-ci: fuzz
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

check test:
	@sh tests/deps.sh test
	@$(MAKE) --no-print-directory $(PRIORI) lib $(BUILD)/tests/run $(BUILD)/tests/run-conformance $(FUZZ_REPLAY) \
	    $(BUILD)/tests/priori-hooks
	@PRIORI=$(PRIORI) BUILD=$(BUILD) PYTHON=$(PYTHON) sh tests/check.sh

# The energy database: rebuild the MLPerf models (exports cached under
# build/mlperf), recompute their features with priori, re-seed db/ from
# ../shared/data and refit. DATA= points at the shared data folder.
DATA ?= ../shared/data
db: $(PRIORI)
	$(PYTHON) fixtures/make_mlperf_models.py --out build/mlperf $(if $(HEAVY),,--skip-heavy)
	$(PYTHON) tools/build_db.py --priori $(PRIORI) --models build/mlperf --data $(DATA) --out db
	@$(MAKE) --no-print-directory db-h200

# The H200 measurements (DATA/h200): exports extracted under build/h200,
# rows with the policy of tools/h200_db.py, imported and refitted.
db-h200: $(PRIORI)
	@mkdir -p build/h200/onnx
	tar -xzf $(DATA)/h200/onnx.tar.gz -C build/h200/onnx
	$(PYTHON) tools/h200_db.py --data $(DATA)/h200 --onnx build/h200/onnx --specs $(DATA)/accelerator_specs.tsv --out build/h200/measurements.json
	$(PRIORI) db add --measurements build/h200/measurements.json --db db
	$(PRIORI) calibrate --db db

# Held-out validation of every fitted profile, with the baselines (a benchmark, not a test).
validate-energy: $(PRIORI)
	$(PRIORI) calibrate --db db --dry-run --baselines --sets

# Benchmark (not a test): builds the benchmark set once under build/bench/,
# times priori against cat and prints PASS/FAIL per target. BASE=old/priori
# BASE_DRIVER=old/reanalyze also measures an earlier build in the same run.
bench:
	@$(MAKE) --no-print-directory SANITIZE= build/priori build/tests/bench/reanalyze
	@PRIORI=build/priori DRIVER=build/tests/bench/reanalyze PYTHON=$(PYTHON) BASE=$(BASE) BASE_DRIVER=$(BASE_DRIVER) \
	    sh tests/bench/bench.sh

demo:
	@sh tests/deps.sh build
	@$(MAKE) --no-print-directory all
	$(PRIORI) analyze fixtures/demo_cnn.onnx --top 5 --hw rpi4coral-fan.on-tflite-v2.4.1-ruy@v1.0/fp32/single

proto:
	protoc-c --proto_path=/usr/include/onnx --c_out=proto /usr/include/onnx/onnx.proto

# install: the program, the libraries (+ soname and link symlinks), the one
# public header, priori.pc, the man page and the database. uninstall removes
# exactly those files, then the folders of the database if empty.
DB_FILES := $(notdir $(wildcard db/*.json))
install: $(PRIORI) lib
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)/db
	install -m 755 $(PRIORI) $(DESTDIR)$(BINDIR)/priori
	install -m 755 $(SOLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SOLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libpriori.so
	install -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libpriori.a
	install -m 644 include/priori.h $(DESTDIR)$(INCLUDEDIR)/priori.h
	install -m 644 $(PCFILE) $(DESTDIR)$(PKGCONFIGDIR)/priori.pc
	install -m 644 man/priori.1 $(DESTDIR)$(MANDIR)/man1/priori.1
	install -m 644 db/*.json $(DESTDIR)$(DATADIR)/db/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/priori $(DESTDIR)$(LIBDIR)/$(notdir $(SOLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	    $(DESTDIR)$(LIBDIR)/libpriori.so $(DESTDIR)$(LIBDIR)/libpriori.a $(DESTDIR)$(INCLUDEDIR)/priori.h \
	    $(DESTDIR)$(PKGCONFIGDIR)/priori.pc $(DESTDIR)$(MANDIR)/man1/priori.1
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/db/,$(DB_FILES))
	-rmdir $(DESTDIR)$(DATADIR)/db $(DESTDIR)$(DATADIR) 2>/dev/null

deps:
	@sh tests/deps.sh test

clean:
	rm -rf build

# The Python package (python/, docs/python.md): pure Python over
# libpriori.so.0 (ctypes), installed with Debian's pip offline (no build
# isolation, no index) from a copy of python/, so the tree stays clean, into
# $(DESTDIR)$(PYTHONDIR). Installed under PREFIX/lib/pythonX.Y/, it also finds
# the library in PREFIX/lib when the dynamic loader does not search there.
PYTHONDIR ?= $(shell $(PYTHON) -c 'import sys; print("$(PREFIX)/lib/python%d.%d/dist-packages" % sys.version_info[:2])')
.PHONY: install-python uninstall-python
install-python:
	@tmp=$$(mktemp -d) && cp -R python "$$tmp/src" && \
	$(PYTHON) -m pip install --quiet --no-build-isolation --no-deps --no-index --no-warn-script-location --root-user-action=ignore \
	    --upgrade --target "$(DESTDIR)$(PYTHONDIR)" "$$tmp/src"; status=$$?; rm -rf "$$tmp"; exit $$status
	@echo "installed the priori package in $(DESTDIR)$(PYTHONDIR)"

uninstall-python:
	rm -rf $(DESTDIR)$(PYTHONDIR)/priori $(DESTDIR)$(PYTHONDIR)/priori-*.dist-info

-include $(wildcard $(BUILD)/src/*.d $(BUILD)/cli/*.d $(BUILD)/ops/*.d $(BUILD)/tests/*.d $(BUILD)/tests/conformance/*.d $(BUILD)/tests/fuzz/*.d $(BUILD)/tests/bench/*.d $(BUILD)/proto/*.d)
