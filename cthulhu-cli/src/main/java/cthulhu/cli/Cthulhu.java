package cthulhu.cli;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.layers.Symbol;
import cthulhu.models.Model;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The {@code cthulhu} command: {@code summary FILE}, {@code convert IN OUT} and
 * {@code predict FILE --input x.csv [--output y.csv]} ({@code convert --no-compile} leaves the
 * training configuration out) for any model file cthulhu reads
 * (cthulhu's archive, Keras 3 {@code .keras}, legacy Keras {@code .h5}). Exit code 0 on success,
 * 1 when a file cannot be read or written (the message says why), 2 for a usage error.
 */
@Command(name = "cthulhu", mixinStandardHelpOptions = true, version = "cthulhu 0.2.0",
        description = "Inspect, convert and run cthulhu and Keras model files.",
        footer = {"", "Backend: cthulhu.jar bundles the pure-Java backend. To run on ND4J or DJL, build the jar with it:",
            "  mvn -pl cthulhu-cli -am package -DskipTests -Pnd4j   (or -Pdjl)",
            "which bundles that backend and picks it; or choose among the bundled ones with",
            "  java -Dcthulhu.backend=nd4j -jar cthulhu.jar …   (or CTHULHU_BACKEND=nd4j)."},
        subcommands = {Cthulhu.Summary.class, Cthulhu.Convert.class, Cthulhu.Predict.class})
public final class Cthulhu implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the tool and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, with errors printed as one line each (no stack trace) and exit code 1. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Cthulhu());
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            commandLine.getErr().println("cthulhu: " + e.getMessage());
            return 1;
        });
        return cli;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Give a command: summary, convert or predict");
    }

    /** {@code cthulhu summary FILE}: the Keras-style table of the model's layers. */
    @Command(name = "summary", description = "Print the model's layers, output shapes and parameter counts.")
    static final class Summary implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "A model file: .keras, .h5 or a cthulhu archive.")
        Path file;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            try (Model model = Model.load(file, false)) {
                spec.commandLine().getOut().print(model.summaryText());
                spec.commandLine().getOut().flush();
            }
            return 0;
        }
    }

    /** {@code cthulhu convert IN OUT}: any readable format to the one OUT's name asks for. */
    @Command(name = "convert", description = "Read IN in any format and write OUT in the format its name asks for:"
            + " .keras (Keras 3), .h5 (legacy Keras HDF5), anything else cthulhu's archive.")
    static final class Convert implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "IN", description = "The model to read.")
        Path in;
        @Parameters(index = "1", paramLabel = "OUT", description = "The file to write.")
        Path out;
        @Option(names = "--no-compile", description = "Leave out the optimizer, loss and metrics (for a training"
                + " configuration the target format cannot hold).")
        boolean noCompile;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            try (Model model = Model.load(in, !noCompile)) {
                model.save(out);
            }
            spec.commandLine().getOut().println("Wrote " + out);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /**
     * {@code cthulhu predict FILE --input x.csv [--output y.csv]}: one sample a row, flattened; a
     * model with several inputs takes one {@code --input} per input, in order, and one with
     * several outputs writes one {@code --output} per output.
     */
    @Command(name = "predict", description = "Run the model on the samples of a CSV file (one sample a row, its values"
            + " flattened row-major) and write the predictions the same way. A model with several inputs takes"
            + " --input once per input, in the model's order; one with several outputs takes --output once per output.")
    static final class Predict implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "A model file: .keras, .h5 or a cthulhu archive.")
        Path file;
        @Option(names = "--input", required = true, paramLabel = "x.csv", description = "The samples, one file per input.")
        List<Path> inputs;
        @Option(names = "--output", paramLabel = "y.csv", description = "Where to write the predictions, one file per output"
                + " (default: standard output, outputs one after another).")
        List<Path> outputs;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            try (Model model = Model.load(file, false); TensorScope scope = TensorScope.open()) {
                List<Symbol> ins = model.inputs();
                if (inputs.size() != ins.size()) {
                    throw new IllegalArgumentException("model " + model.getName() + " has " + ins.size() + " input(s) "
                            + ins.stream().map(s -> s.layer().getName()).toList() + " but " + inputs.size()
                            + " --input file(s) were given; give one per input, in this order");
                }
                if (outputs != null && outputs.size() != model.outputs().size()) {
                    throw new IllegalArgumentException("model " + model.getName() + " has " + model.outputs().size()
                            + " output(s) but " + outputs.size() + " --output file(s) were given; give one per output");
                }
                List<Tensor> xs = new ArrayList<>();
                for (int i = 0; i < ins.size(); i++) {
                    xs.add(batch(model, inputs.get(i), ins.get(i).sampleShape()));
                }
                List<Tensor> ys = model.predict(xs);
                PrintWriter console = spec.commandLine().getOut();
                for (int j = 0; j < ys.size(); j++) {
                    List<double[]> rows = rows(ys.get(j));
                    if (outputs == null) {
                        Csv.write(rows, console);
                    } else {
                        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(outputs.get(j)))) {
                            Csv.write(rows, w);
                        }
                    }
                }
                console.flush();
            }
            return 0;
        }

        /** The samples of a CSV file as a batch of {@code sample}-shaped samples. */
        private static Tensor batch(Model model, Path csv, int[] sample) throws IOException {
            List<double[]> rows = Csv.read(csv);
            int width = Arrays.stream(sample).reduce(1, (a, b) -> a * b);
            double[] flat = new double[rows.size() * width];
            for (int r = 0; r < rows.size(); r++) {
                if (rows.get(r).length != width) {
                    throw new IllegalArgumentException(csv + " line " + (r + 1) + " has " + rows.get(r).length
                            + " values but model " + model.getName() + " takes samples of shape "
                            + Arrays.toString(sample) + " (" + width + " values a row)");
                }
                System.arraycopy(rows.get(r), 0, flat, r * width, width);
            }
            int[] shape = new int[sample.length + 1];
            shape[0] = rows.size();
            System.arraycopy(sample, 0, shape, 1, sample.length);
            return K.constant(flat, shape);
        }

        /** A batch as one flattened row per sample. */
        private static List<double[]> rows(Tensor y) {
            double[] values = y.toDoubleArray();
            int n = y.shape()[0];
            int width = values.length / n;
            List<double[]> out = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                out.add(Arrays.copyOfRange(values, r * width, (r + 1) * width));
            }
            return out;
        }
    }
}
