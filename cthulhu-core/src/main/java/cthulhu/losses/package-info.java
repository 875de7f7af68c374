/**
 * Loss functions: the {@link cthulhu.losses.Loss} interface (one value per sample) and
 * {@link cthulhu.losses.Losses}, the Keras 2.2.4 losses written against {@code K} and the one
 * registry of loss names ({@code mse}, {@code categorical_crossentropy}, …).
 */
package cthulhu.losses;
