#!/usr/bin/env bash
# Starts a single-node Slurm on this machine (as root): munged as the munge user, then slurmctld and slurmd with a
# localhost slurm.conf whose state, spool, log and pid files live in one temporary folder. Idempotent: a running
# cluster that answers `sinfo` is left alone. Prints the folder; exits non-zero with the reason when it cannot.
set -euo pipefail
state=${COLLAPSELAB_SLURM_DIR:-/tmp/collapselab-slurm}
if [ "$(id -u)" != 0 ]; then echo "slurm: needs root to start munged, slurmctld and slurmd" >&2; exit 1; fi
for p in slurmctld slurmd sbatch munged; do
  command -v "$p" >/dev/null || { echo "slurm: '$p' is missing; install Debian's slurm-wlm and munge (apt-get install slurm-wlm munge)" >&2; exit 1; }
done
export SLURM_CONF=$state/slurm.conf
if [ -f "$SLURM_CONF" ] && timeout 5 sinfo -h >/dev/null 2>&1; then echo "$state"; exit 0; fi
mkdir -p "$state"/{spool,slurmd,log}
# munge: a key, its folders owned by munge, the daemon as that user.
if ! pgrep -x munged >/dev/null; then
  [ -f /etc/munge/munge.key ] || { mkdir -p /etc/munge; dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none; }
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown -R munge:munge /etc/munge /run/munge /var/log/munge /var/lib/munge
  chmod 0700 /etc/munge /var/log/munge /var/lib/munge; chmod 0400 /etc/munge/munge.key; chmod 0755 /run/munge
  runuser -u munge -- /usr/sbin/munged
fi
cpus=$(nproc)
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
cat > "$SLURM_CONF" <<CONF
ClusterName=collapselab
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
StateSaveLocation=$state/spool
SlurmdSpoolDir=$state/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
NodeName=localhost CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
pkill -x slurmctld 2>/dev/null || true
pkill -x slurmd 2>/dev/null || true
sleep 1
/usr/sbin/slurmctld -f "$SLURM_CONF"
/usr/sbin/slurmd -f "$SLURM_CONF"
for _ in $(seq 1 30); do
  if timeout 5 sinfo -h -o '%T' 2>/dev/null | grep -qE 'idle|mix|alloc'; then echo "$state"; exit 0; fi
  sleep 1
done
echo "slurm: slurmctld/slurmd did not come up within 30 s; see $state/log/slurmctld.log and slurmd.log:" >&2
tail -n 5 "$state"/log/*.log >&2 || true
exit 1
