import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the pure backend's double kernels from their float sources, so that each kernel is
 * written once: {@code DoubleKernels}, {@code VectorDoubleKernels}, {@code DoubleGemm},
 * {@code VectorDoubleGemm} and {@code DoubleDispatch} are {@code FloatKernels},
 * {@code VectorFloatKernels}, {@code FloatGemm}, {@code VectorFloatGemm} and
 * {@code FloatDispatch} with the rules below applied. The build runs it before compiling
 * ({@code java DoubleTwins.java <float sources> <output>}, see the module's POM); a rule that no
 * longer finds its text fails the build, so a float source cannot drift away from the rules
 * without someone reading them.
 *
 * <p>The rules, in the order they apply:
 * <ol>
 * <li>Each twin's own rules ({@link #TWINS}): the members only the float twin has are dropped,
 *     the members the double twin has instead are put in their place, and the lines that hold a
 *     precision's constants (the exponent's bias and width, the panel width that fits the same
 *     cache) are rewritten. Their double text is written as it is, untouched by the rules after.</li>
 * <li>The float source's class comment ends with a paragraph starting
 *     {@value #TEMPLATE_PARAGRAPH}, which says that it is the template; the double twin has no
 *     such paragraph.</li>
 * <li>Casts {@code (float) } are dropped: the float twin computes some values in double and
 *     rounds them to float; the double twin keeps them.</li>
 * <li>The word {@code float} becomes {@code double}, and {@code Float} and {@code FLOAT} become
 *     {@code Double} and {@code DOUBLE} wherever they stand, in names ({@code FloatVector},
 *     {@code reinterpretAsFloats}) and comments alike.</li>
 * </ol>
 */
final class DoubleTwins {

    /** How a float source's class comment starts the paragraph that the double twin drops. */
    static final String TEMPLATE_PARAGRAPH = "<p>Template of the double twin";

    /** A rule of one twin. */
    sealed interface Rule {
    }

    /** Every occurrence of {@code floatText} (at least one) becomes {@code doubleText}. */
    record Replace(String floatText, String doubleText) implements Rule {
    }

    /** The member (field, method or nested type) declared with {@code name}, with its comment, is dropped. */
    record Drop(String name) implements Rule {
    }

    /** The member declared with {@code name}, with its comment, becomes {@code doubleMember}. */
    record Instead(String name, String doubleMember) implements Rule {
    }

    /** A float source and the rules that make its double twin. */
    record Twin(String floatName, List<Rule> rules) {

        String doubleName() {
            return floatName.replace("Float", "Double");
        }
    }

    /**
     * The rules of the exponent's format: bits of an int, 8 of them biased by 127 above 23 of
     * mantissa, in float; of a long, 11 biased by 1023 above 52, in double.
     */
    private static final List<Rule> EXPONENT_FORMAT = List.of(
            new Replace("IntVector", "LongVector"),
            new Replace("reinterpretAsInts()", "reinterpretAsLongs()"),
            // 1.5·2^23 (float) and 1.5·2^52 (double): added, it rounds x log2 e to an integer held in the low bits.
            new Replace("0x1.8p23f", "0x1.8p52"),
            new Replace("sub(0x4B400000)", "sub(0x4338000000000000L)"),
            new Replace("add(127).lanewise(VectorOperators.LSHL, 23)", "add(1023).lanewise(VectorOperators.LSHL, 52)"),
            new Replace("{@code x log2 e + 1.5·2^23}: for {@code |x| < 2^21}", "{@code x log2 e + 1.5·2^52}: for {@code |x| < 2^50}"),
            new Replace("shifting its bits left by 23", "shifting its bits left by 52"),
            new Replace("float-to-int", "double-to-long"));

    static final List<Twin> TWINS = List.of(
            // The float twin keeps fast float versions of tanh, expm1 and log1p computed in double;
            // the double twin calls Math's.
            new Twin("FloatKernels", List.of(
                    new Drop("tanh"), new Drop("expm1"), new Drop("log1p"),
                    new Replace("= tanh(x[i]);", "= Math.tanh(x[i]);"),
                    new Replace("= expm1(x[i]);", "= Math.expm1(x[i]);"),
                    new Replace("= log1p(x[i]);", "= Math.log1p(x[i]);"))),
            // Each twin's exponential has the constants and the polynomial of its precision; the
            // float twin inlines a variant of it in softmax rows, which the backend only runs in float.
            new Twin("VectorFloatKernels", concat(EXPONENT_FORMAT, List.of(
                    new Replace("EXP_MIN = -104;", "EXP_MIN = -746;"),
                    new Replace("EXP_MAX = 89;", "EXP_MAX = 710;"),
                    new Replace("TANH_2X_MAX = 20;", "TANH_2X_MAX = 40;"),
                    new Replace("LOG2E = 1.44269504f;", "LOG2E = 1.4426950408889634;"),
                    new Replace("LN2_HI = 0.693359375f;", "LN2_HI = 0x1.62e42feep-1;"),
                    new Replace("{@code n LN2_HI} is exact for {@code |n| < 2^15}", "{@code n LN2_HI} is exact for {@code |n| < 2^20}"),
                    new Replace("LN2_LO = -2.12194440e-4f;", "LN2_LO = 0x1.a39ef35793c76p-33;"),
                    new Replace("EXP and TANH within 2 ulp, SIGMOID within 3.", "EXP, TANH and SIGMOID, accurate to a few ulp."),
                    new Replace("return expm1Minimax(r);", "return expm1Series(r);"),
                    new Instead("expm1Minimax", """
                                /**
                                 * {@code r + r^2 P(r)} with {@code P} the Taylor series of {@code (e^r - 1 - r) / r^2} to
                                 * {@code r^11/13!}: for {@code |r| <= ln 2 / 2} the truncation is below {@code 5·10^-18}
                                 * relative, far under the double rounding of the evaluation.
                                 */
                                private static DoubleVector expm1Series(DoubleVector r) {
                                    DoubleVector p = r.fma(DoubleVector.broadcast(S, 1 / 6227020800.0), DoubleVector.broadcast(S, 1 / 479001600.0));
                                    p = p.fma(r, DoubleVector.broadcast(S, 1 / 39916800.0));
                                    p = p.fma(r, DoubleVector.broadcast(S, 1 / 3628800.0));
                                    p = p.fma(r, DoubleVector.broadcast(S, 1 / 362880.0));
                                    p = p.fma(r, DoubleVector.broadcast(S, 1 / 40320.0));
                                    p = p.fma(r, DoubleVector.broadcast(S, 1 / 5040.0));
                                    p = p.fma(r, DoubleVector.broadcast(S, 1 / 720.0));
                                    p = p.fma(r, DoubleVector.broadcast(S, 1 / 120.0));
                                    p = p.fma(r, DoubleVector.broadcast(S, 1 / 24.0));
                                    p = p.fma(r, DoubleVector.broadcast(S, 1 / 6.0));
                                    p = p.fma(r, DoubleVector.broadcast(S, 0.5));
                                    return p.fma(r.mul(r), r);
                                }
                            """),
                    new Drop("expTimes2p64"), new Drop("softmaxRow"), new Drop("expShiftedSum"), new Drop("scale")))),
            // The same bytes of cache hold half as many doubles as floats in a panel.
            new Twin("FloatGemm", List.of(new Replace("NC = 512;", "NC = 256;"))),
            new Twin("VectorFloatGemm", List.of(new Replace("NC = 512;", "NC = 256;"))),
            // Only the float twin has the fused softmax rows to choose.
            new Twin("FloatDispatch", List.of(new Drop("softmaxRow"))));

    private DoubleTwins() {
    }

    /**
     * Reads each float source from the folder {@code args[0]} and writes its double twin to the
     * folder {@code args[1]}, leaving a file alone when it already holds that text so that an
     * unchanged build compiles nothing again.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: java DoubleTwins.java <float sources folder> <output folder>, not "
                    + Arrays.toString(args));
        }
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        for (Twin twin : TWINS) {
            String source = Files.readString(in.resolve(twin.floatName() + ".java"), StandardCharsets.UTF_8);
            String twinSource = generate(twin, source);
            Path target = out.resolve(twin.doubleName() + ".java");
            if (!Files.exists(target) || !Files.readString(target, StandardCharsets.UTF_8).equals(twinSource)) {
                Files.writeString(target, twinSource, StandardCharsets.UTF_8);
            }
        }
    }

    /** The double twin of {@code source}, the float source of {@code twin}. */
    static String generate(Twin twin, String source) {
        List<String> verbatim = new ArrayList<>();
        List<String> lines = new ArrayList<>(source.lines().toList());
        for (Rule rule : twin.rules()) {
            if (rule instanceof Drop drop) {
                removeMember(lines, drop.name(), twin);
            } else if (rule instanceof Instead instead) {
                int at = removeMember(lines, instead.name(), twin);
                lines.add(at, keep(verbatim, instead.doubleMember().stripTrailing()));
                lines.add(at + 1, "");
            }
        }
        String text = String.join("\n", lines) + "\n";
        for (Rule rule : twin.rules()) {
            if (rule instanceof Replace replace) {
                if (!text.contains(replace.floatText())) {
                    throw new IllegalStateException(twin.floatName() + ".java no longer holds '" + replace.floatText()
                            + "': update its rule in DoubleTwins.java");
                }
                text = text.replace(replace.floatText(), keep(verbatim, replace.doubleText()));
            }
        }
        text = dropTemplateParagraph(text, twin);
        text = text.replace("(float) ", "").replaceAll("\\bfloat\\b", "double").replace("Float", "Double").replace("FLOAT", "DOUBLE");
        for (int i = 0; i < verbatim.size(); i++) {
            text = text.replace(placeholder(i), verbatim.get(i));
        }
        return "// Generated by the build from " + twin.floatName() + ".java by the rules of\n"
                + "// cthulhu-backend-pure/src/build/java/DoubleTwins.java: edit those, not this file.\n" + text;
    }

    /** Holds {@code text} back from the rules that follow; returns what stands for it until then. */
    private static String keep(List<String> verbatim, String text) {
        verbatim.add(text);
        return placeholder(verbatim.size() - 1);
    }

    /** Characters from Unicode's private use area, which no source holds. */
    private static String placeholder(int i) {
        return "\uE000" + i + "\uE001";
    }

    /**
     * Removes the member of the class body (indented four spaces) declared with {@code name}, from
     * its comment and annotations to its closing brace or semicolon, and one blank line after it;
     * returns the line where it stood.
     */
    private static int removeMember(List<String> lines, String name, Twin twin) {
        Pattern declaration = Pattern.compile("^    [\\w<].*\\b" + Pattern.quote(name) + "\\b(\\(| =|;)");
        int found = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (declaration.matcher(lines.get(i)).find()) {
                if (found >= 0) {
                    throw new IllegalStateException(twin.floatName() + ".java declares '" + name
                            + "' more than once: name the member its rule in DoubleTwins.java means");
                }
                found = i;
            }
        }
        if (found < 0) {
            throw new IllegalStateException(twin.floatName() + ".java no longer declares '" + name
                    + "': update its rule in DoubleTwins.java");
        }
        int end = found;
        if (!lines.get(end).endsWith(";")) {
            while (!lines.get(end).equals("    }")) {
                end++;
            }
        }
        int start = found;
        while (lines.get(start - 1).startsWith("    @")) {
            start--;
        }
        if (lines.get(start - 1).endsWith("*/")) {
            while (!lines.get(start - 1).startsWith("    /**")) {
                start--;
            }
            start--;
        }
        if (end + 1 < lines.size() && lines.get(end + 1).isBlank()) {
            end++;
        }
        lines.subList(start, end + 1).clear();
        return start;
    }

    /** Drops the last paragraph of the class comment, which says that the float source is the template. */
    private static String dropTemplateParagraph(String text, Twin twin) {
        Matcher m = Pattern.compile("\n \\*\n \\* " + Pattern.quote(TEMPLATE_PARAGRAPH) + "[^\n]*(\n \\* [^\n]*)*\n \\*/\n").matcher(text);
        if (!m.find()) {
            throw new IllegalStateException(twin.floatName() + ".java's class comment does not end with a paragraph starting '"
                    + TEMPLATE_PARAGRAPH + "'");
        }
        return text.substring(0, m.start()) + "\n */\n" + text.substring(m.end());
    }

    private static List<Rule> concat(List<Rule> a, List<Rule> b) {
        List<Rule> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
