package cthulhu.layers;

/** A layer whose output sample has the shape of its input sample: activations and dropout. */
abstract class ShapePreservingLayer extends Layer {

    /** Returns a copy of {@code inputShape}. */
    @Override
    public int[] computeOutputShape(int[] inputShape) {
        return inputShape.clone();
    }
}
