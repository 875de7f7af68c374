package cthulhu;

import cthulhu.models.Model;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Core's packages depend on each other without cycles, but for one. A package depends on another
 * when one of its class files names a class of the other: the class names and type descriptors in
 * its constant pool (superclasses, fields, signatures, generic signatures, calls), the dependencies
 * {@code jdeps -verbose:package} reports. A cycle is a strongly connected component of more than
 * one package (Tarjan's algorithm).
 */
class PackageCyclesTest {

    /**
     * The one cycle kept: callbacks act on the model they watch (Keras's {@code Callback.set_model},
     * {@code Callback.setModel(Model)} here, which EarlyStopping, ModelCheckpoint, BackupAndRestore,
     * the learning-rate callbacks, TensorBoard and TerminateOnNaN read), while {@code Model.fit}
     * takes callbacks and returns their {@code History}. Breaking it takes moving public types
     * between the two packages or changing {@code setModel}'s parameter.
     */
    private static final Set<String> KEPT = Set.of("cthulhu.callbacks", "cthulhu.models");

    /** A class name in a constant pool entry: a class entry, or inside a descriptor or signature. */
    private static final Pattern CLASS_NAME = Pattern.compile("cthulhu/[\\w/$]+");

    @Test
    void corePackagesFormNoCycleButTheKeptOne() throws IOException, URISyntaxException {
        Map<String, Set<String>> graph = packageGraph(Path.of(Model.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        assertTrue(graph.getOrDefault("cthulhu.layers", Set.of()).contains("cthulhu.backend"),
                "the graph read from the class files lacks layers -> backend: " + graph);
        assertEquals(List.of(new TreeSet<>(KEPT)), cycles(graph), "package cycles in cthulhu-core; dependencies: " + graph);
    }

    @Test
    void findsEveryCycleAndOnlyCycles() {
        Map<String, Set<String>> graph = Map.of(
                "a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a", "d"),
                "d", Set.of("e"), "e", Set.of(), "f", Set.of("g"), "g", Set.of("f"));
        assertEquals(List.of(Set.of("a", "b", "c"), Set.of("f", "g")), cycles(graph));
    }

    /** Package to the other core packages its classes name, from the class files under {@code classes}. */
    private static Map<String, Set<String>> packageGraph(Path classes) throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(p -> p.toString().endsWith(".class") && !p.endsWith("module-info.class")).toList();
        }
        for (Path file : files) {
            String from = packageOf(classes.relativize(file).toString().replace('\\', '/'));
            Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
            try (InputStream in = Files.newInputStream(file)) {
                for (String text : constantPoolTexts(new DataInputStream(in))) {
                    Matcher m = CLASS_NAME.matcher(text);
                    while (m.find()) {
                        to.add(packageOf(m.group()));
                    }
                }
            }
            to.remove(from);
        }
        // A name that matched but is no package of these classes (a resource path) is no dependency.
        graph.values().forEach(targets -> targets.retainAll(graph.keySet()));
        return graph;
    }

    private static String packageOf(String classFileName) {
        return classFileName.substring(0, classFileName.lastIndexOf('/')).replace('/', '.');
    }

    /** The UTF-8 entries of a class file's constant pool (JVMS §4.4), which hold every name it uses. */
    private static List<String> constantPoolTexts(DataInputStream in) throws IOException {
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort(); // minor version
        in.readUnsignedShort(); // major version
        int count = in.readUnsignedShort();
        List<String> texts = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> texts.add(in.readUTF());
                case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
                case 15 -> in.skipNBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                case 5, 6 -> {
                    in.skipNBytes(8);
                    i++; // a long or double takes two entries
                }
                default -> throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
            }
        }
        return texts;
    }

    /** The strongly connected components of more than one node, each sorted, in order of their least node. */
    private static List<TreeSet<String>> cycles(Map<String, Set<String>> graph) {
        Tarjan t = new Tarjan(graph);
        new TreeSet<>(graph.keySet()).forEach(v -> {
            if (!t.index.containsKey(v)) {
                t.visit(v);
            }
        });
        t.components.sort(Comparator.comparing(TreeSet::first));
        return t.components;
    }

    private static final class Tarjan {
        final Map<String, Set<String>> graph;
        final Map<String, Integer> index = new HashMap<>();
        final Map<String, Integer> low = new HashMap<>();
        final Deque<String> stack = new ArrayDeque<>();
        final List<TreeSet<String>> components = new ArrayList<>();

        Tarjan(Map<String, Set<String>> graph) {
            this.graph = graph;
        }

        void visit(String v) {
            index.put(v, index.size());
            low.put(v, index.get(v));
            stack.push(v);
            for (String w : new TreeSet<>(graph.getOrDefault(v, Set.of()))) {
                if (!index.containsKey(w)) {
                    visit(w);
                    low.put(v, Math.min(low.get(v), low.get(w)));
                } else if (stack.contains(w)) {
                    low.put(v, Math.min(low.get(v), index.get(w)));
                }
            }
            if (low.get(v).equals(index.get(v))) {
                TreeSet<String> component = new TreeSet<>();
                String w;
                do {
                    w = stack.pop();
                    component.add(w);
                } while (!w.equals(v));
                if (component.size() > 1) {
                    components.add(component);
                }
            }
        }
    }
}
