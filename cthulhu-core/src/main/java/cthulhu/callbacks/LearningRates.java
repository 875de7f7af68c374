package cthulhu.callbacks;

import cthulhu.optimizers.Optimizer;

/** The learning rate callbacks read and set: the optimizer's rate at its current step, before Keras 2.2.4's decay. */
final class LearningRates {

    private LearningRates() {
    }

    static double current(Optimizer optimizer) {
        return optimizer.learningRate().at(optimizer.iterations());
    }
}
