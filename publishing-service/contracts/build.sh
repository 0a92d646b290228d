#!/usr/bin/env bash
# Rebuilds the collection contract's committed artifacts from EmPropsCollection.sol:
#   src/main/resources/contracts/EmPropsCollection.{abi,bin}    ABI and creation bytecode
#   src/main/java/io/emprops/publishing/chain/contract/EmPropsCollection.java   web3j wrapper
# with pinned tools: npm solc and @openzeppelin/contracts (installed into a cache folder, never
# into the repository) and web3j's wrapper generator (from Maven Central).
#
#   publishing-service/contracts/build.sh            rewrite the committed artifacts
#   publishing-service/contracts/build.sh --out DIR  write them under DIR instead (same layout);
#                                                    ContractArtifactsTest compares the two
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MODULE=$(dirname "$HERE")
ROOT=$(dirname "$MODULE")

SOLC_VERSION=0.8.37
OPENZEPPELIN_VERSION=5.7.0
PACKAGE=io.emprops.publishing.chain.contract

OUT=$MODULE
if [ "${1:-}" = "--out" ]; then OUT=${2:?--out needs a folder}; fi

CACHE=${EMPROPS_CACHE_DIR:-$HOME/.cache/emprops}/contracts-solc$SOLC_VERSION-oz$OPENZEPPELIN_VERSION
if [ ! -f "$CACHE/node_modules/solc/soljson.js" ] || [ ! -d "$CACHE/node_modules/@openzeppelin/contracts" ]; then
  command -v npm >/dev/null || { echo "build.sh: npm is required (Node.js 18 or newer)" >&2; exit 1; }
  mkdir -p "$CACHE"
  npm install --no-audit --no-fund --ignore-scripts --prefix "$CACHE" \
    "solc@$SOLC_VERSION" "@openzeppelin/contracts@$OPENZEPPELIN_VERSION" >"$CACHE/npm-install.log" 2>&1 \
    || { echo "build.sh: npm install failed, see $CACHE/npm-install.log" >&2; exit 1; }
fi

RESOURCES=$OUT/src/main/resources/contracts
node "$HERE/compile.mjs" "$CACHE/node_modules" "$RESOURCES"

# The wrapper generator runs on its own classpath (it brings web3j 5 along; the service uses 6).
CLASSPATH_FILE=$CACHE/codegen.classpath
if [ ! -s "$CLASSPATH_FILE" ] || [ "$HERE/codegen/pom.xml" -nt "$CLASSPATH_FILE" ]; then
  "$ROOT/mvnw" -B -q -f "$HERE/codegen/pom.xml" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -Dmdep.outputFile="$CLASSPATH_FILE"
fi
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
"$JAVA" -cp "$(cat "$CLASSPATH_FILE")" -Dorg.slf4j.simpleLogger.defaultLogLevel=off \
  org.web3j.codegen.SolidityFunctionWrapperGenerator \
  -a "$RESOURCES/EmPropsCollection.abi" -b "$RESOURCES/EmPropsCollection.bin" \
  -o "$OUT/src/main/java" -p "$PACKAGE" 2>&1 | grep -v -e '^SLF4J' -e '^$' -e 'Duplicate field' || true
test -f "$OUT/src/main/java/${PACKAGE//.//}/EmPropsCollection.java"
echo "build.sh: artifacts written under $OUT"
