package cthulhu.callbacks;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws training curves with JFreeChart into one PNG: a panel per quantity (loss first, then each
 * metric), each with its training curve and, when present, its {@code val_} curve, against the
 * epoch (from 1).
 */
final class CurvePlot {

    private static final int WIDTH = 480;
    private static final int HEIGHT = 360;

    private CurvePlot() {
    }

    /**
     * @throws IllegalArgumentException when {@code path} does not end in {@code .png} or there is nothing to plot
     * @throws UncheckedIOException when the file cannot be written
     */
    static void write(Map<String, List<Double>> history, List<Integer> epochs, Path path) {
        if (!path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new IllegalArgumentException("Training curves are written as PNG; give a path ending in .png, got " + path);
        }
        List<String> quantities = history.keySet().stream().filter(k -> !k.startsWith("val_") && !k.equals("lr")).toList();
        if (quantities.isEmpty() || epochs.isEmpty()) {
            throw new IllegalArgumentException("There are no training curves to plot: train for at least one epoch first");
        }
        BufferedImage image = new BufferedImage(WIDTH * quantities.size(), HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            for (int q = 0; q < quantities.size(); q++) {
                String name = quantities.get(q);
                XYSeriesCollection data = new XYSeriesCollection();
                data.addSeries(series("train " + name, history.get(name), epochs));
                List<Double> validation = history.get("val_" + name);
                if (validation != null) {
                    data.addSeries(series("validation " + name, validation, epochs));
                }
                JFreeChart chart = ChartFactory.createXYLineChart(name, "epoch", name, data, PlotOrientation.VERTICAL,
                        true, false, false);
                chart.draw(g, new java.awt.Rectangle(q * WIDTH, 0, WIDTH, HEIGHT));
            }
        } finally {
            g.dispose();
        }
        try {
            Path parent = path.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temporary = Files.createTempFile(parent, ".curves", ".png");
            ImageIO.write(image, "png", temporary.toFile());
            Files.move(temporary, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the training curves to " + path, e);
        }
    }

    private static XYSeries series(String name, List<Double> values, List<Integer> epochs) {
        XYSeries s = new XYSeries(name);
        List<Integer> xs = new ArrayList<>(epochs);
        for (int i = 0; i < values.size() && i < xs.size(); i++) {
            s.add(xs.get(i) + 1, values.get(i));
        }
        return s;
    }
}
