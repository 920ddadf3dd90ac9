# The running stack: the Stripe emulator, then `wrangler dev` (workerd) with
# a local D1 database in its own state folder. Source after lib.sh.
# shellcheck shell=bash

STACK_PIDS=()

stop_stack() {
  local pid
  for pid in "${STACK_PIDS[@]:-}"; do
    [ -n "$pid" ] && kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
  done
  STACK_PIDS=()
}

# start_emulator PORT KEY LOG: the extended localstripe, ready to answer.
start_emulator() {
  local port=$1 key=$2 logfile=$3
  setsid "$PY" "$ROOT/tests/emulator/server.py" --port "$port" >"$logfile" 2>&1 &
  STACK_PIDS+=($!)
  for _ in $(seq 1 80); do
    curl -s -o /dev/null -m 1 -u "$key:" "http://127.0.0.1:$port/v1/customers?limit=1" && return 0
    sleep 0.25
  done
  cat "$logfile" >&2
  die "the Stripe emulator did not start"
}

# random_secret PREFIX: 256 random bits, hex.
random_secret() { printf '%s%s' "$1" "$("$PY" -c 'import secrets; print(secrets.token_hex(32))')"; }

sha256() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

sql_quote() { printf "'%s'" "${1//\'/\'\'}"; }

# app_sql ID NAME SIGNING_SECRET SECRET_KEY REQUIRE_SIGNED SETTINGS_JSON
app_sql() {
  printf "INSERT OR REPLACE INTO apps (id, name, signing_secret, secret_key_digest, require_signed, settings, created_at) VALUES (%s, %s, %s, %s, %d, %s, %d);\n" \
    "$(sql_quote "$1")" "$(sql_quote "$2")" "$(sql_quote "$3")" "$(sql_quote "$(sha256 "$4")")" "$5" "$(sql_quote "$6")" "$(date +%s)"
}

# with_origins SETTINGS_JSON ORIGIN...: the settings with these return
# origins (where customers may be sent back to) added.
with_origins() {
  local settings=$1; shift
  python3 -c 'import json,sys; s=json.loads(sys.argv[1]); s["return_origins"]=s.get("return_origins",[])+sys.argv[2:]; print(json.dumps(s))' "$settings" "$@"
}

# prepare_db STATE SQL_FILE: applies migrations, then the given SQL.
prepare_db() {
  local state=$1 sql=$2
  (cd "$ROOT" && wrangler d1 migrations apply DB --local --persist-to "$state" >"$state/migrations.log" 2>&1) \
    || { cat "$state/migrations.log" >&2; die "D1 migrations failed"; }
  (cd "$ROOT" && wrangler d1 execute DB --local --persist-to "$state" --file "$sql" >"$state/seed.log" 2>&1) \
    || { cat "$state/seed.log" >&2; die "seeding D1 failed"; }
}

# start_receiver PORT LOG: the tests' webhook receiver (standardwebhooks).
start_receiver() {
  local port=$1 logfile=$2
  setsid "$PY" "$ROOT/tests/webhooks/receiver.py" --port "$port" >"$logfile" 2>&1 &
  STACK_PIDS+=($!)
  wait_for "http://127.0.0.1:$port/_received/ping" 30 || { cat "$logfile" >&2; die "the webhook receiver did not start"; }
}

# launch_edge PORT LOG COMMAND...: runs COMMAND (which serves the edge on
# PORT) in its own process group and waits until it answers.
launch_edge() {
  local port=$1 logfile=$2
  shift 2
  cd "$ROOT"
  setsid "$@" >"$logfile" 2>&1 &
  STACK_PIDS+=($!)
  wait_for "http://127.0.0.1:$port/api/health" 90 || { cat "$logfile" >&2; die "the edge ($1) did not start"; }
}

# start_edge PORT STATE ENV_FILE LOG: wrangler dev serving app, API and snippet.
start_edge() {
  launch_edge "$1" "$4" wrangler dev --ip 127.0.0.1 --port "$1" --persist-to "$2" \
    --env-file "$3" --test-scheduled --show-interactive-dev-session=false \
    --inspector-port "$(free_port)"
}

# start_edge_quiet PORT STATE ENV_FILE LOG: the same edge for the benchmark,
# through wrangler's programmatic entry point with its DevTools inspector off
# (scripts/serve-edge.mjs): `wrangler dev` always attaches one, which records
# every subrequest, each D1 call included, into a debug log; locally that is
# most of a precancel's CPU, and Cloudflare runs nothing of the kind.
start_edge_quiet() {
  launch_edge "$1" "$4" node scripts/serve-edge.mjs "$1" "$2" "$3"
}
