# Shared by smoke.sh and screenshots.sh (sourced, not run): a private Xvfb
# display, the tools to look at it, and waiting for the app's window.
# The caller defines fail() and $tmp, and kills $xvfb_pid and $app_pid on exit.

# need_x_tools TOOL...: the tools, and ImageMagick's import (not another
# program of that name) in $import.
need_x_tools() {
	local tool
	for tool in Xvfb xwininfo "$@"; do
		command -v "$tool" >/dev/null || fail "$tool is missing; run 'make test-deps'"
	done
	import=$(command -v import || true)
	if [[ -z "$import" ]] || ! "$import" -version 2>/dev/null | grep -q ImageMagick; then
		fail "ImageMagick's import is missing; run 'make test-deps'"
	fi
}

# start_xvfb [WxH]: a display of that size (default 1280x800) on a free
# number (-displayfd reports it); sets DISPLAY and xvfb_pid.
start_xvfb() {
	: >"$tmp/display"
	Xvfb -displayfd 3 -screen 0 "${1:-1280x800}x24" -nolisten tcp 3>"$tmp/display" 2>"$tmp/xvfb.log" &
	xvfb_pid=$!
	for _ in $(seq 100); do
		[[ -s "$tmp/display" ]] && break
		kill -0 "$xvfb_pid" 2>/dev/null || fail "Xvfb did not start: $(cat "$tmp/xvfb.log")"
		sleep 0.1
	done
	[[ -s "$tmp/display" ]] || fail "Xvfb did not report a display"
	export DISPLAY=":$(cat "$tmp/display")"
}

# wait_window TITLE TIMEOUT: waits for $app_pid's viewable window titled
# TITLE; sets win. Fails, with the app's output ($tmp/app.log), if the app
# exits first or no window appears in time.
wait_window() {
	local title=$1 timeout=$2 start=$SECONDS rc
	win=
	while ((SECONDS - start < timeout)); do
		if ! kill -0 "$app_pid" 2>/dev/null; then
			wait "$app_pid" && rc=0 || rc=$?
			app_pid=
			fail "the app exited with status $rc before its window appeared; its output:
$(cat "$tmp/app.log")"
		fi
		win=$(xwininfo -root -tree 2>/dev/null | grep -F "$title" | awk '{print $1}' | head -n1 || true)
		if [[ -n "$win" ]] && xwininfo -id "$win" 2>/dev/null | grep -q "IsViewable"; then
			echo "window $win appeared after $((SECONDS - start))s"
			return 0
		fi
		win=
		sleep 0.5
	done
	fail "no window titled \"$title\" appeared within ${timeout}s; app output:
$(cat "$tmp/app.log")"
}
