package cthulhu.conformance.training;

import cthulhu.backend.K;
import cthulhu.callbacks.History;
import cthulhu.callbacks.PlotLosses;
import cthulhu.conformance.ConformanceTestBase;
import cthulhu.layers.Daoloth;
import cthulhu.losses.Losses;
import cthulhu.models.FitOptions;
import cthulhu.models.Sequential;
import cthulhu.optimizers.SGD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

import static cthulhu.conformance.TensorAssert.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training curves as PNG: one 480 × 360 panel per quantity (loss, each metric), read back with ImageIO. */
class PlotTest extends ConformanceTestBase {

    @Test
    void historyAndPlotLossesWritePngPanels(@TempDir Path dir) throws IOException {
        double[] x = {0.1, 0.2, 0.9, 0.1, 0.5, 0.5, 0.3, 0.8};
        double[] y = {1, 0, 0, 1, 1, 0, 0, 1};
        Path live = dir.resolve("live.png");
        History history;
        try (Sequential model = new Sequential()) {
            model.add(new Daoloth(2, "softmax").inputShape(2));
            model.compile(new SGD(0.1), Losses.get("categorical_crossentropy"), "accuracy");
            history = model.fit(K.constant(x, 4, 2), K.constant(y, 4, 2), new FitOptions().epochs(3).batchSize(2).verbose(0)
                    .validationData(K.constant(x, 4, 2), K.constant(y, 4, 2)).callbacks(new PlotLosses(live)));
        }
        Path path = dir.resolve("curves.png");
        history.plot(path);
        for (Path p : new Path[] {path, live}) {
            BufferedImage image = ImageIO.read(p.toFile());
            assertEquals(2 * 480, image.getWidth(), "loss and accuracy panels");
            assertEquals(360, image.getHeight());
            // Not a blank canvas: the chart draws in more than one colour.
            int first = image.getRGB(0, 0);
            boolean drawn = false;
            for (int i = 0; i < image.getWidth() && !drawn; i += 7) {
                for (int j = 0; j < image.getHeight() && !drawn; j += 7) {
                    drawn = image.getRGB(i, j) != first;
                }
            }
            assertTrue(drawn, "the image has content");
        }
        assertThrowsWithMessage(IllegalArgumentException.class, () -> history.plot(dir.resolve("curves.jpg")), ".png", "curves.jpg");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> new History().plot(path), "no training curves");
    }
}
