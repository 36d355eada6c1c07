// The bash side of SlurmClusterTests, kept as a string so the test target has no
// unhandled resource files. Written to a temporary file and run with bash.

enum SlurmClusterScript {
    static let text = #"""
#!/bin/bash
# A one-node Slurm cluster (Debian slurmctld/slurmd/munge, daemons in the foreground,
# config in a temporary folder) runs a sweep as a job array; one array task is cancelled
# mid-run; the array is submitted again; every point must be done exactly once, and the
# collected table must equal that of a purely local run of the same sweep. Then a sweep of
# multi-rank points (RANKS_SWEEP_FILE, `sweep slurm --ranks 2`): each array task asks for 2
# tasks and runs its point as `srun --mpi=pmi2 -n 2`; the first task is sent USR1 mid-point
# (what `--signal=B:USR1@60` sends before the time limit), its ranks checkpoint, the task
# requeues itself and resumes; every point's spikes must equal those of one local process
# with 2 shards.
# Needs: NEUROPLAST_BIN, SWEEP_FILE (a sweep), WORK (an empty folder); SLOW_SCENARIO and
# SLOW_ARGS (a slow-clock run for 2 ranks under srun; one argument per line); RANKS_SWEEP_FILE
# optional. Run as root.
set -euo pipefail
: "${NEUROPLAST_BIN:?}" "${SWEEP_FILE:?}" "${WORK:?}"
NP="$NEUROPLAST_BIN"
D="$WORK/cluster"; mkdir -p "$D/state" "$D/spool"
PIDS=()
cleanup() {
  if [ -n "${SLURM_CONF:-}" ]; then
    squeue -h -o %A 2>/dev/null | sort -u | xargs -r scancel 2>/dev/null || true
    for _ in $(seq 30); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.2; done
  fi
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    # Up to 5 s to exit (a zombie has exited; `wait` reaps it), then SIGKILL.
    for _ in $(seq 50); do st=$(cut -d' ' -f3 "/proc/$p/stat" 2>/dev/null || true); case "$st" in ""|Z) break ;; esac; sleep 0.1; done
    case "$(cut -d' ' -f3 "/proc/$p/stat" 2>/dev/null || true)" in ""|Z) ;; *) kill -9 "$p" 2>/dev/null || true ;; esac
    wait "$p" 2>/dev/null || true
  done
}
trap cleanup EXIT
say() { echo "[$(date +%T)] $*"; }

# munge: reuse a running daemon, else start one in the foreground as the munge user.
if ! (munge -n | unmunge) >/dev/null 2>&1; then
  [ -f /etc/munge/munge.key ] || mungekey --create
  chown munge:munge /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key
  mkdir -p /run/munge /var/lib/munge /var/log/munge; chown munge:munge /run/munge /var/lib/munge /var/log/munge
  setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged --foreground >"$D/munged.out" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 50); do (munge -n | unmunge) >/dev/null 2>&1 && break; sleep 0.1; done
  (munge -n | unmunge) >/dev/null 2>&1 || { echo "munged did not start"; cat "$D/munged.out"; exit 1; }
fi

HOST=$(hostname -s)
PORT=$(( 20000 + RANDOM % 20000 ))
export SLURM_CONF="$D/slurm.conf"
cat >"$SLURM_CONF" <<CONF
ClusterName=nptest
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$D/jobcomp.txt
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
ReturnToService=2
KillWait=2
MinJobAge=300
SchedulerParameters=defer_batch=0
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -D -i -f "$SLURM_CONF" >"$D/slurmctld.out" 2>&1 & PIDS+=($!)
slurmd -D -f "$SLURM_CONF" -N "$HOST" >"$D/slurmd.out" 2>&1 & PIDS+=($!)
for _ in $(seq 100); do [ "$(sinfo -h -N -o %t 2>/dev/null | head -1)" = idle ] && break; sleep 0.2; done
[ "$(sinfo -h -N -o %t | head -1)" = idle ] || { echo "slurm did not come up"; sinfo -N || true; tail -20 "$D/slurmctld.log" "$D/slurmd.log" || true; exit 1; }
say "cluster up: $(sinfo -h -N -o '%N %t %c')"

wait_job() { for _ in $(seq 600); do [ -z "$(squeue -h -j "$1" 2>/dev/null)" ] && return 0; sleep 0.2; done; echo "job $1 did not finish"; squeue; exit 1; }

SW="$WORK/slurm-sweep"
"$NP" sweep plan "$SWEEP_FILE" --out "$SW"
N=$(grep -c '"run_dir"' "$SW/sweep.json")
JOB=$("$NP" sweep slurm "$SW" --max-parallel 2 --submit | sed -n 's/^submitted job \([0-9]*\).*/\1/p')
[ -n "$JOB" ] || { echo "no job id"; exit 1; }
say "submitted job $JOB ($N points)"
# Cancel one array task while its point is running (a claim with a child process).
KILLED=""
for _ in $(seq 300); do
  T=$(squeue -h -j "$JOB" -t R -o '%i' | grep '_' | head -1 || true)
  if [ -n "$T" ] && grep -lq 'child=' "$SW"/*/claim.lock 2>/dev/null; then
    sleep 0.3; scancel "$T"; KILLED="$T"; break
  fi
  sleep 0.05
done
[ -n "$KILLED" ] || { echo "no running task to cancel"; exit 1; }
say "cancelled task $KILLED"
wait_job "$JOB"
"$NP" sweep status "$SW" | tee "$WORK/status1.txt"
DONE1=$(sed -n 's/.*points — \([0-9]*\) done.*/\1/p' "$WORK/status1.txt")
say "after the first job: $DONE1 of $N done"
[ "$DONE1" -lt "$N" ] || echo "note: the cancelled task had already finished its point"
JOB2=$("$NP" sweep slurm "$SW" --max-parallel 2 --submit | sed -n 's/^submitted job \([0-9]*\).*/\1/p')
say "re-submitted as job $JOB2"
wait_job "$JOB2"
"$NP" sweep status "$SW" | tee "$WORK/status2.txt"
grep -q "points — $N done, 0 running, 0 failed, 0 pending" "$WORK/status2.txt" || { echo "not every point is done"; cat "$SW"/slurm/logs/* ; exit 1; }
# Exactly once: each point reported `done` by exactly one runner over both jobs.
for id in $(sed -n 's/.*"id" : "\([0-9a-f]*\)".*/\1/p' "$SW/sweep.json"); do
  c=$(cat "$SW"/slurm/logs/*.out | grep -c "^done    $id " || true)
  [ "$c" = 1 ] || { echo "point $id reported done $c times"; exit 1; }
done
[ -z "$(find "$SW" -name '*.partial*')" ] || { echo "partial files left"; find "$SW" -name '*.partial*'; exit 1; }
"$NP" sweep collect "$SW" --no-figures
# The same sweep run purely locally gives the identical table.
LO="$WORK/local-sweep"
"$NP" sweep plan "$SWEEP_FILE" --out "$LO" >/dev/null
"$NP" sweep run "$LO" --jobs 2 >/dev/null
"$NP" sweep collect "$LO" --no-figures >/dev/null
cmp "$SW/collect/results.csv" "$LO/collect/results.csv" || { echo "tables differ"; diff "$SW/collect/results.csv" "$LO/collect/results.csv" | head; exit 1; }
say "SLURM-SWEEP-OK $N points, cancelled $KILLED, tables identical"

[ -n "${RANKS_SWEEP_FILE:-}" ] || exit 0
RS="$WORK/ranks-sweep"
"$NP" sweep plan "$RANKS_SWEEP_FILE" --out "$RS" >/dev/null
RN=$(grep -c '"run_dir"' "$RS/sweep.json")
RJOB=$("$NP" sweep slurm "$RS" --ranks 2 --cpus 1 --submit | sed -n 's/^submitted job \([0-9]*\).*/\1/p')
[ -n "$RJOB" ] || { echo "no job id for the multi-rank sweep"; exit 1; }
grep -q '^#SBATCH --ntasks=2$' "$RS/slurm/sweep.sbatch" || { echo "no --ntasks=2"; exit 1; }
say "submitted multi-rank job $RJOB ($RN points of 2 ranks)"
SIGNALLED=""
for _ in $(seq 600); do
  T=$(squeue -h -j "$RJOB" -t R -o '%i' | grep '_' | head -1 || true)
  # Signal once a point's ranks are running the network (its recorder has opened
  # metrics.csv.partial; the stop handlers are installed before that): a signal that reaches
  # srun before it has started the ranks is lost. A task may end between squeue and scancel:
  # then try the next running one.
  if [ -n "$T" ] && compgen -G "$RS/*/*/run/metrics.csv.partial" >/dev/null; then
    if scancel --batch --signal=USR1 "$T" 2>/dev/null; then SIGNALLED="$T"; break; fi
  fi
  sleep 0.05
done
[ -n "$SIGNALLED" ] || { echo "no multi-rank point ran"; cat "$RS"/slurm/logs/* 2>/dev/null; exit 1; }
say "sent USR1 to the running task $SIGNALLED"
# A requeued job waits for a begin time; start it now (the test's clock, not Slurm's policy).
for _ in $(seq 600); do
  [ -z "$(squeue -h -j "$RJOB" 2>/dev/null)" ] && break
  squeue -h -j "$RJOB" -t PD -o %i 2>/dev/null | xargs -r -n1 -I{} scontrol update JobId={} StartTime=now 2>/dev/null || true
  sleep 0.2
done
[ -z "$(squeue -h -j "$RJOB" 2>/dev/null)" ] || { echo "job $RJOB did not finish"; squeue; exit 1; }
"$NP" sweep status "$RS" | tee "$WORK/status-ranks.txt"
grep -q "points — $RN done, 0 running, 0 failed, 0 pending" "$WORK/status-ranks.txt" || { echo "not every multi-rank point is done"; cat "$RS"/slurm/logs/*; cat "$RS"/*/stderr.log; exit 1; }
grep -q "runner exit 3 (interrupted or checkpointed): requeueing" "$RS"/slurm/logs/*.out || { echo "no task requeued itself"; cat "$RS"/slurm/logs/*; exit 1; }
grep -lq "resumed from the checkpoint" "$RS"/*/stdout.log || { echo "no point resumed from its checkpoint"; cat "$RS"/slurm/logs/* "$RS"/*/stdout.log; exit 1; }
RL="$WORK/ranks-local"
"$NP" sweep plan "$RANKS_SWEEP_FILE" --out "$RL" >/dev/null
"$NP" sweep run "$RL" --shards 2 --jobs 1 >/dev/null
for f in "$RS"/*/*/run/spikes.bin; do
  [ "$(stat -c %s "$f")" -gt 4096 ] || { echo "too few spikes to compare in $f"; exit 1; }
  cmp "$f" "$RL/${f#"$RS"/}" || { echo "spikes differ: $f"; exit 1; }
done
say "SLURM-RANKS-OK $RN points of 2 ranks, requeued after USR1, spikes equal to 1 process with 2 shards"

# One run of the slow clock with inflammation (SLOW_SCENARIO and its SLOW_ARGS) as a batch job
# of 2 tasks, `srun --mpi=pmi2 -n 2`: the same spikes, metrics, slow.csv and summary as one
# local process with 2 shards.
[ -n "${SLOW_SCENARIO:-}" ] || exit 0
mapfile -t SLOW <<< "$SLOW_ARGS"
QUOTED=$(printf '%q ' "${SLOW[@]}")
{
  echo '#!/bin/bash'
  echo '#SBATCH --ntasks=2'
  echo '#SBATCH --cpus-per-task=1'
  echo "#SBATCH --output=$WORK/ranks-run.out"
  echo "srun --mpi=pmi2 --kill-on-bad-exit=1 \"$NP\" run \"$SLOW_SCENARIO\" $QUOTED --no-frames --quiet --out \"$WORK/srun\" --run-id two"
} > "$WORK/ranks-run.sbatch"
SJOB=$(sbatch --parsable "$WORK/ranks-run.sbatch")
for _ in $(seq 1200); do [ -z "$(squeue -h -j "$SJOB" 2>/dev/null)" ] && break; sleep 0.1; done
"$NP" run "$SLOW_SCENARIO" "${SLOW[@]}" --no-frames --quiet --shards 2 --out "$WORK/one" --run-id two >/dev/null
NAME=$(basename "$SLOW_SCENARIO" .yaml)
for f in spikes.bin metrics.csv slow.csv summary.json; do
  cmp "$WORK/srun/$NAME/two/$f" "$WORK/one/$NAME/two/$f" || { echo "srun -n 2: $f differs"; cat "$WORK/ranks-run.out"; exit 1; }
done
grep -q '"ranks" : 2' "$WORK/srun/$NAME/two/manifest.json" || { echo "the run was not one of 2 ranks"; cat "$WORK/ranks-run.out"; exit 1; }
say "SLURM-RUN-OK srun --mpi=pmi2 -n 2: spikes, metrics, slow.csv and summary equal to 1 process with 2 shards"
"""#
}
