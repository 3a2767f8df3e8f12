# The real parts the test suite starts, and how each is installed when missing. Sourced by
# scripts/test.sh (the README's test command), so CI's run and a user's first run take the
# same path. Each part is a command that proves it is there and the Debian package that brings
# it; `ensure_parts` installs what is missing with apt-get when it can (root, apt present) and
# otherwise stops, before anything is compiled, with the exact command to run.

# "what it is|how to check it is there|Debian packages that bring it"
PARTS=(
    "Redis (redis-server)|command -v redis-server|redis-server"
    "PostgreSQL (initdb, postgres)|postgres_present|postgresql"
    "the Google Pub/Sub emulator|emulator_present|google-cloud-cli-pubsub-emulator"
    "Java for the Pub/Sub emulator|java_present|default-jre-headless"
    "Python 3 with venv, for the google-auth oracle|python3 -c 'import venv, ensurepip'|python3-venv"
)

emulator_present() {
    local script
    script=$(dpkg -L google-cloud-cli-pubsub-emulator 2>/dev/null | grep 'bin/cloud-pubsub-emulator$' | head -1)
    [[ -n "$script" && -f "$script" ]] ||
        [[ -f /usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator ]]
}

postgres_present() {
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && command -v psql >/dev/null 2>&1
}

java_present() {
    [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]] || command -v java >/dev/null 2>&1
}

part_present() {
    bash -c "$(declare -f emulator_present java_present postgres_present); $1" >/dev/null 2>&1
}

ensure_parts() {
    local missing=() names=() entry what check packages
    for entry in "${PARTS[@]}"; do
        IFS='|' read -r what check packages <<<"$entry"
        if ! part_present "$check"; then
            names+=("$what")
            # shellcheck disable=SC2206
            missing+=($packages)
        fi
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        echo "== real parts present: Redis, PostgreSQL, Pub/Sub emulator, Java, Python venv"
        return 0
    fi
    printf '== missing: %s\n' "${names[@]}"
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "== installing with apt-get: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null
        for entry in "${PARTS[@]}"; do
            IFS='|' read -r what check packages <<<"$entry"
            if ! part_present "$check"; then
                echo "error: $what is still missing after installing $packages" >&2
                exit 1
            fi
        done
        return 0
    fi
    {
        echo "error: the tests need real parts that are not installed, and this script can only"
        echo "install them as root with apt-get. Install them, then run this again:"
        echo
        echo "    sudo apt-get install ${missing[*]}"
    } >&2
    exit 1
}
