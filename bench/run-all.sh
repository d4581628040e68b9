#!/usr/bin/env bash
# Runs every benchmark the speed issue's table names, one after another, on an idle machine, and keeps each one's
# output in bench/results/<UTC time>/<name>.txt (the figures a note quotes come from one such run).
# Usage: bench/run-all.sh [names...]   (default: all, in the order below)
set -uo pipefail
cd "$(dirname "$0")/.."
out="bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
declare -A ARGS=(
  [StreamBench]="8" [McpBench]="300" [QueueBench]="15" [ImportBench]="3 20" [HttpEngineBench]=""
  [SearchBench]="1000000" [ScanBench]="10000 10" [BotBench]="1000" [SubscriptionBench]="1000 20"
  [TorrentBench]="512" [ArchiveBench]="512"
)
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(StreamBench McpBench BotBench QueueBench ImportBench HttpEngineBench SubscriptionBench TorrentBench ArchiveBench SearchBench ScanBench)
for name in "${names[@]}"; do
  dotnet build "bench/$name" -c Release -nologo -v q -clp:ErrorsOnly || { echo "build of $name failed"; exit 1; }
done
for name in "${names[@]}"; do
  runs=1; [ "$name" = BotBench ] && runs=5   # the bot's target is "every run of 5"
  for i in $(seq "$runs"); do
    echo "== $name ${ARGS[$name]} (run $i of $runs, load $(cut -d' ' -f1-3 /proc/loadavg)) $(date -u +%H:%M:%S)" | tee -a "$out/$name.txt"
    # shellcheck disable=SC2086
    dotnet run -c Release --no-build --project "bench/$name" -- ${ARGS[$name]} 2>&1 | grep -v -e '^warn: Hub.Domain.Tools.YtDlpStartupReport' -e 'is outdated (' | tee -a "$out/$name.txt"
  done
done
echo "results in $out"
