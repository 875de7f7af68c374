package cthulhu.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Numbers in CSV: one sample a line, values separated by commas. */
final class Csv {

    private Csv() {
    }

    /**
     * The rows of a CSV file of numbers; blank lines are skipped.
     *
     * @throws IllegalArgumentException naming the file, line and value that is not a number
     */
    static List<double[]> read(Path file) throws IOException {
        List<double[]> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] cells = line.split(",");
            double[] row = new double[cells.length];
            for (int c = 0; c < cells.length; c++) {
                try {
                    row[c] = Double.parseDouble(cells[c].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + " line " + (i + 1) + ", column " + (c + 1) + ": '" + cells[c]
                            + "' is not a number", e);
                }
            }
            rows.add(row);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no samples");
        }
        return rows;
    }

    /** Writes rows with each value's shortest exact decimal form. */
    static void write(List<double[]> rows, PrintWriter out) {
        for (double[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                if (c > 0) {
                    line.append(',');
                }
                line.append(row[c]);
            }
            out.println(line);
        }
    }
}
