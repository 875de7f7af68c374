package cthulhu.cli;

import cthulhu.backend.K;
import cthulhu.backend.Tensor;
import cthulhu.layers.Add;
import cthulhu.layers.Daoloth;
import cthulhu.layers.Input;
import cthulhu.layers.Symbol;
import cthulhu.models.Model;
import cthulhu.models.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each command of the tool on a small model, checked against the library it fronts. */
class CthulhuTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Cthulhu.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private static Path model(Path dir) throws IOException {
        Path file = dir.resolve("model.keras");
        try (Sequential model = new Sequential("tool_test")) {
            model.add(new Daoloth(4, "tanh").inputShape(3));
            model.add(new Daoloth(2, "softmax"));
            model.save(file);
        }
        return file;
    }

    @Test
    void summaryPrintsTheLayerTable(@TempDir Path dir) throws IOException {
        assertEquals(0, run("summary", model(dir).toString()), err.toString());
        assertTrue(out.toString().contains("dense_1 (Dense)"), out.toString());
        assertTrue(out.toString().contains("Total params: 26"), out.toString());
    }

    @Test
    void convertWritesTheFormatTheNameAsksForWithTheSameWeights(@TempDir Path dir) throws IOException {
        Path keras = model(dir);
        Path h5 = dir.resolve("model.h5");
        Path archive = dir.resolve("model.cthulhu");
        assertEquals(0, run("convert", keras.toString(), h5.toString()), err.toString());
        assertEquals(0, run("convert", h5.toString(), archive.toString()), err.toString());
        try (Sequential a = Sequential.load(keras); Sequential b = Sequential.load(archive)) {
            for (int i = 0; i < a.getWeights().size(); i++) {
                assertArrayEquals(a.getWeights().get(i).toDoubleArray(), b.getWeights().get(i).toDoubleArray());
            }
        }
    }

    @Test
    void predictWritesOneRowPerSampleAsTheModelPredicts(@TempDir Path dir) throws IOException {
        Path file = model(dir);
        Path x = dir.resolve("x.csv");
        Files.write(x, List.of("0.5,-1,2", "", "0,0.25,-0.75"));
        Path y = dir.resolve("y.csv");
        assertEquals(0, run("predict", file.toString(), "--input", x.toString(), "--output", y.toString()), err.toString());
        List<String> lines = Files.readAllLines(y);
        assertEquals(2, lines.size());
        try (Sequential model = Sequential.load(file)) {
            Tensor expected = model.predict(K.constant(new double[] {0.5, -1, 2, 0, 0.25, -0.75}, 2, 3));
            double[] e = expected.toDoubleArray();
            for (int r = 0; r < 2; r++) {
                String[] cells = lines.get(r).split(",");
                assertEquals(2, cells.length);
                for (int c = 0; c < 2; c++) {
                    assertEquals(e[r * 2 + c], Double.parseDouble(cells[c]), 0.0);
                }
            }
        }
    }

    @Test
    void predictTakesAnInputFilePerInputAndWritesAnOutputFilePerOutput(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("graph.keras");
        Symbol a = Input.of("a", 2);
        Symbol b = Input.of("b", 2);
        Symbol sum = new Add().apply(new Daoloth(3, "tanh").apply(a), new Daoloth(3).apply(b));
        try (Model model = new Model(List.of(a, b), List.of(sum, new Daoloth(1).apply(sum)), "graph")) {
            model.save(file);
        }
        Path xa = dir.resolve("a.csv");
        Path xb = dir.resolve("b.csv");
        Files.write(xa, List.of("0.5,-1", "2,0"));
        Files.write(xb, List.of("0.25,-0.75", "1,1"));
        Path y0 = dir.resolve("y0.csv");
        Path y1 = dir.resolve("y1.csv");
        assertEquals(0, run("predict", file.toString(), "--input", xa.toString(), "--input", xb.toString(),
                "--output", y0.toString(), "--output", y1.toString()), err.toString());
        try (Model model = Model.load(file)) {
            List<Tensor> expected = model.predict(List.of(K.constant(new double[] {0.5, -1, 2, 0}, 2, 2),
                    K.constant(new double[] {0.25, -0.75, 1, 1}, 2, 2)));
            List<Path> written = List.of(y0, y1);
            for (int j = 0; j < 2; j++) {
                double[] e = expected.get(j).toDoubleArray();
                double[] actual = Files.readAllLines(written.get(j)).stream()
                        .flatMap(line -> java.util.Arrays.stream(line.split(","))).mapToDouble(Double::parseDouble).toArray();
                assertArrayEquals(e, actual, 0.0, "output " + j);
            }
        }
        assertEquals(1, run("predict", file.toString(), "--input", xa.toString()));
        assertTrue(err.toString().contains("has 2 input(s) [a, b] but 1 --input file(s)"), err.toString());
    }

    @Test
    void badInputIsOneLineNamingTheProblem(@TempDir Path dir) throws IOException {
        Path file = model(dir);
        Path x = dir.resolve("x.csv");
        Files.write(x, List.of("1,2"));
        assertEquals(1, run("predict", file.toString(), "--input", x.toString()));
        assertTrue(err.toString().contains("line 1 has 2 values"), err.toString());
        Path notAModel = dir.resolve("notes.txt");
        Files.writeString(notAModel, "hello");
        assertEquals(1, run("summary", notAModel.toString()));
        assertTrue(err.toString().contains("notes.txt"), err.toString());
        assertEquals(2, run("predict", file.toString()));
    }
}
