# duijie — one binary, build/duijie. See README.md for the two commands that matter.
CC       ?= cc
PKGS     := libmicrohttpd jansson icu-uc icu-i18n sqlite3 libpq libargon2 xlsxwriter libzip expat nettle openssl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lroaring -lpthread -lm
WARN     := -std=c11 -Wall -Wextra -Wshadow -Wconversion -Werror
CFLAGS   ?= -O2 -g
ALL_CFLAGS = $(WARN) $(CFLAGS) -D_GNU_SOURCE -Isrc -MMD -MP $(PKG_CFLAGS)
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

SRC      := $(shell find src -name '*.c' | sort)
ASM      := $(shell find src -name '*.S' | sort)
LIB_SRC  := $(filter-out src/main.c,$(SRC))
TEST_SRC := $(shell find tests -maxdepth 1 -name '*.c' | sort)
BENCH_SRC:= $(shell find bench -maxdepth 1 -name '*.c' 2>/dev/null | sort)
FUZZ_SRC := $(shell find fuzz -maxdepth 1 -name '*.c' 2>/dev/null | sort)
DATA     := $(wildcard data/*.tsv) $(wildcard data/*.txt)

OBJ      = $(patsubst %.c,build/$(1)/%.o,$(2)) $(patsubst %.S,build/$(1)/%.o,$(ASM))

.PHONY: all run test bench fuzz fmt fmt-check clean deps asan tsan docs web scale-test
all: build/duijie

deps:
	@scripts/deps.sh

# ---- release build (-Werror) ----
build/rel/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@
build/rel/%.o: %.S $(DATA)
	@mkdir -p $(dir $@)
	$(CC) -c -Wa,-I. $< -o $@
build/duijie: $(call OBJ,rel,$(SRC))
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)
build/test_runner: $(call OBJ,rel,$(LIB_SRC) $(TEST_SRC))
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

# ---- sanitizer build ----
build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(ASAN_FLAGS) -D_GNU_SOURCE -Isrc -MMD -MP $(PKG_CFLAGS) -c $< -o $@
build/asan/%.o: %.S $(DATA)
	@mkdir -p $(dir $@)
	$(CC) -c -Wa,-I. $< -o $@
build/asan/duijie: $(call OBJ,asan,$(SRC))
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(PKG_LIBS)
build/asan/test_runner: $(call OBJ,asan,$(LIB_SRC) $(TEST_SRC))
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(PKG_LIBS)
asan: build/asan/duijie build/asan/test_runner

# ---- thread sanitizer build (concurrency tests) ----
TSAN_FLAGS := -O1 -g -fsanitize=thread
build/tsan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(TSAN_FLAGS) -D_GNU_SOURCE -Isrc -MMD -MP $(PKG_CFLAGS) -c $< -o $@
build/tsan/%.o: %.S $(DATA)
	@mkdir -p $(dir $@)
	$(CC) -c -Wa,-I. $< -o $@
build/tsan/test_runner: $(call OBJ,tsan,$(LIB_SRC) $(TEST_SRC))
	$(CC) $(TSAN_FLAGS) -o $@ $^ $(PKG_LIBS)
tsan: build/tsan/test_runner

# ---- benchmarks ----
build/bench/%: bench/%.c $(call OBJ,rel,$(LIB_SRC))
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter-out %.h,$^) $(PKG_LIBS)

# ---- fuzz targets (libFuzzer via clang) ----
FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc $(PKG_CFLAGS)
build/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -c $< -o $@
build/fuzz/%.o: %.S $(DATA)
	@mkdir -p $(dir $@)
	clang -c -Wa,-I. $< -o $@
build/fuzz/bin/%: build/fuzz/fuzz/%.o $(call OBJ,fuzz,$(LIB_SRC))
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -o $@ $^ $(PKG_LIBS)

# ---- the OpenAPI document: docs/openapi/_head.yaml, then every fragment's path entries ----
OPENAPI_PARTS := $(sort $(filter-out docs/openapi/_head.yaml,$(wildcard docs/openapi/*.yaml)))
build/openapi.yaml: docs/openapi/_head.yaml $(OPENAPI_PARTS)
	@mkdir -p build
	cat $^ > $@
$(foreach v,rel asan tsan fuzz,build/$(v)/src/http/openapi_data.o): build/openapi.yaml

# deps first, then a fresh make: pkg-config flags are read when make starts.
run: deps
	@$(MAKE) --no-print-directory build/duijie
	@scripts/run.sh

# The tests also drive the web UI in a real browser: Debian's Chromium and CJK fonts.
test:
	@scripts/deps.sh --with-browser
	@$(MAKE) --no-print-directory web
	@scripts/test.sh

# ---- web: npm packages from package-lock.json (playwright-core, for the browser tests) ----
# The served pages need nothing from npm: web/ is served as it is (the charts are web/charts.js).
web:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory node_modules/.package-lock.json; \
	else echo "web: npm not found (scripts/deps.sh --with-browser installs it); the browser tests will be skipped"; fi
node_modules/.package-lock.json: package-lock.json package.json
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
	@touch $@

BENCH_N ?= 2000000
bench: deps
	@$(MAKE) --no-print-directory build/duijie $(patsubst bench/%.c,build/bench/%,$(BENCH_SRC))
	@BENCH_N=$(BENCH_N) scripts/bench.sh

# Not part of make test (minutes): the PostgreSQL primary + replica, two servers, nginx and wrk
# on loopback, a kill -9 mid-run (scripts/scale-test.sh); writes bench/results/scale.json.
scale-test: deps
	@scripts/deps.sh --with-scale
	@$(MAKE) --no-print-directory build/duijie
	@scripts/scale-test.sh

FUZZ_SECONDS ?= 30
fuzz: deps
	@$(MAKE) --no-print-directory $(patsubst fuzz/%.c,build/fuzz/bin/%,$(FUZZ_SRC))
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

FMT_FILES = $(shell find src tests bench fuzz -name '*.[ch]' 2>/dev/null)
fmt:
	clang-format -i $(FMT_FILES)
fmt-check:
	@clang-format --dry-run -Werror $(FMT_FILES)

docs: build/duijie
	build/duijie fields --markdown > docs/FIELDS.md

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
