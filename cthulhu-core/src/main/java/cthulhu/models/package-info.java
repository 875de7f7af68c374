/**
 * Models: {@link cthulhu.models.Model}, which compiles, trains, evaluates and predicts through
 * the one training loop every model shares; {@link cthulhu.models.Sequential}, a linear stack of
 * layers that also summarizes, saves and loads as Keras 2.2.4's does; and
 * {@link cthulhu.models.FitOptions}, the options of {@code fit}.
 */
package cthulhu.models;
