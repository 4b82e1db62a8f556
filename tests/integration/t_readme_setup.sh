#!/usr/bin/env bash
# The README's set-up line, exactly as written, builds dsmirror on a machine
# where none of the libraries is installed until that line's own install step
# has run: a copy of the tracked tree (what a fresh clone holds), with apt-get
# replaced by a stand-in that marks the libraries as installed, and a
# pkg-config that knows none of them until then. A Makefile that asks
# pkg-config when it is read (before `deps` ran) links without the libraries
# and fails here. As root (no sudo on Debian's minimal images) and, when the
# tests run as root, as a user who may sudo (the stand-in sudo records that
# apt-get went through it, and the build is that user's).
# shellcheck source=SCRIPTDIR/../common.sh
. "$(dirname "$0")/../common.sh"

top=$(dirname "$TESTS_DIR")
command -v pkg-config >/dev/null || skip "no pkg-config to stand in front of"
real_pkg_config=$(command -v pkg-config)

# The set-up line: the first line of the quick start that runs `make`.
setup=$(sed -n '/^## Quick start/,/^## /p' "$top/README.md" |
	sed -n '/^```sh$/,/^```$/p' | grep -m1 '^make ' | sed 's/[[:space:]]*#.*//')
[ -n "$setup" ] || fail "no set-up line (a line starting with make) in the README's quick start"
echo "set-up line: $setup"

# fakes DIR: apt-get, pkg-config and sudo stand-ins in DIR; MARK is the file
# apt-get's install creates ("the -dev packages are installed").
fakes() {
	mkdir -p "$1"
	cat >"$1/apt-get" <<-EOF
		#!/bin/sh
		echo "apt-get \$*" >>"$1/calls"
		case " \$* " in *" install "*) : >"$1/installed" ;; esac
	EOF
	cat >"$1/pkg-config" <<-EOF
		#!/bin/sh
		echo "pkg-config \$* (installed: \$(test -e '$1/installed' && echo yes || echo no))" >>"$1/calls"
		test -e '$1/installed' && exec '$real_pkg_config' "\$@"
		for a in "\$@"; do
			case \$a in -*) ;; *) echo "Package \$a was not found in the pkg-config search path." >&2 ;; esac
		done
		exit 1
	EOF
	cat >"$1/sudo" <<-EOF
		#!/bin/sh
		echo "sudo \$*" >>"$1/calls"
		exec "\$@"
	EOF
	chmod 755 "$1/apt-get" "$1/pkg-config" "$1/sudo"
}

# fresh_tree DIR: the files of this checkout that a commit would hold (tracked
# and new ones, with their edits; what .gitignore leaves out is left out).
fresh_tree() {
	mkdir -p "$1"
	(cd "$top" && git ls-files -z --cached --others --exclude-standard | xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		tar --null -T - -cf -) | tar -xf - -C "$1"
}

# setup_as DIR [RUNNER...]: run the set-up line in DIR (as RUNNER, if any), as
# in a fresh shell: not with the variables of the make that runs the tests
# (make check SANITIZE=1 passes SANITIZE=1 on, in MAKEFLAGS and the environment).
setup_as() {
	local dir=$1
	shift
	RC=0
	(cd "$dir" && "$@" env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS -u SANITIZE PATH="$T/fake-$(basename "$dir"):$PATH" bash -c "$setup") \
		>"$T/out" 2>"$T/err" </dev/null || RC=$?
}

check_build() {
	local dir=$1 who=$2 calls
	calls=$T/fake-$(basename "$1")/calls
	[ "$RC" = 0 ] || fail "$who: the README's set-up line exited $RC:
$(tail -n 30 "$T/err")"
	[ -x "$dir/dsmirror" ] || fail "$who: no ./dsmirror after the set-up line"
	"$dir/dsmirror" --version | grep -q '^dsmirror ' || fail "$who: ./dsmirror --version does not answer"
	grep -q '^apt-get .*install .*libgit2-dev' "$calls" || fail "$who: the libraries were not installed: $(cat "$calls")"
	# The trap: pkg-config asked for the libraries before they were installed.
	! grep -q '^pkg-config .*libgit2.*(installed: no)' "$calls" ||
		fail "$who: pkg-config was asked for the libraries before the install step: $(cat "$calls")"
	grep -q '^pkg-config .*--libs.*libgit2.*(installed: yes)' "$calls" ||
		fail "$who: the link did not ask pkg-config for the libraries: $(cat "$calls")"
}

# As root: apt-get straight, no sudo (a minimal Debian image has none).
if [ "$(id -u)" = 0 ]; then
	fakes "$T/fake-root"
	rm "$T/fake-root/sudo"
	fresh_tree "$T/root"
	setup_as "$T/root"
	check_build "$T/root" root
	! grep -q '^sudo ' "$T/fake-root/calls" || fail "root: sudo was used"
	echo "root: built, apt-get without sudo"

	# As a user with sudo (user nobody, the stand-in sudo in front), who
	# can walk to $T (the runner's temp folders are private) and has a
	# temp folder of its own.
	chmod 711 "$T"
	d=$T
	while d=$(dirname "$d") && [ "$d" != / ]; do
		[ "$(( 0$(stat -c %a "$d") & 1 ))" = 1 ] || chmod o+x "$d"
	done
	fakes "$T/fake-user"
	fresh_tree "$T/user"
	mkdir "$T/user-tmp"
	chown -R nobody:nogroup "$T/user" "$T/fake-user" "$T/user-tmp"
	setup_as "$T/user" setpriv --reuid=nobody --regid=nogroup --clear-groups \
		env TMPDIR="$T/user-tmp" HOME="$T/user-tmp"
	check_build "$T/user" "user with sudo"
	grep -q '^sudo .*apt-get .*install' "$T/fake-user/calls" || fail "user: apt-get did not go through sudo: $(cat "$T/fake-user/calls")"
	[ "$(stat -c %U "$T/user/dsmirror")" = nobody ] || fail "user: ./dsmirror is not the user's own"
	echo "user with sudo: built, apt-get through sudo"
else
	fakes "$T/fake-user"
	fresh_tree "$T/user"
	setup_as "$T/user"
	check_build "$T/user" "user with sudo"
	grep -q '^sudo .*apt-get .*install' "$T/fake-user/calls" || fail "user: apt-get did not go through sudo"
	echo "user with sudo: built, apt-get through sudo"
fi
