#!/usr/bin/env bash
# The test suite, as CI runs it: installs what the plain-ImageJ check needs (Debian's imagej, xvfb and
# xauth) and what the SLURM check needs (slurm-wlm and munge; the test starts its own one-node cluster on
# localhost and stops it), only when missing, only as root, one apt-get update; then runs every test with Maven.
# Without those packages (not root, not Debian) PlainImageJTest and SlurmArrayTest's cluster run are
# skipped with a message.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
missing=()
[ -f /usr/share/java/ij.jar ] || missing+=(imagej)
command -v xvfb-run >/dev/null 2>&1 || missing+=(xvfb)
command -v xauth >/dev/null 2>&1 || missing+=(xauth)
[ -x /usr/sbin/slurmctld ] && [ -x /usr/sbin/slurmd ] && [ -x /usr/bin/sbatch ] || missing+=(slurm-wlm)
[ -x /usr/sbin/munged ] || missing+=(munge)
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "installing ${missing[*]} for the plain-ImageJ and SLURM tests" >&2
		apt-get update -q >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
	else
		echo "note: ${missing[*]} missing and not root: the plain-ImageJ or SLURM test will be skipped" >&2
	fi
fi
exec mvn -B test "$@"
