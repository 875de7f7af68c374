package cthulhu.integration;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every Java sample of the user guide ({@code docs/*.md}) compiles against the current API and
 * runs without an exception, so the guide cannot drift from the code.
 *
 * <p>A fenced {@code java} block that declares a class is compiled as it stands and its
 * {@code main} run. Any other block is a snippet: it becomes the body of a method, after the
 * imports of {@link #IMPORTS} and after the setup lines of an HTML comment
 * {@code <!-- setup: … -->} directly above the fence (data a snippet uses but the reader need
 * not see). Samples run on the backend that discovery picks on this module's class path unless
 * they choose another. The Spark page's samples start a local Spark in this JVM (hence Spark on
 * the test class path and Spark's {@code --add-opens} in the test JVM's arguments).
 */
class GuideSamplesTest {

    private static final Path DOCS = Path.of(System.getProperty("cthulhu.docs", "../docs"));

    /** What every snippet may use without importing it. */
    static final String IMPORTS = Stream.of("cthulhu.activations", "cthulhu.backend", "cthulhu.callbacks",
                    "cthulhu.initializers", "cthulhu.layers", "cthulhu.losses", "cthulhu.metrics", "cthulhu.models",
                    "cthulhu.optimizers", "java.nio.file", "java.util",
                    "cthulhu.autodiff", "cthulhu.constraints", "cthulhu.optimizers.schedules", "cthulhu.regularizers",
                    "cthulhu.spark", "org.apache.spark.sql", "org.apache.spark.sql.types")
            .map(p -> "import " + p + ".*;\n")
            .collect(Collectors.joining());

    @TestFactory
    Stream<DynamicTest> everySampleCompilesAndRuns() throws IOException {
        List<Sample> samples = new ArrayList<>();
        try (Stream<Path> pages = Files.list(DOCS)) {
            for (Path page : pages.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                samples.addAll(Sample.read(page));
            }
        }
        assertFalse(samples.isEmpty(), "no ```java sample found in " + DOCS.toAbsolutePath());
        return samples.stream().map(s -> DynamicTest.dynamicTest(s.toString(), () -> run(s)));
    }

    private static void run(Sample sample) throws Exception {
        Path dir = Files.createTempDirectory("guide-sample");
        String className = sample.className();
        Path source = dir.resolve(className + ".java");
        Files.writeString(source, sample.compilationUnit(), StandardCharsets.UTF_8);

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-d", dir.toString(), "-classpath", System.getProperty("java.class.path"),
                    "--release", "17", "-proc:none");
            boolean ok = compiler.getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(source)).call();
            String messages = diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .map(d -> "line " + (d.getLineNumber() - sample.firstLineOffset()) + ": " + d.getMessage(Locale.ROOT))
                    .collect(Collectors.joining("\n"));
            assertTrue(ok, () -> sample + " does not compile:\n" + messages + "\n--- as compiled:\n" + sample.compilationUnit());
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, GuideSamplesTest.class.getClassLoader())) {
            Method main = loader.loadClass(className).getMethod("main", String[].class);
            try {
                main.invoke(null, (Object) new String[0]);
            } catch (InvocationTargetException e) {
                throw new AssertionError(sample + " threw " + e.getCause(), e.getCause());
            }
        }
    }

    /** One fenced Java block of a page. */
    record Sample(Path page, int line, String setup, String code) {

        static List<Sample> read(Path page) throws IOException {
            List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
            List<Sample> samples = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).strip().equals("```java")) {
                    continue;
                }
                String setup = setupAbove(lines, i);
                int start = i + 1;
                int end = start;
                while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                    end++;
                }
                samples.add(new Sample(page, i + 1, setup, String.join("\n", lines.subList(start, end))));
                i = end;
            }
            return samples;
        }

        /** The lines of a {@code <!-- setup: … -->} comment that ends right above the fence at {@code fence}. */
        private static String setupAbove(List<String> lines, int fence) {
            if (fence == 0 || !lines.get(fence - 1).strip().endsWith("-->")) {
                return "";
            }
            int open = fence - 1;
            while (open >= 0 && !lines.get(open).strip().startsWith("<!-- setup:")) {
                open--;
            }
            if (open < 0) {
                return "";
            }
            String text = String.join("\n", lines.subList(open, fence));
            return text.substring(text.indexOf("setup:") + "setup:".length(), text.lastIndexOf("-->"));
        }

        boolean isClass() {
            return code.lines().anyMatch(l -> l.matches("(public |final |abstract )*class \\w+.*"));
        }

        String className() {
            if (isClass()) {
                return code.lines().map(String::strip)
                        .filter(l -> l.matches("(public |final |abstract )*class \\w+.*"))
                        .map(l -> l.replaceAll(".*class (\\w+).*", "$1"))
                        .findFirst().orElseThrow();
            }
            String name = page.getFileName().toString().replace(".md", "").replaceAll("[^A-Za-z0-9]", "_");
            return "Guide_" + name + "_line" + line;
        }

        String compilationUnit() {
            if (isClass()) {
                return code;
            }
            return IMPORTS + "public class " + className() + " {\n    public static void main(String[] args) throws Exception {\n"
                    + setup + "\n" + code + "\n    }\n}\n";
        }

        /** Lines of the compilation unit before the snippet's first line. */
        long firstLineOffset() {
            return isClass() ? 0 : IMPORTS.lines().count() + 2 + setup.lines().count() + 1;
        }

        @Override
        public String toString() {
            return page.getFileName() + ":" + line;
        }
    }
}
