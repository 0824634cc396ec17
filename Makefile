# youyue: the two commands are `make run` and `make test`.
# Meson and Ninja do the building; this file only strings the steps together.

DB ?= data/youyue.db
LISTEN ?= 127.0.0.1:8080
FUZZ_SECONDS ?= 60
BUILD := build
ASAN := build-asan
FUZZ := build-fuzz

.PHONY: all build deps run test test-unit test-http bench benchdata bench-big fuzz format clean

all: build

deps:
	@tools/deps.sh build

$(BUILD)/build.ninja:
	@tools/deps.sh build
	meson setup $(BUILD) --buildtype=debugoptimized >/dev/null

build: $(BUILD)/build.ninja
	@ninja -C $(BUILD) >/dev/null
	@echo "built $(BUILD)/youyue"

$(ASAN)/build.ninja:
	@tools/deps.sh build
	meson setup $(ASAN) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false >/dev/null

build-asan: $(ASAN)/build.ninja
	@ninja -C $(ASAN) >/dev/null

run: build
	@if [ ! -e "$(DB)" ]; then $(BUILD)/youyue init --db "$(DB)" --demo; fi
	@echo
	@echo "Demo logins (password: youyue-demo):"
	@echo "  admin       区人大常委会代表工委 (admin)"
	@echo "  leader      主任会议成员 (leader)"
	@echo "  street      民族街道人大工委 (street_staff)"
	@echo "  community   社区人大工作专职副书记 (community_staff)"
	@echo "  deputy      人大代表 (deputy)"
	@echo "  unit        区建设局 (unit_staff)"
	@echo "  procurator  区检察院公益诉讼部门 (procurator)"
	@echo "  resident    群众 (resident)"
	@echo
	exec $(BUILD)/youyue serve --db "$(DB)" --listen "$(LISTEN)"

test:
	@tools/deps.sh test
	@$(MAKE) --no-print-directory build build-asan
	@tests/run.sh

bench:
	@tools/deps.sh bench
	@$(MAKE) --no-print-directory build
	@bench/run.sh

# 1,000,000 concerns and 100,000 suggestions into bench/out/big.db (or
# BENCH_PG_URL); then `make bench-big` or `BENCH_BIG=1 make bench` (bench/README.md)
benchdata:
	@tools/deps.sh bench
	@$(MAKE) --no-print-directory build
	@bench/benchdata.sh

bench-big:
	@tools/deps.sh bench
	@$(MAKE) --no-print-directory build
	@bench/big.sh

fuzz:
	@tools/deps.sh fuzz
	@if [ ! -e $(FUZZ)/build.ninja ]; then CC=clang meson setup $(FUZZ) --buildtype=debugoptimized \
	  -Dfuzz=true -Dtests=false -Db_sanitize=address,undefined -Db_lundef=false >/dev/null; fi
	@ninja -C $(FUZZ) >/dev/null
	@tools/fuzz.sh $(FUZZ) $(FUZZ_SECONDS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ)
