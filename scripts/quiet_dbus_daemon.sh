#!/usr/bin/env bash
# The test session's dbus-daemon (scripts/test.sh runs `dbus-run-session --dbus-daemon=<this>`),
# minus its informational lines: "Failed to set fd limit to 65536" (a process without the right to
# raise its file limit, e.g. in a container; the default limit is plenty for a test bus) and the
# "Activating service" / "Successfully activated service" log of each service it starts. Anything
# else it prints still reaches stderr.
#
# The filter must not hold the pipe on which the daemon hands dbus-run-session its address
# (--print-address FD): dbus-run-session waits for that pipe to close.
address_fd=""
previous=""
for arg in "$@"; do
  case "$arg" in
    --print-address=*) address_fd="${arg#*=}" ;;
    *) [ "$previous" = --print-address ] && address_fd="$arg" ;;
  esac
  previous="$arg"
done
exec dbus-daemon "$@" 2> >(
  case "$address_fd" in ''|*[!0-9]*) ;; *) eval "exec $address_fd>&-" ;; esac
  exec grep -v -e 'Failed to set fd limit' -e 'Activating service name=' \
    -e 'Successfully activated service' >&2
)
