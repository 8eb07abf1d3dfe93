#!/usr/bin/env bash
# The one command that runs every test: installs the tools the tests drive, builds,
# runs each test project and ends with "tests: N passed, N failed, N skipped".
set -uo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
source scripts/tools.sh

results="$repo_root/artifacts/test-results"
rm -rf "$results" && mkdir -p "$results"

echo "build: dotnet build -c Release"
if ! dotnet build SessionAuditOperator.sln -c Release -nologo -clp:ErrorsOnly; then
  echo "build failed"
  echo "tests: 0 passed, 1 failed"
  exit 1
fi

filter=()
[ -n "${TEST_FILTER:-}" ] && filter=(--filter "$TEST_FILTER")
# Projects run one after another: the end-to-end ones start real processes and
# time-sensitive servers, and this machine has two cores.
status=0
for proj in tests/*.Tests/*.csproj; do
  name=$(basename "$proj" .csproj)
  echo "test: $name"
  dotnet test "$proj" -c Release --no-build -nologo "${filter[@]}" \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" || status=1
done

python3 - "$results" "$status" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    for r in ET.parse(f).getroot().iterfind(".//t:UnitTestResult", ns):
        o = r.get("outcome")
        if o == "Passed": passed += 1
        elif o in ("NotExecuted", "Inconclusive"): skipped += 1
        else:
            failed += 1
            print(f"FAILED {r.get('testName')}")
status = int(sys.argv[2])
if status != 0 and failed == 0:
    failed = 1  # a test host crashed or a project failed without a result file
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
