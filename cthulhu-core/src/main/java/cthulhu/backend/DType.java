package cthulhu.backend;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The floating-point type of a tensor's elements. Keras calls this {@code floatx}.
 */
public enum DType {
    /** IEEE 754 single precision, the default ({@code "float32"}). */
    FLOAT32("float32"),
    /** IEEE 754 double precision ({@code "float64"}). */
    FLOAT64("float64");

    private final String kerasName;

    DType(String kerasName) {
        this.kerasName = kerasName;
    }

    /** The Keras name: {@code "float32"} or {@code "float64"}. */
    public String kerasName() {
        return kerasName;
    }

    /**
     * Resolves a Keras dtype name.
     *
     * @param name {@code "float32"} or {@code "float64"}
     * @return the matching type
     * @throws IllegalArgumentException for any other name, listing the valid ones
     */
    public static DType of(String name) {
        for (DType type : values()) {
            if (type.kerasName.equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unknown floatx: " + name + ". Valid values: "
                + Arrays.stream(values()).map(DType::kerasName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return kerasName;
    }
}
