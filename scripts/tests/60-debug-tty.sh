#!/usr/bin/env bash
# `timecraft debug` at a terminal, used as a person would: the debugger runs
# in a detached tmux pane (fixed size, a private server on a socket in a
# temp dir), keys go in with send-keys and the screen is read back with
# capture-pane, polled with a timeout. Each check below is one test case:
# the prompt, tab completion, history (in a session, then saved for the
# next), Ctrl-C at the prompt, during a long `continue` (twice) and during
# a reverse search, and quit, after which no replaying process may be left.
# Skipped, neither passed nor failed, when tmux is not installed.
set -uo pipefail
cd "$(dirname "$0")/../.."

if ! command -v tmux >/dev/null 2>&1; then
  echo "debug-tty: skipped: tmux is not installed (counted as neither passed nor failed)"
  echo "0 passed, 0 failed"
  exit 0
fi

bin=$(realpath "${TIMECRAFT_BIN:-bin/timecraft}")
progs=$PWD/bin/tests
passed=0 failed=0

tmp=$(mktemp -d /tmp/timecraft-tty.XXXXXX)
export TIMECRAFT_REGISTRY=$tmp/registry TIMECRAFT_CONFIG=$tmp/config.yaml
export TIMECRAFT_KEY_FILE=$tmp/validation.key TIMECRAFT_DEBUG_HISTORY=$tmp/history
T() { tmux -S "$tmp/tmux.sock" "$@"; }
# Typing: text goes in literally (send-keys would take a word such as
# "delete" for a key name), keys by their tmux names (Enter, Tab, Up, C-c).
keys() { T send-keys -t tty "$@"; }
say() { T send-keys -t tty -l "$1"; }
enter() { say "$1"; keys Enter; }
ok() { echo "debug-tty: $1: ok"; passed=$((passed + 1)); }
# A failed case may leave text on the line: C-u, so the next starts clean.
bad() { echo "debug-tty: $1: FAILED: $2"; failed=$((failed + 1)); keys C-u 2>/dev/null; }
ids=()  # processes recorded here: any process with one in its argv is ours
cleanup() {
  T kill-server 2>/dev/null
  for id in "${ids[@]}"; do
    for pid in $(pgrep -f -- "$id"); do kill -KILL "$pid" 2>/dev/null; done
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

# The pane's text since the last session began (wrapped lines joined, with
# the scrollback; no trailing blanks).
screen() {
  T capture-pane -p -J -S - -t tty 2>/dev/null |
    sed 's/[[:space:]]*$//' | awk '/^== session /{buf=""} {buf=buf $0 "\n"} END{printf "%s", buf}'
}
last_line() { screen | sed '/^$/d' | tail -1; }
# wait_for CMD...: polls CMD every 0.1 s for up to $timeout seconds.
timeout=10
wait_for() {
  local end=$((SECONDS + timeout))
  while ! "$@"; do
    [ $SECONDS -ge $end ] && return 1
    sleep 0.1
  done
}
shows() { screen | grep -qE -- "$1"; }
count_is() { [ "$(screen | grep -cE -- "$1")" -ge "$2" ]; }
line_is() { [ "$(last_line)" = "$1" ]; }
prompt() { line_is "(tcdb)"; }
# Runs the debugger in the pane; its exit status is printed when it ends.
session=0
debug_in_pane() {
  session=$((session + 1))
  enter "clear; echo '== session $session'; $bin debug $1; echo tcdb-exit=\$?"
}
# Processes of ours still alive: any with the id in argv, or in the pane's
# session apart from its shell.
left_over() {
  local shell sid
  shell=$(T display -p -t tty '#{pane_pid}')
  sid=$(ps -o sid= -p "$shell" | tr -d ' ')
  { pgrep -f -- "$1"; ps -o pid= -s "$sid" | grep -vx " *$shell"; } | sort -u | tr -s ' \n' ' '
}
gone() { [ -z "$(left_over "$1")" ]; }

# The recordings: buggy (short) and spin (long: a `continue` under the
# debugger's exact tier takes well over 10 s).
record() {
  local id
  id=$("$bin" run "$progs/$1" "${@:2}" 2>&1 >/dev/null | tail -1)
  [[ $id =~ ^[0-9a-f-]{36}$ ]] && echo "$id"
}
if ! [ -x "$bin" ] || ! buggy=$(record buggy-O0.wasm) || ! spin=$(record spin-O0.wasm 100000000); then
  echo "debug-tty: cannot record bin/tests/buggy-O0.wasm and spin-O0.wasm with $bin (built? b2 test//all)"
  echo "0 passed, 1 failed"
  exit 0
fi
ids=("$buggy" "$spin")

env -u TMUX tmux -S "$tmp/tmux.sock" -f /dev/null new-session -d -x 200 -y 50 -s tty \
  "env PS1='shell> ' bash --norc --noprofile -i"
T set-option -t tty history-limit 5000 >/dev/null

# --- Session 1: buggy --------------------------------------------------
debug_in_pane "$buggy"
if wait_for prompt; then ok "prompt"; else bad "prompt" "no \"(tcdb) \" prompt; last line: $(last_line)"; fi

case_completion() {
  say "brea"; keys Tab
  wait_for line_is "(tcdb) break" || { why="\"brea\" + Tab shows \"$(last_line)\""; return 1; }
  say "apply_disc"; keys Tab
  wait_for line_is "(tcdb) break apply_discount" || { why="\"break apply_disc\" + Tab shows \"$(last_line)\""; return 1; }
  keys Enter
  wait_for shows '^Breakpoint 1 at 0x[0-9a-f]+: file .*buggy\.c, line [0-9]+\.$' ||
    { why="no \"Breakpoint 1 at ...\" after Enter; last line: $(last_line)"; return 1; }
  wait_for prompt || { why="no prompt after the breakpoint was set"; return 1; }
}
if case_completion; then ok "tab completion"; else bad "tab completion" "$why"; fi

case_history() {
  enter "info position"
  wait_for shows '^Position 0\+0: ' || { why="info position printed nothing sensible"; return 1; }
  wait_for prompt || { why="no prompt after info position"; return 1; }
  keys Up
  wait_for line_is "(tcdb) info position" || { why="Up shows \"$(last_line)\", not the previous command"; return 1; }
  keys Up
  wait_for line_is "(tcdb) break apply_discount" || { why="Up twice shows \"$(last_line)\""; return 1; }
  keys C-u
  wait_for prompt || { why="C-u did not clear the line: \"$(last_line)\""; return 1; }
}
if case_history; then ok "history (Up)"; else bad "history (Up)" "$why"; fi

# gdb: Ctrl-C at the prompt drops the line, prints "Quit", prompts again.
case_prompt_sigint() {
  say "print coun"
  wait_for line_is "(tcdb) print coun" || { why="typed text not shown: \"$(last_line)\""; return 1; }
  keys C-c
  wait_for shows '^\(tcdb\) print counQuit$' || { why="no \"Quit\" after Ctrl-C; last line: $(last_line)"; return 1; }
  wait_for prompt || { why="no new prompt after Ctrl-C: \"$(last_line)\""; return 1; }
  enter "print counter"
  wait_for shows '^\$1 = 7$' || { why="the debugger does not answer after Ctrl-C; last line: $(last_line)"; return 1; }
  # The replaying processes got the SIGINT too: it must not stop the next run.
  enter "continue"
  wait_for shows '^Breakpoint 1, apply_discount \(price=100, percent=10\) at .*buggy\.c:[0-9]+$' ||
    { why="continue after Ctrl-C at the prompt did not reach the breakpoint; last line: $(last_line)"; return 1; }
  ! shows 'Program received signal' || { why="the Ctrl-C at the prompt stopped the next continue"; return 1; }
}
if case_prompt_sigint; then ok "Ctrl-C at the prompt"; else bad "Ctrl-C at the prompt" "$why"; fi

# --- Session 2: spin ---------------------------------------------------
# The history is written when the debugger ends.
case_saved_history() {
  enter "quit"
  wait_for shows '^tcdb-exit=0$' || { why="the first session did not end with status 0: $(last_line)"; return 1; }
  debug_in_pane "$spin"
  wait_for prompt || { why="no prompt: $(last_line)"; return 1; }
  keys Up
  wait_for line_is "(tcdb) quit" || { why="Up in a new session shows \"$(last_line)\", not the last session's quit"; return 1; }
  keys Up
  wait_for line_is "(tcdb) continue" || { why="Up twice shows \"$(last_line)\""; return 1; }
  keys C-u
  wait_for prompt || { why="C-u did not clear the line"; return 1; }
}
if case_saved_history; then ok "history saved for the next session"; else bad "history saved for the next session" "$why"; fi

# "instruction N of the run." of the last `info position`.
position() { screen | sed -n 's/^Position .*; instruction \([0-9]*\) of the run\.$/\1/p' | tail -1; }

# interrupt N: `continue`, then Ctrl-C once the program runs; the N-th
# SIGINT report and a prompt must follow promptly.
interrupt() {
  enter "continue"
  wait_for count_is '^Continuing\.$' "$1" || { why="no \"Continuing.\""; return 1; }
  sleep 0.5  # let it run a little
  local t0=$SECONDS
  keys C-c
  wait_for count_is '^Program received signal SIGINT, Interrupt\.$' "$1" ||
    { why="Ctrl-C did not stop continue #$1; last line: $(last_line)"; return 1; }
  wait_for prompt || { why="no prompt after the interrupt: $(last_line)"; return 1; }
  [ $((SECONDS - t0)) -le 5 ] || { why="the stop took $((SECONDS - t0)) s"; return 1; }
  ! shows 'exited normally' || { why="the program ran to its end instead"; return 1; }
}

case_sigint_continue() {
  interrupt 1 || return 1
  # The program's own output (echoed by the replaying process) comes
  # between the debugger's "Continuing." and the stop.
  local order
  order=$(screen | grep -nE '^(Continuing\.|spin: 100000000 iterations|Program received signal SIGINT.*)$' | cut -d: -f2- | tr '\n' '|')
  [ "$order" = "Continuing.|spin: 100000000 iterations|Program received signal SIGINT, Interrupt.|" ] ||
    { why="output out of order: $order"; return 1; }
  # ... and the session goes on: bt, info position, another continue.
  enter "bt"
  wait_for shows '^#[01] .*main \(argc=2, argv=0x[0-9a-f]+\) at .*spin\.c:[0-9]+$' ||
    { why="bt after the interrupt shows no main frame; last line: $(last_line)"; return 1; }
  wait_for prompt || { why="no prompt after bt"; return 1; }
  enter "info position"
  wait_for shows '^Position .* of the run\.$' || { why="info position printed nothing sensible"; return 1; }
  local p1; p1=$(position)
  [ -n "$p1" ] && [ "$p1" -gt 1000000 ] || { why="interrupted at instruction '$p1', not inside the loop"; return 1; }
  interrupt 2 || { why="second continue: $why"; return 1; }
  enter "info position"
  wait_for count_is '^Position .* of the run\.$' 2 || { why="second info position printed nothing"; return 1; }
  local p2; p2=$(position)
  [ -n "$p2" ] && [ "$p2" -gt "$p1" ] || { why="the second continue did not go on (instruction $p1, then '$p2')"; return 1; }
}
if case_sigint_continue; then ok "Ctrl-C during continue"; else bad "Ctrl-C during continue" "$why"; fi

# A reverse search with a watchpoint checks memory at every instruction:
# far slower than forward runs, so this one would take minutes. Ctrl-C
# gives up and stays where the search began.
case_sigint_reverse() {
  local p2; p2=$(position)
  enter "watch spin_n"
  wait_for shows '^Watchpoint [0-9]+: spin_n$' || { why="watch spin_n: $(last_line)"; return 1; }
  enter "reverse-continue"
  wait_for line_is "(tcdb) reverse-continue" || { why="reverse-continue not echoed"; return 1; }
  sleep 0.5
  line_is "(tcdb) reverse-continue" || { why="reverse-continue ended by itself: $(last_line)"; return 1; }
  local t0=$SECONDS
  keys C-c
  wait_for shows '^(\^C)?Quit$' || { why="Ctrl-C did not stop reverse-continue; last line: $(last_line)"; return 1; }
  wait_for prompt || { why="no prompt after the interrupt: $(last_line)"; return 1; }
  [ $((SECONDS - t0)) -le 5 ] || { why="the stop took $((SECONDS - t0)) s"; return 1; }
  enter "info position"
  wait_for count_is '^Position .* of the run\.$' 3 || { why="info position printed nothing"; return 1; }
  [ "$(position)" = "$p2" ] || { why="moved from instruction $p2 to $(position)"; return 1; }
}
if case_sigint_reverse; then ok "Ctrl-C during reverse-continue"; else bad "Ctrl-C during reverse-continue" "$why"; fi

case_quit() {
  wait_for prompt || { why="no prompt to quit at"; return 1; }
  [ -n "$(left_over "$spin")" ] || { why="no replaying processes while the debugger ran (the check would prove nothing)"; return 1; }
  enter "quit"
  wait_for shows '^tcdb-exit=0$' || { why="the debugger did not end with status 0: $(last_line)"; return 1; }
  wait_for line_is 'shell>' || { why="the pane does not show the shell: $(last_line)"; return 1; }
  timeout=3 wait_for gone "$spin" || { why="processes left after quit: $(left_over "$spin")"; return 1; }
}
if case_quit; then ok "quit ends every process"; else bad "quit ends every process" "$why"; fi

echo "$passed passed, $failed failed"
