package cthulhu.benchmarks;

import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Runs the benchmark suite in one JMH run, writes JMH's JSON, then prints the {@link Report}
 * computed from that file: {@code Suite <quick|full> <results.json> [report.md] [regex ...]}.
 *
 * <ul>
 *   <li>{@code full} — every benchmark with the iterations and times of its annotations
 *       (about 20–30 minutes on two cores).</li>
 *   <li>{@code quick} — everything but the epoch benchmarks ({@link MlpBenchmark},
 *       {@link ConvBenchmark}) and the cost curve, each with its full warm-up but two 0.5 s
 *       measurements (about 8 minutes); for spot checks. The warm-up is not shortened: the
 *       JIT compiles the pure backend's vector kernels only after a few seconds of a benchmark,
 *       and with half a second of warm-up quick runs reported that backend three to five times
 *       slower than full runs did.</li>
 * </ul>
 *
 * <p>Optional regular expressions narrow the run to matching benchmarks (JMH's include filter).
 * Forks inherit this JVM's arguments (so run it with {@code --add-modules jdk.incubator.vector}),
 * except {@link MatmulNoVectorBenchmark}, whose fork replaces them.
 */
public final class Suite {

    private Suite() {
    }

    /**
     * @param args {@code quick|full}, the JSON path, then optionally the Markdown report path
     *     (a name ending in {@code .md}) and include patterns
     * @throws IllegalArgumentException for a missing or unknown mode
     */
    public static void main(String[] args) throws RunnerException, IOException {
        if (args.length < 2 || !(args[0].equals("quick") || args[0].equals("full"))) {
            throw new IllegalArgumentException("Usage: Suite <quick|full> <results.json> [report.md] [regex ...]; got "
                    + Arrays.toString(args));
        }
        boolean quick = args[0].equals("quick");
        Path json = Path.of(args[1]);
        List<String> rest = Arrays.asList(args).subList(2, args.length);
        Path markdown = !rest.isEmpty() && rest.get(0).endsWith(".md") ? Path.of(rest.get(0)) : null;
        List<String> includes = markdown == null ? rest : rest.subList(1, rest.size());
        if (json.toAbsolutePath().getParent() != null) {
            Files.createDirectories(json.toAbsolutePath().getParent());
        }

        ChainedOptionsBuilder options = new OptionsBuilder()
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString());
        if (includes.isEmpty()) {
            options.include(Suite.class.getPackageName() + "\\..*Benchmark\\..*");
        } else {
            includes.forEach(options::include);
        }
        if (quick) {
            options.exclude(MlpScalingBenchmark.class.getSimpleName())
                    .exclude(MlpBenchmark.class.getSimpleName() + "\\.epoch")
                    .exclude(ConvBenchmark.class.getSimpleName() + "\\.epoch")
                    .measurementIterations(2)
                    .measurementTime(TimeValue.milliseconds(500));
        }
        new Runner(options.build()).run();

        String report = Report.render(Report.load(json), args[0]);
        System.out.println();
        System.out.println(report);
        if (markdown != null) {
            Files.writeString(markdown, report);
        }
    }
}
