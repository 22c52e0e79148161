#!/usr/bin/env bash
# Prints the engine's package dependency graph (one line per package: what it imports of the engine),
# from the compiled classes, with the JDK's jdeps. Build first: mvn -q -pl vireo-engine -am compile
set -euo pipefail
cd "$(dirname "$0")/.."
classes=${1:-vireo-engine/target/classes}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
"$JAVA_HOME/bin/jdeps" -verbose:package -filter:none "$classes" 2>/dev/null \
  | awk '$1 ~ /^io\.vireo\.engine/ && $3 ~ /^io\.vireo\.engine/ {
        from = $1; to = $3; sub(/^io\.vireo\.engine\.?/, "", from); sub(/^io\.vireo\.engine\.?/, "", to)
        split(from, f, "."); split(to, t, "."); from = f[1]; to = t[1]
        if (from == "") from = "(root)"; if (to == "") to = "(root)"
        if (from != to) edges[from] = edges[from] " " to }
      END { for (p in edges) { n = split(edges[p], list, " "); delete seen; out = ""
              for (i = 1; i <= n; i++) if (list[i] != "" && !(list[i] in seen)) { seen[list[i]] = 1; out = out " " list[i] }
              print p " ->" out } }' \
  | sort
