package cthulhu.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Turns the JMH JSON of one suite run into Markdown tables: GB/s for the element-wise ops
 * (bytes read and written per call × calls/s), ns per call for dispatch, GFLOP/s for matmul
 * ({@code 2·m·n·k} × calls/s) and convolution, steps/s for the dense layer, samples/s for MLP,
 * LSTM and CNN training (batch × steps/s, or samples per epoch × epochs/s), the ratios between
 * them, and the project's performance targets marked met or not met. Every ratio divides two
 * scores of the same run, and every fraction of the float32 FMA peak divides by the peak
 * {@link FmaPeakBenchmark} measured in that run (without it the report says so and computes no
 * such fraction); a missing score shows as "n/a".
 *
 * <p>{@code java -cp benchmarks.jar cthulhu.benchmarks.Report results.json} prints the report
 * for an existing file.
 */
public final class Report {

    private static final String[] BACKENDS = {"pure", "nd4j", "djl"};
    private static final String[] ELEMENTWISE_OPS = {"tanh", "exp", "sigmoid", "softmax"};
    private static final String[] MATMUL_SHAPES = {"1024x1024x1024", "128x784x512"};
    private static final String[] CURVE_CONFIGS = {"b32-w512", "b128-w512", "b512-w512", "b1024-w512", "b128-w128", "b128-w2048"};

    /** One benchmark score, normalized to operations per second. */
    record Score(String name, Map<String, String> params, double opsPerSecond) {
    }

    /** The scores of one run and the JVM they ran on. */
    record Run(List<Score> scores, String jdk, String vm) {

        OptionalDouble ops(String name, String... keyValues) {
            return find(name, keyValues).map(s -> OptionalDouble.of(s.opsPerSecond())).orElse(OptionalDouble.empty());
        }

        Optional<Score> find(String name, String... keyValues) {
            outer:
            for (Score s : scores) {
                if (!s.name().equals(name)) {
                    continue;
                }
                for (int i = 0; i < keyValues.length; i += 2) {
                    if (!keyValues[i + 1].equals(s.params().get(keyValues[i]))) {
                        continue outer;
                    }
                }
                return Optional.of(s);
            }
            return Optional.empty();
        }
    }

    private Report() {
    }

    /** Prints the report of the JMH JSON file {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("Usage: Report <results.json>");
        }
        System.out.println(render(load(Path.of(args[0])), "unknown (report of " + args[0] + ")"));
    }

    /**
     * Reads a JMH JSON result file.
     *
     * @throws IOException if it cannot be read or is not JMH's JSON array
     */
    static Run load(Path json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        if (root == null || !root.isArray()) {
            throw new IOException("File " + json + " is not JMH's JSON result array; was the run interrupted?");
        }
        List<Score> scores = new ArrayList<>();
        String jdk = "?";
        String vm = "?";
        for (JsonNode n : root) {
            String full = n.get("benchmark").asText();
            String[] parts = full.split("\\.");
            String name = parts[parts.length - 2] + "." + parts[parts.length - 1];
            Map<String, String> params = new LinkedHashMap<>();
            JsonNode p = n.get("params");
            if (p != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    params.put(e.getKey(), e.getValue().asText());
                }
            }
            JsonNode metric = n.get("primaryMetric");
            double score = metric.get("score").asDouble();
            scores.add(new Score(name, params, toOpsPerSecond(score, metric.get("scoreUnit").asText())));
            jdk = n.path("jdkVersion").asText(jdk);
            vm = n.path("vmName").asText(vm) + " " + n.path("vmVersion").asText("");
        }
        return new Run(scores, jdk, vm);
    }

    /**
     * JMH's score in {@code unit} as operations per second.
     *
     * @throws IllegalArgumentException for a unit that is neither ops/time nor time/op
     */
    static double toOpsPerSecond(double score, String unit) {
        String[] parts = unit.split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("Unknown JMH score unit '" + unit + "'");
        }
        if (parts[0].equals("ops")) {
            return score / seconds(parts[1]);
        }
        if (parts[1].equals("op")) {
            return 1 / (score * seconds(parts[0]));
        }
        throw new IllegalArgumentException("Unknown JMH score unit '" + unit + "'");
    }

    private static double seconds(String unit) {
        return switch (unit) {
            case "s" -> 1;
            case "ms" -> 1e-3;
            case "us" -> 1e-6;
            case "ns" -> 1e-9;
            case "min" -> 60;
            default -> throw new IllegalArgumentException("Unknown JMH time unit '" + unit + "'");
        };
    }

    /** The whole report as Markdown; {@code mode} is the suite mode shown in the header. */
    static String render(Run run, String mode) {
        StringBuilder out = new StringBuilder();
        header(out, run, mode);
        targets(out, run);
        elementwise(out, run);
        dispatch(out, run);
        matmul(out, run);
        dense(out, run);
        mlp(out, run);
        lstm(out, run);
        serving(out, run);
        convolution(out, run);
        return out.toString();
    }

    private static void header(StringBuilder out, Run run, String mode) {
        out.append("Run: ").append(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                Instant.now().atOffset(ZoneOffset.UTC).withNano(0))).append(" UTC, mode `").append(mode)
                .append("`, JDK ").append(run.jdk()).append(" (").append(run.vm().trim()).append("), CPU ")
                .append(cpu()).append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores; load average (1, 5, 15 min) when the report was written: ")
                .append(loadAverage()).append(" (the benchmark's own JVMs count in it).\n\n");
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + ", " + fields[1] + ", " + fields[2];
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String cpu() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return System.getProperty("os.arch") + " (no /proc/cpuinfo: " + e.getMessage() + ")";
        }
        return System.getProperty("os.arch");
    }

    // ---- targets --------------------------------------------------------------------------

    private static void targets(StringBuilder out, Run run) {
        out.append("### Targets\n\n| target | measured | ratio | met |\n| --- | --- | --- | --- |\n");
        OptionalDouble djlStep = mlpSamples(run, "djl");
        OptionalDouble rawDjlStep = mlpSamples(run, "raw-djl");
        OptionalDouble nd4jStep = mlpSamples(run, "nd4j");
        OptionalDouble rawNd4jStep = mlpSamples(run, "raw-nd4j");
        OptionalDouble dl4jStep = mlpSamples(run, "dl4j");
        OptionalDouble pureStep = mlpSamples(run, "pure");
        ratioTarget(out, "cthulhu-on-DJL MLP training ≥ 0.95× raw DJL", djlStep, rawDjlStep, 0.95, "samples/s");
        ratioTarget(out, "cthulhu-on-ND4J MLP training ≥ 0.95× raw ND4J loop", nd4jStep, rawNd4jStep, 0.95, "samples/s");
        ratioTarget(out, "cthulhu-on-ND4J MLP training ≥ 1.5× DL4J MultiLayerNetwork", nd4jStep, dl4jStep, 1.5, "samples/s");
        String[][] rawTanh = {{"pure", "javaTanh"}, {"nd4j", "nd4jTanh"}, {"djl", "djlTanh"}};
        for (String[] pair : rawTanh) {
            OptionalDouble k = nsPerOp(run.ops("DispatchBenchmark.tanh", "backend", pair[0], "size", "1"));
            OptionalDouble raw = nsPerOp(run.ops("DispatchBaselineBenchmark." + pair[1], "size", "1"));
            String measured = k.isPresent() && raw.isPresent()
                    ? fmt(k.getAsDouble()) + " ns vs " + fmt(raw.getAsDouble()) + " ns (+" + fmt((k.getAsDouble() - raw.getAsDouble()) / 1000) + " µs)"
                    : "n/a";
            String met = k.isPresent() && raw.isPresent() ? yes(k.getAsDouble() - raw.getAsDouble() <= 1000) : "not measured";
            out.append("| `K.tanh` on 1 element (").append(pair[0]).append(") ≤ raw `").append(pair[1])
                    .append("` + 1 µs | ").append(measured).append(" | — | ").append(met).append(" |\n");
        }
        OptionalDouble gemm = gflops(run.ops("MatmulBaselineBenchmark.nd4jGemm", "shape", MATMUL_SHAPES[0]), MATMUL_SHAPES[0]);
        ratioTarget(out, "pure matmul 1024³ ≥ 0.8× ND4J gemm (vector module)",
                gflops(run.ops("MatmulBenchmark.dot", "backend", "pure", "shape", MATMUL_SHAPES[0]), MATMUL_SHAPES[0]), gemm, 0.8, "GFLOP/s");
        ratioTarget(out, "pure matmul 1024³ ≥ 0.25× ND4J gemm (no vector module)",
                gflops(run.ops("MatmulNoVectorBenchmark.pureDot", "shape", MATMUL_SHAPES[0]), MATMUL_SHAPES[0]), gemm, 0.25, "GFLOP/s");
        OptionalDouble copy = gbs(run.ops("ElementwiseBaselineBenchmark.arraycopy"));
        for (String op : ELEMENTWISE_OPS) {
            ratioTarget(out, "pure `K." + op + "` ≥ 0.7× arraycopy bandwidth",
                    gbs(run.ops("ElementwiseBenchmark.apply", "backend", "pure", "op", op)), copy, 0.7, "GB/s");
        }
        OptionalDouble fastestNative = max(nd4jStep, djlStep);
        ratioTarget(out, "pure MLP training ≥ 0.8× the fastest native backend", pureStep, fastestNative, 0.8, "samples/s");
        OptionalDouble rawLstm = lstmSamples(run, "step", "raw-djl");
        ratioTarget(out, "cthulhu-on-DJL LSTM training ≥ 0.8× raw DJL (PyTorch's fused LSTM)", lstmSamples(run, "step", "djl"),
                rawLstm, 0.8, "samples/s");
        ratioTarget(out, "cthulhu-on-ND4J LSTM training ≥ 1.2× DL4J `LSTM`", lstmSamples(run, "step", "nd4j"),
                lstmSamples(run, "step", "dl4j"), 1.2, "samples/s");
        ratioTarget(out, "pure LSTM training ≥ 0.6× raw DJL (PyTorch's fused LSTM)", lstmSamples(run, "step", "pure"),
                rawLstm, 0.6, "samples/s");
        servingTargets(out, run);
        out.append('\n');
    }

    private static void ratioTarget(StringBuilder out, String target, OptionalDouble value, OptionalDouble reference,
                                    double required, String unit) {
        if (value.isEmpty() || reference.isEmpty()) {
            out.append("| ").append(target).append(" | n/a | n/a | not measured |\n");
            return;
        }
        double ratio = value.getAsDouble() / reference.getAsDouble();
        out.append("| ").append(target).append(" | ").append(fmt(value.getAsDouble())).append(" vs ")
                .append(fmt(reference.getAsDouble())).append(' ').append(unit).append(" | ")
                .append(String.format(Locale.ROOT, "%.2f×", ratio)).append(" | ").append(yes(ratio >= required)).append(" |\n");
    }

    private static String yes(boolean met) {
        return met ? "**met**" : "not met";
    }

    // ---- (a) element-wise -------------------------------------------------------------------

    private static void elementwise(StringBuilder out, Run run) {
        out.append("### (a) Element-wise, 16M float32 (GB/s = 128 MiB read + written per call × calls/s)\n\n");
        out.append("| implementation | tanh | exp | sigmoid | softmax |\n| --- | --- | --- | --- | --- |\n");
        for (String b : BACKENDS) {
            out.append("| cthulhu ").append(b);
            for (String op : ELEMENTWISE_OPS) {
                out.append(" | ").append(fmt(gbs(run.ops("ElementwiseBenchmark.apply", "backend", b, "op", op))));
            }
            out.append(" |\n");
        }
        out.append("| Java loop (`float[]`, preallocated output)");
        for (String op : ELEMENTWISE_OPS) {
            String method = "java" + Character.toUpperCase(op.charAt(0)) + op.substring(1);
            out.append(" | ").append(fmt(gbs(run.ops("ElementwiseBaselineBenchmark." + method))));
        }
        out.append(" |\n");
        out.append("| ND4J `Transforms.tanh(x, false)` (in place) | ")
                .append(fmt(gbs(run.ops("ElementwiseBaselineBenchmark.nd4jTanhInPlace")))).append(" | | | |\n");
        out.append("| ND4J `Transforms.tanh(x, true)` (new array) | ")
                .append(fmt(gbs(run.ops("ElementwiseBaselineBenchmark.nd4jTanhDup")))).append(" | | | |\n");
        out.append("| DJL `x.tanh()` | ").append(fmt(gbs(run.ops("ElementwiseBaselineBenchmark.djlTanh")))).append(" | | | |\n");
        out.append("| `System.arraycopy` (bandwidth) | ")
                .append(fmt(gbs(run.ops("ElementwiseBaselineBenchmark.arraycopy")))).append(" | | | |\n\n");

        OptionalDouble copy = gbs(run.ops("ElementwiseBaselineBenchmark.arraycopy"));
        out.append("| ratio | tanh | exp | sigmoid | softmax |\n| --- | --- | --- | --- | --- |\n");
        for (String b : BACKENDS) {
            out.append("| cthulhu ").append(b).append(" / arraycopy");
            for (String op : ELEMENTWISE_OPS) {
                out.append(" | ").append(ratio(gbs(run.ops("ElementwiseBenchmark.apply", "backend", b, "op", op)), copy));
            }
            out.append(" |\n");
        }
        out.append("| cthulhu pure / Java loop");
        for (String op : ELEMENTWISE_OPS) {
            String method = "java" + Character.toUpperCase(op.charAt(0)) + op.substring(1);
            out.append(" | ").append(ratio(run.ops("ElementwiseBenchmark.apply", "backend", "pure", "op", op),
                    run.ops("ElementwiseBaselineBenchmark." + method)));
        }
        out.append(" |\n");
        out.append("| cthulhu nd4j / ND4J tanh (new array) | ").append(ratio(
                run.ops("ElementwiseBenchmark.apply", "backend", "nd4j", "op", "tanh"),
                run.ops("ElementwiseBaselineBenchmark.nd4jTanhDup"))).append(" | | | |\n");
        out.append("| cthulhu djl / DJL tanh | ").append(ratio(
                run.ops("ElementwiseBenchmark.apply", "backend", "djl", "op", "tanh"),
                run.ops("ElementwiseBaselineBenchmark.djlTanh"))).append(" | | | |\n\n");
    }

    private static OptionalDouble gbs(OptionalDouble opsPerSecond) {
        return scale(opsPerSecond, ElementwiseBenchmark.BYTES_PER_CALL / 1e9);
    }

    // ---- (b) dispatch -----------------------------------------------------------------------

    private static void dispatch(StringBuilder out, Run run) {
        out.append("### (b) Per-op dispatch: `K.tanh` vs the raw call (ns per call)\n\n");
        out.append("| elements | backend | `K.tanh` ns | raw call | raw ns | difference µs |\n| --- | --- | --- | --- | --- | --- |\n");
        String[][] raw = {{"pure", "javaTanh", "Java loop"}, {"nd4j", "nd4jTanh", "ND4J tanh op into preallocated output"},
                {"djl", "djlTanh", "DJL `x.tanh()`"}};
        for (String size : new String[] {"1", "1000"}) {
            for (String[] r : raw) {
                OptionalDouble k = nsPerOp(run.ops("DispatchBenchmark.tanh", "backend", r[0], "size", size));
                OptionalDouble base = nsPerOp(run.ops("DispatchBaselineBenchmark." + r[1], "size", size));
                String diff = k.isPresent() && base.isPresent() ? fmt((k.getAsDouble() - base.getAsDouble()) / 1000) : "n/a";
                out.append("| ").append(size).append(" | ").append(r[0]).append(" | ").append(fmt(k)).append(" | ")
                        .append(r[2]).append(" | ").append(fmt(base)).append(" | ").append(diff).append(" |\n");
            }
        }
        out.append('\n');
    }

    private static OptionalDouble nsPerOp(OptionalDouble opsPerSecond) {
        return opsPerSecond.isPresent() ? OptionalDouble.of(1e9 / opsPerSecond.getAsDouble()) : opsPerSecond;
    }

    // ---- (c) matmul -------------------------------------------------------------------------

    private static void matmul(StringBuilder out, Run run) {
        out.append("### (c) Matmul (GFLOP/s = 2·m·n·k × calls/s)\n\n");
        out.append("| implementation | 1024³ | × ND4J gemm | 128×784·784×512 | × ND4J gemm |\n| --- | --- | --- | --- | --- |\n");
        List<String[]> rows = new ArrayList<>();
        for (String b : BACKENDS) {
            rows.add(new String[] {"cthulhu " + b + " `K.dot`", "MatmulBenchmark.dot", "backend", b});
        }
        rows.add(new String[] {"cthulhu pure `K.dot`, no vector module", "MatmulNoVectorBenchmark.pureDot"});
        rows.add(new String[] {"ND4J `Nd4j.gemm` (preallocated output)", "MatmulBaselineBenchmark.nd4jGemm"});
        rows.add(new String[] {"ND4J `mmul` (new array)", "MatmulBaselineBenchmark.nd4jMmul"});
        rows.add(new String[] {"DJL `matMul`", "MatmulBaselineBenchmark.djlMatMul"});
        for (String[] row : rows) {
            out.append("| ").append(row[0]);
            for (String shape : MATMUL_SHAPES) {
                String[] kv = row.length == 4 ? new String[] {row[2], row[3], "shape", shape} : new String[] {"shape", shape};
                OptionalDouble g = gflops(run.ops(row[1], kv), shape);
                OptionalDouble gemm = gflops(run.ops("MatmulBaselineBenchmark.nd4jGemm", "shape", shape), shape);
                out.append(" | ").append(fmt(g)).append(" | ").append(ratio(g, gemm));
            }
            out.append(" |\n");
        }
        out.append('\n');
    }

    private static OptionalDouble gflops(OptionalDouble opsPerSecond, String shape) {
        return scale(opsPerSecond, MatmulShape.parse(shape).flops() / 1e9);
    }

    // ---- (d) dense --------------------------------------------------------------------------

    private static void dense(StringBuilder out, Run run) {
        out.append("### (d) Dense 784 → 512, batch 128, forward + backward (steps/s)\n\n");
        out.append("| implementation | steps/s | ms/step | × raw library |\n| --- | --- | --- | --- |\n");
        OptionalDouble rawNd4j = run.ops("DenseBaselineBenchmark.nd4j");
        OptionalDouble rawDjl = run.ops("DenseBaselineBenchmark.djl");
        OptionalDouble fastestRaw = max(rawNd4j, rawDjl);
        for (String b : BACKENDS) {
            OptionalDouble s = run.ops("DenseBenchmark.forwardBackward", "backend", b);
            OptionalDouble ref = b.equals("nd4j") ? rawNd4j : b.equals("djl") ? rawDjl : fastestRaw;
            String against = b.equals("pure") ? " (of the faster raw)" : "";
            out.append("| cthulhu ").append(b).append(" (`GradientTape`) | ").append(fmt(s)).append(" | ")
                    .append(fmt(inverseMs(s))).append(" | ").append(ratio(s, ref)).append(against).append(" |\n");
        }
        out.append("| raw ND4J, backward by hand | ").append(fmt(rawNd4j)).append(" | ").append(fmt(inverseMs(rawNd4j))).append(" | 1 |\n");
        out.append("| raw DJL, `GradientCollector` | ").append(fmt(rawDjl)).append(" | ").append(fmt(inverseMs(rawDjl))).append(" | 1 |\n\n");
    }

    private static OptionalDouble inverseMs(OptionalDouble opsPerSecond) {
        return opsPerSecond.isPresent() ? OptionalDouble.of(1000 / opsPerSecond.getAsDouble()) : opsPerSecond;
    }

    // ---- (e) MLP ----------------------------------------------------------------------------

    private static OptionalDouble mlpSamples(Run run, String impl) {
        return scale(run.ops("MlpBenchmark.step", "impl", impl), MlpBenchmark.BATCH);
    }

    private static void mlp(StringBuilder out, Run run) {
        out.append("### (e) MLP 784-512-512-10 training (relu, softmax, categorical crossentropy, Adam, batch 128)\n\n");
        out.append("| implementation | step: samples/s | × raw same library | × DL4J | epoch (4,096 samples): samples/s | × raw same library |\n");
        out.append("| --- | --- | --- | --- | --- | --- |\n");
        String[][] impls = {{"pure", "cthulhu pure"}, {"nd4j", "cthulhu nd4j"}, {"djl", "cthulhu djl"},
                {"raw-nd4j", "raw ND4J loop"}, {"raw-djl", "raw DJL (`GradientCollector` + Adam)"}, {"dl4j", "DL4J `MultiLayerNetwork`"}};
        OptionalDouble dl4j = mlpSamples(run, "dl4j");
        OptionalDouble dl4jEpoch = epochSamples(run, "dl4j");
        for (String[] impl : impls) {
            String rawName = impl[0].equals("nd4j") ? "raw-nd4j" : impl[0].equals("djl") ? "raw-djl" : null;
            OptionalDouble step = mlpSamples(run, impl[0]);
            OptionalDouble epoch = epochSamples(run, impl[0]);
            out.append("| ").append(impl[1]).append(" | ").append(fmt(step)).append(" | ")
                    .append(rawName == null ? "—" : ratio(step, mlpSamples(run, rawName))).append(" | ")
                    .append(ratio(step, dl4j)).append(" | ").append(fmt(epoch)).append(" | ")
                    .append(rawName == null ? "—" : ratio(epoch, epochSamples(run, rawName))).append(" |\n");
        }
        out.append("\nDL4J epoch for reference: ").append(fmt(dl4jEpoch)).append(" samples/s.\n\n");

        out.append("Digits MLP 64-64-10, batch 32, one step (samples/s):\n\n| backend | samples/s |\n| --- | --- |\n");
        for (String b : BACKENDS) {
            out.append("| cthulhu ").append(b).append(" | ")
                    .append(fmt(scale(run.ops("DigitsMlpBenchmark.step", "impl", b), DigitsMlpBenchmark.BATCH))).append(" |\n");
        }
        out.append("\nCost curve of one 784-w-w-10 step (samples/s; batch b, hidden width w):\n\n| backend");
        for (String c : CURVE_CONFIGS) {
            out.append(" | ").append(c);
        }
        out.append(" |\n| ---").append(" | ---".repeat(CURVE_CONFIGS.length)).append(" |\n");
        for (String b : BACKENDS) {
            out.append("| cthulhu ").append(b);
            for (String c : CURVE_CONFIGS) {
                out.append(" | ").append(fmt(scale(run.ops("MlpScalingBenchmark.step", "impl", b, "config", c),
                        MlpScalingBenchmark.batch(c))));
            }
            out.append(" |\n");
        }
        out.append('\n');
    }

    private static OptionalDouble lstmSamples(Run run, String method, String impl) {
        return scale(run.ops("LstmBenchmark." + method, "impl", impl), LstmBenchmark.BATCH);
    }

    private static void lstm(StringBuilder out, Run run) {
        out.append("### (f) LSTM(128) over 50 steps of 32 features, dense softmax 10, Adam, batch 64\n\n");
        out.append("| implementation | training step: samples/s | × raw DJL | × DL4J | predict: samples/s | × raw DJL | × DL4J |\n");
        out.append("| --- | --- | --- | --- | --- | --- | --- |\n");
        String[][] impls = {{"pure", "cthulhu pure"}, {"nd4j", "cthulhu nd4j"}, {"djl", "cthulhu djl"},
                {"raw-djl", "raw DJL (PyTorch's fused `lstm` + autograd)"}, {"dl4j", "DL4J `LSTM` in a `MultiLayerNetwork`"}};
        for (String[] impl : impls) {
            out.append("| ").append(impl[1]);
            for (String method : new String[] {"step", "predict"}) {
                OptionalDouble v = lstmSamples(run, method, impl[0]);
                out.append(" | ").append(fmt(v)).append(" | ").append(ratio(v, lstmSamples(run, method, "raw-djl")))
                        .append(" | ").append(ratio(v, lstmSamples(run, method, "dl4j")));
            }
            out.append(" |\n");
        }
        out.append('\n');
    }

    private static OptionalDouble epochSamples(Run run, String impl) {
        return scale(run.ops("MlpBenchmark.epoch", "impl", impl), (double) MlpBenchmark.BATCH * MlpBenchmark.EPOCH_BATCHES);
    }

    // ---- (f) serving ------------------------------------------------------------------------

    private static final String[] SERVING_BATCHES = {"1", "32"};
    private static final String[] THREADS = {"1", "2", "8"};

    /** The raw forward pass each backend's predict is held against: its library's, or for pure its own SPI. */
    private static OptionalDouble rawForwardMicros(Run run, String backend, String mlp, String batch) {
        String method = backend.equals("pure") ? "pureSpi" : backend;
        return microsPerOp(run.ops("PredictBaselineBenchmark." + method, "mlp", mlp, "batch", batch));
    }

    private static OptionalDouble predictMicros(Run run, String backend, String mlp, String batch) {
        return microsPerOp(run.ops("PredictBenchmark.predict", "backend", backend, "mlp", mlp, "batch", batch));
    }

    private static OptionalDouble microsPerOp(OptionalDouble opsPerSecond) {
        return opsPerSecond.isPresent() ? OptionalDouble.of(1e6 / opsPerSecond.getAsDouble()) : opsPerSecond;
    }

    private static void servingTargets(StringBuilder out, Run run) {
        for (String b : BACKENDS) {
            for (String mlp : ServingMlp.NAMES) {
                for (String batch : SERVING_BATCHES) {
                    OptionalDouble k = predictMicros(run, b, mlp, batch);
                    OptionalDouble raw = rawForwardMicros(run, b, mlp, batch);
                    String target = "`predict` " + b + ", " + mlp + ", batch " + batch + " ≤ 1.2 × raw forward + 2 µs";
                    if (k.isEmpty() || raw.isEmpty()) {
                        out.append("| ").append(target).append(" | n/a | n/a | not measured |\n");
                        continue;
                    }
                    double limit = 1.2 * raw.getAsDouble() + 2;
                    out.append("| ").append(target).append(" | ").append(fmt(k.getAsDouble())).append(" vs ")
                            .append(fmt(raw.getAsDouble())).append(" µs (limit ").append(fmt(limit)).append(") | ")
                            .append(String.format(Locale.ROOT, "%.2f×", k.getAsDouble() / raw.getAsDouble())).append(" | ")
                            .append(yes(k.getAsDouble() <= limit)).append(" |\n");
                }
            }
        }
        for (String b : BACKENDS) {
            OptionalDouble one = run.ops("PredictThreadsBenchmark.threads1", "backend", b);
            OptionalDouble two = run.ops("PredictThreadsBenchmark.threads2", "backend", b);
            OptionalDouble eight = run.ops("PredictThreadsBenchmark.threads8", "backend", b);
            String target = "`predict` " + b + " from 1, 2, 8 threads on one model: throughput does not fall";
            if (one.isEmpty() || two.isEmpty() || eight.isEmpty()) {
                out.append("| ").append(target).append(" | n/a | n/a | not measured |\n");
                continue;
            }
            // "Does not fall": each step within the 5 % that separates two runs of the same fork here.
            boolean met = two.getAsDouble() >= 0.95 * one.getAsDouble() && eight.getAsDouble() >= 0.95 * two.getAsDouble();
            out.append("| ").append(target).append(" | ").append(fmt(one.getAsDouble())).append(" → ")
                    .append(fmt(two.getAsDouble())).append(" → ").append(fmt(eight.getAsDouble())).append(" calls/s | ")
                    .append(String.format(Locale.ROOT, "%.2f×", eight.getAsDouble() / one.getAsDouble())).append(" | ")
                    .append(yes(met)).append(" |\n");
        }
    }

    private static void serving(StringBuilder out, Run run) {
        out.append("### (f) Serving: `predict` vs the raw forward pass (µs per call)\n\n");
        out.append("Raw forward: ND4J with preallocated outputs (`Nd4j.gemm`, `addiRowVector`, relu and softmax in place); ")
                .append("DJL `NDArray`s in a sub-manager; for pure, its own SPI (`dense`, `relu`, `softmax`) without the model.\n\n");
        out.append("| MLP | batch | backend | `predict` µs | raw forward µs | ratio | limit 1.2 × raw + 2 µs | met |\n");
        out.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (String mlp : ServingMlp.NAMES) {
            for (String batch : SERVING_BATCHES) {
                for (String b : BACKENDS) {
                    OptionalDouble k = predictMicros(run, b, mlp, batch);
                    OptionalDouble raw = rawForwardMicros(run, b, mlp, batch);
                    String limit = raw.isPresent() ? fmt(1.2 * raw.getAsDouble() + 2) : "n/a";
                    String met = k.isPresent() && raw.isPresent() ? yes(k.getAsDouble() <= 1.2 * raw.getAsDouble() + 2) : "not measured";
                    out.append("| ").append(mlp).append(" | ").append(batch).append(" | ").append(b).append(" | ")
                            .append(fmt(k)).append(" | ").append(fmt(raw)).append(" | ").append(ratio(k, raw)).append(" | ")
                            .append(limit).append(" | ").append(met).append(" |\n");
                }
            }
        }
        out.append("\nOne shared 64-64-10 model, one-sample `predict`, total calls/s over all threads ")
                .append("(every output checked equal to the one-thread result); `plain`: the same forward pass in plain Java ")
                .append("loops with nothing allocated per call, the scaling the machine itself allows; `raw DJL`: the same forward pass ")
                .append("written directly in DJL, each thread with its own manager, weights and input, what the library allows:\n\n| backend");
        for (String t : THREADS) {
            out.append(" | ").append(t).append(t.equals("1") ? " thread" : " threads");
        }
        out.append(" | 8 / 2 threads |\n| ---").append(" | ---".repeat(THREADS.length + 1)).append(" |\n");
        for (String b : BACKENDS) {
            threadsRow(out, run, b, "threads", "backend", b);
        }
        threadsRow(out, run, "plain", "plain");
        threadsRow(out, run, "raw DJL", "rawDjl");
        out.append('\n');
    }

    /** One row of the threads table: {@code PredictThreadsBenchmark.<prefix><threads>} with these parameters. */
    private static void threadsRow(StringBuilder out, Run run, String label, String prefix, String... params) {
        out.append("| ").append(label);
        for (String t : THREADS) {
            out.append(" | ").append(fmt(run.ops("PredictThreadsBenchmark." + prefix + t, params)));
        }
        out.append(" | ").append(ratio(run.ops("PredictThreadsBenchmark." + prefix + "8", params),
                run.ops("PredictThreadsBenchmark." + prefix + "2", params))).append(" |\n");
    }

    // ---- convolution ------------------------------------------------------------------------

    /** Float32 lanes of one vector register: 16 with AVX-512, 8 with AVX2, else 4. */
    private static int floatLanes() {
        String flags = cpuFlags();
        return flags.contains(" avx512f") ? 16 : flags.contains(" avx2") ? 8 : 4;
    }

    private static String cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    return line + " ";
                }
            }
        } catch (IOException e) {
            return "";
        }
        return "";
    }

    /** The clock in GHz that /proc/cpuinfo reports (the nominal one on a virtual machine), else NaN. */
    private static double clockGhz() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("cpu MHz")) {
                    return Double.parseDouble(line.substring(line.indexOf(':') + 1).trim()) / 1000;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    /**
     * The float32 FMA peak in GFLOP/s as derived from /proc/cpuinfo: cores × lanes × FMA units ×
     * 2 flops × clock. Two FMA units per core (every x86 core with AVX-512 or AVX2 since Haswell
     * and Zen 2; Zen 5 at full 512-bit width); set {@code -Dcthulhu.bench.fmaUnits} for another
     * machine. Shown beside the peak {@link FmaPeakBenchmark} measures, never used in its place.
     */
    static double peakGflops() {
        int units = Integer.getInteger("cthulhu.bench.fmaUnits", 2);
        return Runtime.getRuntime().availableProcessors() * floatLanes() * units * 2 * clockGhz();
    }

    /** GFLOP/s of one {@link FmaPeakBenchmark} method ({@code oneThread} or {@code allCores}). */
    private static OptionalDouble fmaPeak(Run run, String method) {
        return scale(run.ops("FmaPeakBenchmark." + method), FmaPeakBenchmark.FLOPS_PER_CALL / 1e9);
    }

    private static OptionalDouble convForwardGflops(Run run, String impl) {
        return scale(run.ops("ConvBenchmark.forward", "impl", impl), ConvBenchmark.FORWARD_FLOPS / 1e9);
    }

    /** Samples/s of the CNN's {@code step} (one batch a call) or {@code epoch} (the whole data set a call). */
    private static OptionalDouble convSamples(Run run, String method, String impl) {
        return scale(run.ops("ConvBenchmark." + method, "impl", impl),
                method.equals("step") ? ConvBenchmark.BATCH : ConvBenchmark.EPOCH_SAMPLES);
    }

    /** DL4J in its best configuration: whichever data format ran faster. */
    private static OptionalDouble convDl4j(Run run, String method) {
        return max(convSamples(run, method, "dl4j"), convSamples(run, method, "dl4j-nhwc"));
    }

    private static void convolution(StringBuilder out, Run run) {
        double derived = peakGflops();
        String derivation = Runtime.getRuntime().availableProcessors() + " cores × " + floatLanes() + " lanes × "
                + Integer.getInteger("cthulhu.bench.fmaUnits", 2) + " FMA units × 2 flops × " + fmt(clockGhz())
                + " GHz = " + fmt(derived) + " GFLOP/s";
        OptionalDouble peak = fmaPeak(run, "allCores");
        out.append("### Convolution\n\n");
        if (peak.isPresent()) {
            out.append("Float32 FMA peak, measured (`FmaPeakBenchmark`: ").append(FmaPeakBenchmark.CHAINS)
                    .append(" independent FMA chains of the preferred vector species): ").append(fmt(fmaPeak(run, "oneThread")))
                    .append(" GFLOP/s on one thread, ").append(fmt(peak)).append(" GFLOP/s on all ")
                    .append(Runtime.getRuntime().availableProcessors()).append(" cores; derived from /proc/cpuinfo: ")
                    .append(derivation).append(" (measured all-core / derived: ").append(ratio(peak, OptionalDouble.of(derived)))
                    .append("). Every \"of peak\" below divides by the measured all-core peak.\n\n");
        } else {
            out.append("The FMA peak benchmark (`FmaPeakBenchmark`) is not in this run, so no \"of peak\" figure and no ")
                    .append("peak target is computed. The peak derived from /proc/cpuinfo, for reference only: ")
                    .append(derivation).append(".\n\n");
        }
        out.append("Forward `(64, 32, 32, 32) ⊛ (3, 3, 32, 64)`, same padding:\n\n| impl | GFLOP/s | of peak | vs raw library |\n| --- | --- | --- | --- |\n");
        String[][] rows = {{"pure", "raw-djl"}, {"nd4j", "raw-nd4j"}, {"djl", "raw-djl"}, {"raw-nd4j", null}, {"raw-djl", null}};
        for (String[] row : rows) {
            OptionalDouble g = convForwardGflops(run, row[0]);
            OptionalDouble raw = row[1] == null ? OptionalDouble.empty() : convForwardGflops(run, row[1]);
            out.append("| ").append(row[0]).append(" | ").append(fmt(g)).append(" | ").append(percent(g, peak))
                    .append(" | ").append(row[1] == null ? "—" : ratio(g, raw) + " " + row[1]).append(" |\n");
        }
        out.append("\nTraining the CNN (batch ").append(ConvBenchmark.BATCH).append(", Adam): one step, and one epoch of ")
                .append(fmt(ConvBenchmark.EPOCH_SAMPLES)).append(" samples (`fit` for cthulhu):\n\n")
                .append("| impl | step: samples/s | vs raw-djl | vs DL4J (best format) | epoch: samples/s | vs raw-djl | vs DL4J (best format) |\n")
                .append("| --- | --- | --- | --- | --- | --- | --- |\n");
        for (String impl : new String[] {"pure", "nd4j", "djl", "raw-djl", "raw-nd4j", "dl4j", "dl4j-nhwc"}) {
            out.append("| ").append(impl);
            for (String method : new String[] {"step", "epoch"}) {
                OptionalDouble v = convSamples(run, method, impl);
                out.append(" | ").append(fmt(v)).append(" | ").append(ratio(v, convSamples(run, method, "raw-djl")))
                        .append(" | ").append(ratio(v, convDl4j(run, method)));
            }
            out.append(" |\n");
        }
        out.append("\n| target | measured | ratio | met |\n| --- | --- | --- | --- |\n");
        for (String method : new String[] {"step", "epoch"}) {
            OptionalDouble rawDjl = convSamples(run, method, "raw-djl");
            OptionalDouble nd4j = convSamples(run, method, "nd4j");
            ratioTarget(out, "cthulhu-on-DJL CNN " + method + " ≥ 0.95× raw DJL", convSamples(run, method, "djl"),
                    rawDjl, 0.95, "samples/s");
            ratioTarget(out, "pure CNN " + method + " ≥ 0.7× raw DJL (PyTorch)", convSamples(run, method, "pure"),
                    rawDjl, 0.7, "samples/s");
            ratioTarget(out, "cthulhu-on-ND4J CNN " + method + " ≥ 1.2× DL4J `ConvolutionLayer` network (best of NCHW, NHWC)",
                    nd4j, convDl4j(run, method), 1.2, "samples/s");
            ratioTarget(out, "cthulhu-on-ND4J CNN " + method + " ≥ 0.95× raw ND4J (libnd4j conv ops)",
                    nd4j, convSamples(run, method, "raw-nd4j"), 0.95, "samples/s");
        }
        ratioTarget(out, "cthulhu-on-ND4J conv forward ≥ 0.95× raw libnd4j conv2d",
                run.ops("ConvBenchmark.forward", "impl", "nd4j"), run.ops("ConvBenchmark.forward", "impl", "raw-nd4j"), 0.95, "calls/s");
        ratioTarget(out, "pure conv forward ≥ 50 % of the measured FMA peak (all cores)",
                convForwardGflops(run, "pure"), peak, 0.5, "GFLOP/s");
        out.append('\n');
    }

    // ---- formatting -------------------------------------------------------------------------

    private static OptionalDouble scale(OptionalDouble v, double factor) {
        return v.isPresent() ? OptionalDouble.of(v.getAsDouble() * factor) : v;
    }

    private static OptionalDouble max(OptionalDouble a, OptionalDouble b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isEmpty() ? a : OptionalDouble.of(Math.max(a.getAsDouble(), b.getAsDouble()));
    }

    /** {@code a / b} as a percentage with one decimal, or "n/a". */
    private static String percent(OptionalDouble a, OptionalDouble b) {
        return a.isPresent() && b.isPresent() ? String.format(Locale.ROOT, "%.1f %%", 100 * a.getAsDouble() / b.getAsDouble()) : "n/a";
    }

    private static String ratio(OptionalDouble a, OptionalDouble b) {
        return a.isPresent() && b.isPresent() ? String.format(Locale.ROOT, "%.2f×", a.getAsDouble() / b.getAsDouble()) : "n/a";
    }

    private static String fmt(OptionalDouble v) {
        return v.isPresent() ? fmt(v.getAsDouble()) : "n/a";
    }

    /** Three significant digits, no exponent. */
    static String fmt(double v) {
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
