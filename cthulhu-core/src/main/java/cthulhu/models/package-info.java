/**
 * Models: {@link cthulhu.models.Sequential}, a linear stack of layers that compiles, trains,
 * evaluates, predicts, summarizes, saves and loads as Keras 2.2.4's does, and
 * {@link cthulhu.models.FitOptions}, the options of {@code fit}.
 */
package cthulhu.models;
