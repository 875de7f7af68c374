package cthulhu.saving;

import cthulhu.backend.DType;
import cthulhu.backend.Tensor;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.WritableGroup;

import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The HDF5 reading and writing the Keras formats share, over jhdf (pure Java): string attributes
 * as Keras and h5py write them (variable-length or fixed-length, scalar or arrays, split into
 * {@code name0}, {@code name1}, … when large), and weights as float32/float64 datasets.
 *
 * <p>What jhdf 0.13.0's writer cannot do, and how the writers live with it: it cannot write an
 * empty group (HDF5 readers report "bad object header version number" for it) nor an empty array
 * (attribute or dataset). Keras itself writes both for layers without weights (an empty
 * {@code vars} group, {@code weight_names = []}); the writers leave such layers out of the
 * weights file, which Keras's readers accept (they treat a missing group as no weights and list
 * in {@code layer_names} only the layers that have some).
 */
final class Hdf5 {

    /** The first eight bytes of every HDF5 file. */
    static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private Hdf5() {
    }

    /** One array read from a dataset, with its dtype and shape. */
    record Array64(DType dtype, int[] shape, double[] data) {
    }

    /** A child node by path, or null. */
    static Node child(Group group, String path) {
        Node node = group;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (!(node instanceof Group g) || !g.getChildren().containsKey(part)) {
                return null;
            }
            node = g.getChild(part);
        }
        return node;
    }

    /** A string attribute (scalar, or the one element of an array), or null when absent. */
    static String string(Node node, String name) {
        Attribute a = node.getAttribute(name);
        if (a == null) {
            return null;
        }
        Object data = a.getData();
        if (data != null && data.getClass().isArray()) {
            return Array.getLength(data) == 0 ? "" : String.valueOf(Array.get(data, 0));
        }
        return data == null ? null : String.valueOf(data);
    }

    /**
     * A list-of-strings attribute, also when Keras split it over {@code name0}, {@code name1}, …;
     * null when absent.
     */
    static List<String> strings(Node node, String name) {
        if (node.getAttribute(name) != null) {
            return toStrings(node.getAttribute(name).getData());
        }
        if (node.getAttribute(name + "0") == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; node.getAttribute(name + i) != null; i++) {
            out.addAll(toStrings(node.getAttribute(name + i).getData()));
        }
        return out;
    }

    private static List<String> toStrings(Object data) {
        List<String> out = new ArrayList<>();
        if (data != null && data.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(data); i++) {
                out.add(String.valueOf(Array.get(data, i)));
            }
        } else if (data != null) {
            out.add(String.valueOf(data));
        }
        return out;
    }

    /**
     * The values of a float32 or float64 dataset (integer datasets, such as an optimizer's step
     * count, read as float64).
     *
     * @throws ModelFormatException naming the file and the dataset when it is neither
     */
    static Array64 read(Path file, Dataset dataset) throws ModelFormatException {
        Class<?> type = dataset.getJavaType();
        int[] shape = dataset.isScalar() ? new int[0] : dataset.getDimensions();
        Object flat = dataset.isScalar() ? dataset.getData() : dataset.getDataFlat();
        int n = flat.getClass().isArray() ? Array.getLength(flat) : 1;
        double[] data = new double[n];
        for (int i = 0; i < n; i++) {
            Object v = flat.getClass().isArray() ? Array.get(flat, i) : flat;
            if (!(v instanceof Number number)) {
                throw new ModelFormatException(file, "dataset " + dataset.getPath() + " holds " + type.getSimpleName()
                        + " values, not numbers");
            }
            data[i] = number.doubleValue();
        }
        DType dtype = type == float.class || type == Float.class ? DType.FLOAT32 : DType.FLOAT64;
        return new Array64(dtype, shape, data);
    }

    /** Writes a tensor as a dataset of its dtype and shape. */
    static void write(WritableGroup group, String name, Tensor value) {
        int[] shape = value.shape();
        boolean doubles = value.dtype() == DType.FLOAT64;
        Object flat = doubles ? value.toDoubleArray() : value.toFloatArray();
        if (shape.length == 0) {
            group.putDataset(name, doubles ? (Object) ((double[]) flat)[0] : (Object) ((float[]) flat)[0]);
            return;
        }
        group.putDataset(name, nest(flat, shape, doubles ? double.class : float.class));
    }

    /**
     * Writes a tensor at a path below {@code root} ({@code layers/dense/vars/0}), making each
     * group on the way once: {@code made} remembers the groups made, by path.
     */
    static void write(WritableGroup root, String path, Tensor value, Map<String, WritableGroup> made) {
        int slash = path.lastIndexOf('/');
        write(group(root, slash < 0 ? "" : path.substring(0, slash), made), path.substring(slash + 1), value);
    }

    /**
     * The group at a path below {@code root} ({@code ""} is {@code root}), made with each group on
     * the way unless {@code made} (keyed by path) already holds it.
     */
    static WritableGroup group(WritableGroup root, String path, Map<String, WritableGroup> made) {
        WritableGroup parent = root;
        StringBuilder prefix = new StringBuilder();
        for (String part : path.isEmpty() ? new String[0] : path.split("/")) {
            prefix.append('/').append(part);
            WritableGroup above = parent;
            parent = made.computeIfAbsent(prefix.toString(), k -> above.putGroup(part));
        }
        return parent;
    }

    /** A row-major flat array as the nested Java array of {@code shape} that jhdf writes. */
    private static Object nest(Object flat, int[] shape, Class<?> component) {
        Object out = Array.newInstance(component, shape);
        int[] index = new int[shape.length];
        int n = Array.getLength(flat);
        for (int i = 0; i < n; i++) {
            Object row = out;
            for (int d = 0; d < shape.length - 1; d++) {
                row = Array.get(row, index[d]);
            }
            Array.set(row, index[shape.length - 1], Array.get(flat, i));
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return out;
    }

    /** Whether the bytes start with the HDF5 signature. */
    static boolean isHdf5(byte[] head) {
        return head.length >= SIGNATURE.length && Arrays.equals(Arrays.copyOf(head, SIGNATURE.length), SIGNATURE);
    }
}
