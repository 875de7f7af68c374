package cthulhu.cli;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.backend.TensorScope;
import cthulhu.models.Sequential;
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
            try (Sequential model = Sequential.load(file, false)) {
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
            try (Sequential model = Sequential.load(in, !noCompile)) {
                model.save(out);
            }
            spec.commandLine().getOut().println("Wrote " + out);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** {@code cthulhu predict FILE --input x.csv [--output y.csv]}: one sample a row, flattened. */
    @Command(name = "predict", description = "Run the model on the samples of a CSV file (one sample a row, its values"
            + " flattened row-major) and write the predictions the same way.")
    static final class Predict implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "A model file: .keras, .h5 or a cthulhu archive.")
        Path file;
        @Option(names = "--input", required = true, paramLabel = "x.csv", description = "The samples.")
        Path input;
        @Option(names = "--output", paramLabel = "y.csv", description = "Where to write the predictions (default: standard output).")
        Path output;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            List<double[]> rows = Csv.read(input);
            try (Sequential model = Sequential.load(file, false); TensorScope scope = TensorScope.open()) {
                int[] sample = model.inputShape();
                int width = Arrays.stream(sample).reduce(1, (a, b) -> a * b);
                double[] flat = new double[rows.size() * width];
                for (int r = 0; r < rows.size(); r++) {
                    if (rows.get(r).length != width) {
                        throw new IllegalArgumentException(input + " line " + (r + 1) + " has " + rows.get(r).length
                                + " values but model " + model.getName() + " takes samples of shape "
                                + Arrays.toString(sample) + " (" + width + " values a row)");
                    }
                    System.arraycopy(rows.get(r), 0, flat, r * width, width);
                }
                int[] shape = new int[sample.length + 1];
                shape[0] = rows.size();
                System.arraycopy(sample, 0, shape, 1, sample.length);
                Tensor y = model.predict(K.constant(flat, shape));
                double[] values = y.toDoubleArray();
                int outWidth = values.length / rows.size();
                List<double[]> out = new ArrayList<>();
                for (int r = 0; r < rows.size(); r++) {
                    out.add(Arrays.copyOfRange(values, r * outWidth, (r + 1) * outWidth));
                }
                if (output == null) {
                    PrintWriter w = spec.commandLine().getOut();
                    Csv.write(out, w);
                    w.flush();
                } else {
                    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(output))) {
                        Csv.write(out, w);
                    }
                }
            }
            return 0;
        }
    }
}
