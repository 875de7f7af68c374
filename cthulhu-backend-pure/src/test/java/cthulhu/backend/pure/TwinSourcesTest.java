package cthulhu.backend.pure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The float and double twins of the kernels ({@code FloatKernels}/{@code DoubleKernels},
 * {@code VectorFloatKernels}/{@code VectorDoubleKernels}, {@code FloatGemm}/{@code DoubleGemm},
 * {@code VectorFloatGemm}/{@code VectorDoubleGemm}) are the same code but for the element type:
 * a change that reaches one twin and not the other fails here.
 *
 * <p>Each twin's source is normalised — comments, blank lines, imports and indentation dropped;
 * {@code double}/{@code Double}/{@code DOUBLE} read as their float names; the {@code (float)}
 * casts that bring a double computation back to float dropped — and split into its members
 * (fields, methods, nested types) keyed by their declaration (a field's without its value). Every member both twins declare
 * must then be identical, line for line, except for the substitutions listed below, each a
 * deliberate difference; a member only one twin declares must be listed as such. Adding a
 * deliberate difference means adding it to these tables, where a reviewer sees it.
 */
class TwinSourcesTest {

    private static final Path SOURCES = Path.of("src/main/java/cthulhu/backend/pure");

    /** A deliberate difference inside a member both twins declare: the double twin's line, normalised, and the float twin's. */
    private record Substitution(String member, String doubleLine, String floatLine) {
    }

    /** A constant whose value differs between the twins' precisions. */
    private static Substitution field(String name, String doubleValue, String floatValue) {
        String declaration = "private static final float " + name;
        return new Substitution(declaration, declaration + " = " + doubleValue + ";", declaration + " = " + floatValue + ";");
    }

    static Stream<Arguments> twins() {
        return Stream.of(
            Arguments.of("DoubleKernels", "FloatKernels",
                // The float twin computes in double where that is exact to float, and keeps its own
                // fast float versions of tanh, expm1 and log1p; the logistic function is the double one.
                Set.of("static float sigmoid(float x) {"),
                Set.of("static float tanh(float x) {", "static float expm1(float x) {", "static float log1p(float x) {"),
                List.of(
                    new Substitution("static void unary(UnaryOp op, float[] x, float[] out, int from, int to) {",
                        "out[i] = Math.expm1(x[i]);", "out[i] = expm1(x[i]);"),
                    new Substitution("static void unary(UnaryOp op, float[] x, float[] out, int from, int to) {",
                        "out[i] = Math.log1p(x[i]);", "out[i] = log1p(x[i]);"),
                    new Substitution("static void unary(UnaryOp op, float[] x, float[] out, int from, int to) {",
                        "out[i] = Math.tanh(x[i]);", "out[i] = tanh(x[i]);"))),
            Arguments.of("VectorDoubleKernels", "VectorFloatKernels",
                // Each twin's exponential has the constants of its precision and a polynomial of its
                // own; the float twin inlines a variant of it in softmax rows.
                Set.of("private static FloatVector expm1Series(FloatVector r) {"),
                Set.of("private static FloatVector expm1Minimax(FloatVector r) {",
                    "private static FloatVector expTimes2p64(FloatVector xc) {",
                    "static void softmaxRow(float[] x, float[] out, int off, int len) {",
                    "private static float expShiftedSum(float[] x, float[] out, int off, int len, float m) {",
                    "private static void scale(float[] out, int off, int len, float s) {"),
                List.of(
                    field("EXP_MIN", "-746", "-104"),
                    field("EXP_MAX", "710", "89"),
                    field("TANH_2X_MAX", "40", "20"),
                    field("LOG2E", "1.4426950408889634", "1.44269504f"),
                    field("LN2_HI", "0x1.62e42feep-1", "0.693359375f"),
                    field("LN2_LO", "0x1.a39ef35793c76p-33", "-2.12194440e-4f"),
                    new Substitution("private static FloatVector expClamped(FloatVector xc) {",
                        "LongVector k = t.reinterpretAsLongs().sub(0x4338000000000000L);",
                        "IntVector k = t.reinterpretAsInts().sub(0x4B400000);"),
                    new Substitution("private static FloatVector expClamped(FloatVector xc) {",
                        "LongVector half = k.lanewise(VectorOperators.ASHR, 1);",
                        "IntVector half = k.lanewise(VectorOperators.ASHR, 1);"),
                    new Substitution("private static FloatVector expClamped(FloatVector xc) {",
                        "FloatVector s1 = half.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsFloats();",
                        "FloatVector s1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();"),
                    new Substitution("private static FloatVector expClamped(FloatVector xc) {",
                        "FloatVector s2 = k.sub(half).add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsFloats();",
                        "FloatVector s2 = k.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();"),
                    new Substitution("private static FloatVector expm1NonNegative(FloatVector y) {",
                        "LongVector k = t.reinterpretAsLongs().sub(0x4338000000000000L);",
                        "IntVector k = t.reinterpretAsInts().sub(0x4B400000);"),
                    new Substitution("private static FloatVector expm1NonNegative(FloatVector y) {",
                        "FloatVector s = k.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsFloats();",
                        "FloatVector s = k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();"),
                    new Substitution("private static FloatVector log2eShifted(FloatVector x) {",
                        "return x.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, 0x1.8p52));",
                        "return x.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, 0x1.8p23f));"),
                    new Substitution("private static FloatVector expm1Reduced(FloatVector x, FloatVector t) {",
                        "FloatVector n = t.sub(0x1.8p52);", "FloatVector n = t.sub(0x1.8p23f);"),
                    new Substitution("private static FloatVector expm1Reduced(FloatVector x, FloatVector t) {",
                        "return expm1Series(r);", "return expm1Minimax(r);"))),
            Arguments.of("DoubleGemm", "FloatGemm", Set.of(), Set.of(),
                // The panel width: the same bytes of cache hold twice as many floats.
                List.of(new Substitution("static final int NC", "static final int NC = 256;",
                    "static final int NC = 512;"))),
            Arguments.of("VectorDoubleGemm", "VectorFloatGemm", Set.of(), Set.of(),
                List.of(new Substitution("static final int NC", "static final int NC = 256;",
                    "static final int NC = 512;"))));
    }

    @ParameterizedTest(name = "{0} ~ {1}")
    @MethodSource("twins")
    void theTwinsDifferOnlyWhereListed(String doubleTwin, String floatTwin, Set<String> onlyDouble, Set<String> onlyFloat,
            List<Substitution> substitutions) throws IOException {
        Map<String, List<String>> doubles = members(normalise(read(doubleTwin)));
        Map<String, List<String>> floats = members(normalise(read(floatTwin)));
        assertTrue(doubles.size() > 3 && floats.size() > 3, "the twins were not split into members");

        Set<String> missingInFloat = new TreeSet<>(doubles.keySet());
        missingInFloat.removeAll(floats.keySet());
        Set<String> missingInDouble = new TreeSet<>(floats.keySet());
        missingInDouble.removeAll(doubles.keySet());
        assertEquals(new TreeSet<>(onlyDouble), missingInFloat, "members only " + doubleTwin + " declares");
        assertEquals(new TreeSet<>(onlyFloat), missingInDouble, "members only " + floatTwin + " declares");

        for (Map.Entry<String, List<String>> member : doubles.entrySet()) {
            List<String> floatBody = floats.get(member.getKey());
            if (floatBody == null) {
                continue;
            }
            List<String> expected = new ArrayList<>(member.getValue());
            for (Substitution s : substitutions) {
                if (s.member().equals(member.getKey())) {
                    int at = expected.indexOf(s.doubleLine());
                    assertTrue(at >= 0, () -> "the listed difference '" + s.doubleLine() + "' is no longer in "
                            + doubleTwin + "'s " + s.member() + ": remove it from this test's table");
                    expected.set(at, s.floatLine());
                }
            }
            assertEquals(String.join("\n", expected), String.join("\n", floatBody),
                    () -> member.getKey() + " differs between " + doubleTwin + " and " + floatTwin
                            + ": make the same change in both, or list the difference in this test");
        }
    }

    private static String read(String className) throws IOException {
        return Files.readString(SOURCES.resolve(className + ".java"));
    }

    /** The code lines, trimmed, with comments and imports dropped and the element type read as float. */
    static List<String> normalise(String source) {
        String code = source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
        List<String> lines = new ArrayList<>();
        for (String line : code.split("\n")) {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("import ") || t.startsWith("package ")) {
                continue;
            }
            lines.add(t.replace("(float) ", "").replace("Double", "Float").replace("double", "float")
                    .replace("DOUBLE", "FLOAT"));
        }
        return lines;
    }

    /**
     * The members of the one top-level class, in order: each keyed by its first line (its
     * declaration), with all its lines. A member ends where the class's brace depth returns to
     * one: at its closing brace, or at the semicolon of a field.
     */
    static Map<String, List<String>> members(List<String> lines) {
        Map<String, List<String>> members = new LinkedHashMap<>();
        int depth = 0;
        List<String> current = null;
        for (String line : lines) {
            int before = depth;
            for (char c : line.toCharArray()) {
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    depth--;
                }
            }
            if (before == 1 && current == null) {
                current = new ArrayList<>();
            }
            if (current != null) {
                current.add(line);
                if (depth == 1 && (line.endsWith("}") || line.endsWith(";"))) {
                    // Keyed by the declaration, not by an annotation above it nor a field's value.
                    String key = current.stream().filter(l -> !l.startsWith("@")).findFirst().orElse(current.get(0))
                            .replaceFirst("^([^(=]*?) = .*$", "$1");
                    List<String> previous = members.put(key, current);
                    assertEquals(null, previous, "two members declared as '" + key + "'");
                    current = null;
                }
            }
        }
        return members;
    }
}
