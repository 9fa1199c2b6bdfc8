package dev.pretext.study;

import dev.pretext.core.Json;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.DoubleFunction;

/** The study's charts, drawn off screen with XChart and written as PNG. */
final class Plots {
    static {
        // Before AWT starts: charts are drawn into images, never on a display.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    static final int WIDTH = 800;
    static final int HEIGHT = 500;
    /** Okabe–Ito colours (told apart with common colour blindness), without the yellow that vanishes on white. */
    private static final Color[] PALETTE = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73),
            new Color(0xCC79A7), new Color(0xE69F00), new Color(0x56B4E9), new Color(0x000000), new Color(0x999999)};
    private static final BasicStroke DASHED = new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
            new float[]{5, 4}, 0);
    private static final BasicStroke SOLID = new BasicStroke(1.8f);

    private Plots() {
    }

    static Color colour(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    static void write(Path file, Chart<?, ?> chart) {
        try {
            Json.writeAtomically(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw " + file, e);
        }
    }

    /**
     * An XY chart; a log axis is drawn as log10 of the values on a linear axis labelled with the values themselves
     * (XChart's own log axes label only whole decades, and a sweep's sizes often span less than one).
     */
    record Xy(XYChart chart, boolean logX, boolean logY) {
        XYSeries points(String name, double[] x, double[] y, double[] err, Color colour) {
            if (logY && err != null) {
                throw new IllegalArgumentException("error bars on a log axis");
            }
            XYSeries s = err == null ? chart.addSeries(name, tx(x), ty(y)) : chart.addSeries(name, tx(x), ty(y), err);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(colour);
            s.setLineColor(colour);
            return s;
        }

        XYSeries line(String name, double[] x, double[] y, Color colour, boolean dashed, boolean legend) {
            XYSeries s = chart.addSeries(name, tx(x), ty(y));
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(colour);
            s.setLineStyle(dashed ? DASHED : SOLID);
            s.setShowInLegend(legend);
            return s;
        }

        private double[] tx(double[] v) {
            return logX ? log10(v) : v;
        }

        private double[] ty(double[] v) {
            return logY ? log10(v) : v;
        }

        private static double[] log10(double[] v) {
            double[] r = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                r[i] = Math.log10(v[i]);
            }
            return r;
        }
    }

    /** A log axis labelled with model sizes (2.5M). */
    static final DoubleFunction<String> SIZES = Format::size;
    /** A log axis labelled with plain numbers (1.5e13). */
    static final DoubleFunction<String> NUMBERS = v -> Format.number(v, 3);

    /** An XY chart; {@code logX}, {@code logY}: how a log axis labels its values, null for a linear axis. */
    static Xy xy(String title, String x, String y, DoubleFunction<String> logX, DoubleFunction<String> logY) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        style(c.getStyler());
        c.getStyler().setMarkerSize(7);
        if (logX != null) {
            c.getStyler().setxAxisTickLabelsFormattingFunction(v -> logX.apply(Math.pow(10, v)));
        }
        if (logY != null) {
            c.getStyler().setyAxisTickLabelsFormattingFunction(v -> logY.apply(Math.pow(10, v)));
        }
        return new Xy(c, logX != null, logY != null);
    }

    private static void style(AxesChartStyler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setLegendBorderColor(Color.WHITE);
        s.setChartTitleBoxVisible(false);
        s.setLocale(java.util.Locale.ROOT);
        s.setAntiAlias(true);
    }

    /**
     * The IsoFLOP profiles of one family: per budget, the runs' means with error bars (std over seeds), the fitted
     * parabola, its optimum (a diamond) and the bootstrap's 5–95% band (dashed).
     */
    static XYChart isoflop(ScalingAnalysis.Family f, String metric, String sizeName, String budgetName) {
        Xy c = xy("IsoFLOP profiles" + (f.key().isEmpty() ? "" : ": " + f.title()), sizeName + " (log scale)", metric,
                SIZES, null);
        c.chart().getStyler().setErrorBarsColorSeriesColor(true);
        boolean optimumInLegend = false;
        for (int j = 0; j < f.profiles().size(); j++) {
            IsoFlop.Profile p = f.profiles().get(j);
            Color colour = colour(j);
            int n = p.points().size();
            double[] x = new double[n];
            double[] y = new double[n];
            double[] e = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = p.points().get(i).size();
                y[i] = p.points().get(i).measure().mean();
                e[i] = p.points().get(i).measure().std();
            }
            String name = budgetName + " " + Format.number(p.budget());
            c.points(name, x, y, e, colour);
            if (p.fit() == null) {
                continue;
            }
            int g = 60;
            double[] gx = new double[g];
            double[] gy = new double[g];
            for (int i = 0; i < g; i++) {
                double lx = p.xMin() + (p.xMax() - p.xMin()) * i / (g - 1);
                gx[i] = Math.pow(10, lx);
                gy[i] = p.fit().at(lx);
            }
            c.line(name + " fit", gx, gy, colour, false, false);
            if (p.bandLo() != null) {
                double[] bx = new double[p.bandX().length];
                for (int i = 0; i < bx.length; i++) {
                    bx[i] = Math.pow(10, p.bandX()[i]);
                }
                c.line(name + " 5%", bx, p.bandLo(), colour, true, false);
                c.line(name + " 95%", bx, p.bandHi(), colour, true, false);
            }
            if (p.interior()) {
                XYSeries o = c.points(optimumInLegend ? name + " optimum" : "optimum",
                        new double[]{Math.pow(10, p.xStar())}, new double[]{p.fit().at(p.xStar())}, null, colour);
                o.setMarker(SeriesMarkers.DIAMOND);
                o.setShowInLegend(!optimumInLegend);
                optimumInLegend = true;
            }
        }
        return c.chart();
    }

    /**
     * An optimum against compute, log-log: each budget's optimum with its 5–95% interval (a vertical segment; an
     * open end is drawn to the edge of that budget's grid), the fitted power law and its band.
     *
     * @param lo lower ends of the intervals (NaN: none)
     * @param hi upper ends
     */
    static XYChart optimum(String title, String yName, DoubleFunction<String> yLabels, String budgetName, PowerLaw law,
                           double[] lo, double[] hi) {
        Xy c = xy(title, budgetName + " (FLOPs, log scale)", yName + " (log scale)", NUMBERS, yLabels);
        double[] cs = new double[law.points()];
        double[] ys = new double[law.points()];
        for (int j = 0; j < cs.length; j++) {
            cs[j] = Math.pow(10, law.logC()[j]);
            ys[j] = Math.pow(10, law.logY()[j]);
        }
        c.points("optimum per budget", cs, ys, null, colour(0));
        for (int j = 0; j < cs.length; j++) {
            if (Double.isFinite(lo[j]) && Double.isFinite(hi[j]) && lo[j] > 0 && hi[j] > 0) {
                c.line("interval " + j, new double[]{cs[j], cs[j]}, new double[]{lo[j], hi[j]}, colour(0), false,
                        false);
            }
        }
        double c0 = cs[0] / 2;
        double c1 = cs[cs.length - 1] * 2;
        int g = 40;
        double[] gx = new double[g];
        double[] gy = new double[g];
        double[] glo = new double[g];
        double[] ghi = new double[g];
        for (int i = 0; i < g; i++) {
            gx[i] = c0 * Math.pow(c1 / c0, i / (g - 1.0));
            gy[i] = law.predict(gx[i]);
            double[] band = law.interval(gx[i]);
            glo[i] = band == null ? Double.NaN : band[0];
            ghi[i] = band == null ? Double.NaN : band[1];
        }
        c.line(String.format(java.util.Locale.ROOT, "fit: exponent %.3f", law.exponent()), gx, gy, colour(1), false,
                true);
        if (law.lines() != null) {
            c.line("5–95% band", gx, glo, colour(1), true, true);
            c.line("95%", gx, ghi, colour(1), true, false);
        }
        return c.chart();
    }

    /** The training loss of every run against FLOPs spent, coloured by budget. */
    static XYChart lossCurves(List<StudyReport.Curve> curves, String budgetName) {
        Xy c = xy("Training loss against compute", "FLOPs spent (log scale)", "loss", NUMBERS, null);
        List<Double> budgets = curves.stream().map(StudyReport.Curve::budget).distinct().sorted().toList();
        boolean[] shown = new boolean[budgets.size()];
        for (StudyReport.Curve curve : curves) {
            int b = budgets.indexOf(curve.budget());
            String name = Double.isNaN(curve.budget()) ? curve.run() : budgetName + " " + Format.number(curve.budget());
            XYSeries s = c.line(shown[b] ? curve.run() : name, curve.flops(), curve.loss(), colour(b), false, !shown[b]);
            s.setLineStyle(new BasicStroke(1.2f));
            shown[b] = true;
        }
        return c.chart();
    }

    /** Bars of one category axis: the metric's mean per value, error bars the std over seeds. */
    static CategoryChart bars(String axis, String metric, List<String> labels, double[] means, double[] errors) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(metric + " by " + axis)
                .xAxisTitle(axis).yAxisTitle(metric).build();
        style(c.getStyler());
        c.getStyler().setLegendVisible(false);
        c.getStyler().setErrorBarsColor(Color.BLACK);
        c.getStyler().setSeriesColors(new Color[]{colour(0)});
        c.addSeries(metric, labels, toList(means), toList(errors));
        return c;
    }

    /** The metric against a data axis, one line per combination of the other axes. */
    static XYChart dataAxis(String axis, String metric, List<String> names, List<double[][]> series) {
        Xy c = xy(metric + " against " + axis, axis + " (log scale)", metric, NUMBERS, null);
        c.chart().getStyler().setErrorBarsColorSeriesColor(true);
        c.chart().getStyler().setLegendVisible(names.size() <= 12);
        for (int i = 0; i < names.size(); i++) {
            double[][] s = series.get(i);
            XYSeries xs = c.points(names.get(i), s[0], s[1], s[2], colour(i));
            xs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            xs.setLineStyle(SOLID);
        }
        return c.chart();
    }

    private static List<Double> toList(double[] v) {
        return java.util.Arrays.stream(v).boxed().toList();
    }
}
