# Shared by the benchmarks (sourced): what they need installed, and journal built for them.
# Expects root (the repository) and name (the script's name, for messages).

# bench_install PACKAGE...: the Debian packages that are missing, then journal's own
# dependencies (scripts/install-deps).
bench_install() {
    local missing=() p sudo=""
    for p in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$p")
        fi
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "$name: installing ${missing[*]}" >&2
        if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
        export DEBIAN_FRONTEND=noninteractive
        $sudo apt-get update -qq
        $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
    "$root/scripts/install-deps"
}

# bench_build_journal DIR LOG: a Release build of journal in $root/DIR (exit 3 on failure);
# sets journal to the binary.
bench_build_journal() {
    local dir=$1 log=$2
    echo "$name: building journal (Release) in $dir/" >&2
    if ! { cmake -S "$root" -B "$root/$dir" -DCMAKE_BUILD_TYPE=Release -DJOURNAL_SANITIZE=OFF &&
           cmake --build "$root/$dir" --target journal -j "$(nproc)"; } >"$log" 2>&1; then
        cat "$log" >&2
        echo "$name: journal did not build; scripts/install-deps installs its dependencies" >&2
        exit 3
    fi
    journal=$root/$dir/journal
}
