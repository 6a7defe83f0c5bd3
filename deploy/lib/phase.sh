# shellcheck shell=bash
# Phases with readable output, for bash scripts (the bash twin of packages/dev-services/src/phase.ts).
# Source it, set PHASE_PREFIX (e.g. "[helm-check]"), then:
#
#   phase_run "building helm v3.22.0" helm-build build_helm_function_or_command args...
#
# runs the command (a program or a shell function, in a subshell that keeps `set -e`) with all
# of its output in a log file and prints:
#   - on success one line:       [helm-check] building helm v3.22.0 ... done in 143.2 s
#   - while it runs, at most one line per PHASE_HEARTBEAT seconds (default 30), the first naming
#     the log file:              [helm-check] still building helm v3.22.0 (30 s; log: ~/.cache/…)
#   - on failure one line naming the log file and the exit status, then the last PHASE_TAIL
#     (default 20) lines of output, on stderr; phase_run then returns the command's status.
# Afterwards PHASE_LOG is the log file and PHASE_ELAPSED the elapsed seconds ("143.2").
#
# When the command is a shell function that relies on `set -e`, call phase_run as a plain
# command, not from `if`, `!`, `&&` or `||`: bash ignores `set -e` in everything run from such a
# context, subshells included, so the function would carry on after a failing command. Under
# `set -e` a failed phase then ends the script (after its failure lines).
#
# Logs go to $KYC_LOG_DIR, else $XDG_CACHE_HOME/kyc-platform/logs (~/.cache/kyc-platform/logs),
# else (not writable) ${TMPDIR:-/tmp}/kyc-platform-logs: one file per phase,
# <UTC yyyymmdd-hhmmss>-<slug>-<pid>.log (the newest 100 kept), the same place and names as
# @kyc/dev-services uses.

PHASE_PREFIX="${PHASE_PREFIX:-[phase]}"
PHASE_HEARTBEAT="${PHASE_HEARTBEAT:-30}"
PHASE_TAIL="${PHASE_TAIL:-20}"
PHASE_LOG=""
PHASE_ELAPSED=""

phase_log_dir() { printf '%s\n' "${KYC_LOG_DIR:-${XDG_CACHE_HOME:-${HOME}/.cache}/kyc-platform/logs}"; }

# Time in tenths of a second (EPOCHREALTIME in bash >= 5, else whole seconds).
_phase_now() {
  if [[ -n "${EPOCHREALTIME:-}" ]]; then
    local t="${EPOCHREALTIME//[.,]/}"
    printf '%s\n' "$((10#${t} / 100000))"
  else
    printf '%s\n' "$((SECONDS * 10))"
  fi
}

# phase_elapsed START: seconds since START (from _phase_now) with one decimal.
phase_elapsed() {
  local d=$(($(_phase_now) - $1))
  printf '%d.%d\n' "$((d / 10))" "$((d % 10))"
}

# Kills a process and its descendants (by pid), children first.
_phase_kill_tree() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do _phase_kill_tree "${child}"; done
  kill "$1" 2>/dev/null || true
}

phase_run() {
  local title="$1" slug="$2"
  shift 2
  local dir stamp
  dir="$(phase_log_dir)"
  if ! mkdir -p "${dir}" 2>/dev/null || [[ ! -w "${dir}" ]]; then
    dir="${TMPDIR:-/tmp}/kyc-platform-logs"
    mkdir -p "${dir}"
  fi
  stamp="$(date -u +%Y%m%d-%H%M%S)"
  PHASE_LOG="${dir}/${stamp}-${slug}-$$.log"
  printf '# %s: started %s\n$ %s\n' "${title}" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >>"${PHASE_LOG}"

  local t0 pid hb status=0
  t0="$(_phase_now)"
  # Waited for with `wait … || status=$?`, which does not switch off `set -e` in the command.
  ("$@") </dev/null >>"${PHASE_LOG}" 2>&1 &
  pid=$!
  (
    beat=0
    while sleep "${PHASE_HEARTBEAT}" >/dev/null 2>&1; do
      beat=$((beat + 1))
      if ((beat == 1)); then
        printf '%s still %s (%s s; log: %s)\n' "${PHASE_PREFIX}" "${title}" "$((beat * PHASE_HEARTBEAT))" "${PHASE_LOG}"
      else
        printf '%s still %s (%s s)\n' "${PHASE_PREFIX}" "${title}" "$((beat * PHASE_HEARTBEAT))"
      fi
    done
  ) &
  hb=$!
  # Background jobs of a script ignore Ctrl-C: stop the phase's processes ourselves.
  trap '_phase_kill_tree "${hb}"; _phase_kill_tree "${pid}"; trap - INT TERM; printf "%s %s ... interrupted (log: %s)\n" "${PHASE_PREFIX}" "${title}" "${PHASE_LOG}" >&2; exit 130' INT TERM
  wait "${pid}" || status=$?
  _phase_kill_tree "${hb}"
  wait "${hb}" 2>/dev/null || true
  trap - INT TERM
  PHASE_ELAPSED="$(phase_elapsed "${t0}")"
  printf '# exit %s after %s s\n' "${status}" "${PHASE_ELAPSED}" >>"${PHASE_LOG}"

  # Keep the newest 100 logs of the folder (names start with the time), as dev-services does.
  find "${dir}" -maxdepth 1 -name '*.log' -type f 2>/dev/null | sort | head -n -100 | xargs -r rm -f --

  if ((status == 0)); then
    printf '%s %s ... done in %s s\n' "${PHASE_PREFIX}" "${title}" "${PHASE_ELAPSED}"
    return 0
  fi
  {
    printf '%s %s ... FAILED after %s s (exit %s); full output: %s\n' "${PHASE_PREFIX}" "${title}" "${PHASE_ELAPSED}" "${status}" "${PHASE_LOG}"
    printf '%s last %s lines of output:\n' "${PHASE_PREFIX}" "${PHASE_TAIL}"
    # \r-progress lines and colour codes made readable; without the closing "# exit" line.
    tr '\r' '\n' <"${PHASE_LOG}" | sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e '/^[[:space:]]*$/d' | head -n -1 | tail -n "${PHASE_TAIL}" |
      while IFS= read -r line; do printf '%s   | %s\n' "${PHASE_PREFIX}" "${line}"; done
  } >&2
  return "${status}"
}
