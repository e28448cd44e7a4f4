#!/usr/bin/env bash
# The AWS CLI against `./sherlock sandbox`, unmodified: only --endpoint-url differs from real AWS.
# Creates a cluster, registers a task definition, creates, describes and updates a service,
# lists and describes its tasks, reads CloudWatch metrics and filters CloudWatch Logs.
# Uses Debian's awscli (/usr/bin/aws) when present, else whatever `aws` is on the PATH.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
aws_cli="${AWS_CLI:-/usr/bin/aws}"
[[ -x "$aws_cli" ]] || aws_cli="$(command -v aws)" || { echo "aws-cli-demo: no AWS CLI (apt-get install awscli)" >&2; exit 1; }

log="$(mktemp)"
"$root/sherlock" sandbox --port 0 --for 10m >"$log" 2>&1 &
sandbox_pid=$!
trap 'kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 240); do
  endpoint="$(sed -n 's/^Sherlock sandbox on \(http:[^:]*:[0-9]*\):.*/\1/p' "$log")"
  [[ -n "$endpoint" ]] && break
  kill -0 "$sandbox_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.5
done
[[ -n "$endpoint" ]] || { echo "aws-cli-demo: the sandbox did not start" >&2; cat "$log" >&2; exit 1; }

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
aws() { "$aws_cli" --endpoint-url "$endpoint" --output json "$@"; }
expect() { # expect WHAT ACTUAL EXPECTED
  if [[ "$2" != "$3" ]]; then echo "FAIL: $1: got '$2', want '$3'" >&2; exit 1; fi
  echo "ok: $1 = $2"
}
echo "AWS CLI $("$aws_cli" --version 2>&1 | cut -d' ' -f1) against $endpoint"

aws ecs create-cluster --cluster-name cli >/dev/null
expect "cluster status" "$(aws ecs describe-clusters --clusters cli --query 'clusters[0].status' --output text)" ACTIVE

aws ecs register-task-definition --family web --network-mode awsvpc --requires-compatibilities FARGATE \
  --cpu 256 --memory 512 --container-definitions '[{"name":"web","image":"nginx:1.27","essential":true,
  "environment":[{"name":"LOGLEVEL","value":"INFO"}],
  "logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/cli/web","awslogs-region":"us-east-1","awslogs-stream-prefix":"web"}}}]' >/dev/null
expect "task definition revision" "$(aws ecs describe-task-definition --task-definition web --query 'taskDefinition.revision' --output text)" 1

aws ecs create-service --cluster cli --service-name web --task-definition web --desired-count 2 --launch-type FARGATE \
  --network-configuration 'awsvpcConfiguration={subnets=[subnet-1]}' >/dev/null
for _ in $(seq 1 60); do
  running="$(aws ecs describe-services --cluster cli --services web --query 'services[0].runningCount' --output text)"
  [[ "$running" == 2 ]] && break
  sleep 1
done
expect "running tasks" "$running" 2
expect "rollout" "$(aws ecs describe-services --cluster cli --services web --query 'services[0].deployments[0].rolloutState' --output text)" COMPLETED

aws ecs update-service --cluster cli --service web --desired-count 3 >/dev/null
expect "desired count after update" "$(aws ecs describe-services --cluster cli --services web --query 'services[0].desiredCount' --output text)" 3

task="$(aws ecs list-tasks --cluster cli --service-name web --query 'taskArns[0]' --output text)"
expect "task group" "$(aws ecs describe-tasks --cluster cli --tasks "$task" --query 'tasks[0].group' --output text)" service:web

start="$(date -u -d '-10 minutes' +%Y-%m-%dT%H:%M:%SZ)"
aws cloudwatch put-metric-data --namespace CliDemo --metric-name Latency --value 0.25 --unit Seconds
aws cloudwatch put-metric-data --namespace CliDemo --metric-name Latency --value 0.75 --unit Seconds
values="$(aws cloudwatch get-metric-data --start-time "$start" --end-time "$(date -u -d '+1 minute' +%Y-%m-%dT%H:%M:%SZ)" \
  --metric-data-queries '[{"Id":"avg","MetricStat":{"Metric":{"Namespace":"CliDemo","MetricName":"Latency"},"Period":3600,"Stat":"Average"}}]' \
  --query 'MetricDataResults[0].Values[0]' --output text)"
expect "metric average" "$values" 0.5
stats="$(aws cloudwatch get-metric-statistics --namespace CliDemo --metric-name Latency \
  --start-time "$start" --end-time "$(date -u -d '+1 minute' +%Y-%m-%dT%H:%M:%SZ)" --period 3600 \
  --statistics Maximum --extended-statistics p50 2>&1 || true)"
[[ "$stats" == *"must specify either"* || "$stats" == *"Must specify either"* ]] ||
  { echo "FAIL: get-metric-statistics took Statistics and ExtendedStatistics at once: $stats" >&2; exit 1; }
maximum="$(aws cloudwatch get-metric-statistics --namespace CliDemo --metric-name Latency \
  --start-time "$start" --end-time "$(date -u -d '+1 minute' +%Y-%m-%dT%H:%M:%SZ)" --period 3600 \
  --statistics Maximum --query 'Datapoints[0].Maximum' --output text)"
expect "metric maximum (get-metric-statistics)" "$maximum" 0.75
p50="$(aws cloudwatch get-metric-statistics --namespace CliDemo --metric-name Latency \
  --start-time "$start" --end-time "$(date -u -d '+1 minute' +%Y-%m-%dT%H:%M:%SZ)" --period 3600 \
  --extended-statistics p50 --query 'Datapoints[0].ExtendedStatistics.p50' --output text)"
[[ "$p50" != None && -n "$p50" ]] || { echo "FAIL: no p50 from get-metric-statistics" >&2; exit 1; }
echo "ok: get-metric-statistics p50 $p50"

for _ in $(seq 1 60); do
  lines="$(aws logs filter-log-events --log-group-name /cli/web --filter-pattern INFO --query 'length(events)' --output text 2>/dev/null || echo 0)"
  [[ "$lines" != 0 ]] && break
  sleep 1
done
[[ "$lines" != 0 ]] || { echo "FAIL: no INFO log lines from the app" >&2; exit 1; }
echo "ok: log lines matching INFO = $lines"
echo "aws-cli-demo: all checks passed"
