package cthulhu.conformance.models;

import cthulhu.layers.Layer;

/** Layers given a name in one expression, for graphs whose outputs the tests address by name. */
final class NamedLayers {

    private NamedLayers() {
    }

    /** {@code layer}, named {@code name}. */
    static <L extends Layer> L named(L layer, String name) {
        layer.setName(name);
        return layer;
    }
}
