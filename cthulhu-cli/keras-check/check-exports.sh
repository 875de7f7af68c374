#!/usr/bin/env bash
# Exports every Keras fixture of the conformance suite with cthulhu (.keras and .h5): the models
# of expected.tsv, the functional graphs of generated.tsv (several inputs and outputs, shared
# layers, nested models) and the models of keras3.tsv; and the compiled models of training.tsv,
# whose exports must let Keras take the training step it took before (optimizer state kept). Then has Python Keras 3 load each export and predict; its predictions
# must match cthulhu's within 1e-5.
# Needs Java 17, Maven and Python 3 with keras, jax and numpy (pip install keras jax).
# Not part of `mvn verify`. Usage: cthulhu-cli/keras-check/check-exports.sh [WORK_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
fixtures="$root/cthulhu-conformance/src/main/resources/cthulhu/conformance/keras"

mvn -q -B -f "$root/pom.xml" -pl cthulhu-cli -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
jar="$root/cthulhu-cli/target/cthulhu.jar"

tail -n +2 "$fixtures/expected.tsv" | cut -f1 | while read -r f; do
  for ext in keras h5; do
    # With its training configuration when the target format can hold it, else without (noted).
    if java -jar "$jar" convert "$fixtures/$f" "$work/$f.$ext" > /dev/null 2> "$work/$f.$ext.err" \
        || java -jar "$jar" convert --no-compile "$fixtures/$f" "$work/$f.$ext" > /dev/null 2>> "$work/$f.$ext.err"; then
      java -jar "$jar" predict "$work/$f.$ext" --input "$fixtures/$f.x.csv" --output "$work/$f.$ext.cthulhu.csv"
    fi
  done
done

# Functional graphs and the keras3/ models: one --input per input, one --output per output.
tail -q -n +2 "$fixtures/generated.tsv" "$fixtures/keras3.tsv" | cut -f1 | while read -r f; do
  inputs=(); outputs=()
  for x in "$fixtures/$f".x*.csv; do inputs+=(--input "$x"); done
  n=0
  for y in "$fixtures/$f".y*.csv; do outputs+=(--output "$work/$f.out.y$n.cthulhu.csv"); n=$((n + 1)); done
  for ext in keras h5; do
    if java -jar "$jar" convert "$fixtures/$f" "$work/$f.out.$ext" > /dev/null 2> "$work/$f.out.$ext.err"; then
      java -jar "$jar" predict "$work/$f.out.$ext" "${inputs[@]}" "${outputs[@]//.out.y/.out.$ext.y}"
    fi
  done
done

# Compiled models Keras saved mid-training: cthulhu's .keras exports keep the optimizer's state.
tail -n +2 "$fixtures/training.tsv" | cut -f1 | while read -r f; do
  java -jar "$jar" convert "$fixtures/$f" "$work/$f.out.keras" > /dev/null 2> "$work/$f.out.keras.err" || true
done

python3 "$here/compare_with_keras.py" "$work" "$fixtures"
