package cthulhu.models;

import cthulhu.backend.Shapes;
import cthulhu.backend.Variable;

import java.util.Locale;

/** Keras 2.2.4's {@code print_summary} table: rules, rows cut at column positions, parameter totals. */
final class SummaryTable {

    private SummaryTable() {
    }

    /** The top rule, the column titles and the {@code =} rule under them. */
    static void header(StringBuilder sb, int[] positions, String... titles) {
        rule(sb, positions, '_');
        sb.append(row(positions, titles));
        rule(sb, positions, '=');
    }

    /** A rule of {@code c} across the table. */
    static void rule(StringBuilder sb, int[] positions, char c) {
        sb.append(String.valueOf(c).repeat(positions[positions.length - 1])).append('\n');
    }

    /** Keras's {@code print_row}: each field cut or padded to end one column before its position. */
    static String row(int[] positions, String... fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                line.setLength(line.length() - 1);
                line.append(' ');
            }
            line.append(fields[i]);
            if (line.length() > positions[i]) {
                line.setLength(positions[i]);
            }
            line.append(" ".repeat(positions[i] - line.length()));
        }
        return line.append('\n').toString();
    }

    /** {@code (None, 64)}: a Python tuple of the batch shape, {@code None} for dimensions of any size. */
    static String pythonShape(int[] sample) {
        StringBuilder sb = new StringBuilder("(None");
        for (int d : sample) {
            sb.append(", ").append(d < 0 ? "None" : String.valueOf(d));
        }
        return sb.append(')').toString();
    }

    /** The total, trainable and non-trainable parameter counts with thousands separators, and the closing rule. */
    static void totals(StringBuilder sb, int[] positions, Model model) {
        long total = model.countParams();
        long trainable = 0;
        for (Variable v : model.trainableVariables()) {
            trainable += Shapes.size(v.shape());
        }
        sb.append(String.format(Locale.ROOT, "Total params: %,d", total)).append('\n');
        sb.append(String.format(Locale.ROOT, "Trainable params: %,d", trainable)).append('\n');
        sb.append(String.format(Locale.ROOT, "Non-trainable params: %,d", total - trainable)).append('\n');
        rule(sb, positions, '_');
    }
}
