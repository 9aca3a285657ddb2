package io.sockpool.bench.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws throughput (ops/s) against thread count, one line per client, as a PNG with XChart (runs
 * headless). Thread counts are spaced evenly (they are usually powers of two or eight); the y axis
 * starts at zero so heights compare honestly. With several rounds, the dot is the median and the
 * whisker spans the slowest to the fastest round.
 */
final class ThroughputChart {
  static final int WIDTH = 1000;
  static final int HEIGHT = 600;
  private static final Map<String, Color> COLORS =
      Map.of(
          "dedicated", new Color(0x44, 0x44, 0x44),
          "sockpool", new Color(0x1f, 0x63, 0xc8),
          "sockpool-validate", new Color(0x8e, 0x44, 0xad),
          "jedispool", new Color(0xe6, 0x7e, 0x22),
          "lettuce", new Color(0x27, 0xa0, 0x5a),
          "connect", new Color(0xc0, 0x39, 0x2b));
  private static final BasicStroke SOLID =
      new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
  private static final BasicStroke DASHED =
      new BasicStroke(
          2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {8f, 6f}, 0f);

  private ThroughputChart() {}

  static void write(List<PointResult> results, String subtitle, Path file) throws IOException {
    if (!ImageIO.write(
        BitmapEncoder.getBufferedImage(chart(results, subtitle)), "png", file.toFile())) {
      throw new IOException("no PNG writer available in this JDK for " + file);
    }
  }

  static XYChart chart(List<PointResult> results, String subtitle) {
    List<String> points =
        new ArrayList<>(new LinkedHashSet<>(results.stream().map(ThroughputChart::label).toList()));
    Map<String, List<PointResult>> byClient = new LinkedHashMap<>();
    for (PointResult r : results) {
      byClient.computeIfAbsent(r.client(), k -> new ArrayList<>()).add(r);
    }
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title("Redis PING throughput by client and thread count: " + subtitle)
            .xAxisTitle("load threads / pool size")
            .yAxisTitle("PINGs per second")
            .build();
    chart.getStyler().setLegendPosition(LegendPosition.OutsideE).setChartTitleBoxVisible(false);
    chart.getStyler().setYAxisMin(0.0).setPlotContentSize(0.85);
    chart.getStyler().setPlotGridVerticalLinesVisible(false).setAxisTicksMarksVisible(false);
    // XChart puts x ticks on a decimal grid (steps of 0.1 or more) from the leftmost to the
    // rightmost x value, which are off the points by the sideways shift (at most 0.06 for the 7
    // clients): a tick within 0.08 of a point gets its label, the rest none
    chart
        .getStyler()
        .setXAxisTickLabelsFormattingFunction(
            x -> {
              long i = Math.round(x);
              return Math.abs(x - i) < 0.08 && i >= 0 && i < points.size()
                  ? points.get((int) i)
                  : "";
            });
    int index = 0;
    for (Map.Entry<String, List<PointResult>> e : byClient.entrySet()) {
      // each client a little sideways, so the whiskers of the rounds do not overlap
      double dodge = (index++ - (byClient.size() - 1) / 2.0) * 0.02;
      List<PointResult> series = new ArrayList<>(e.getValue());
      series.sort((a, b) -> Integer.compare(points.indexOf(label(a)), points.indexOf(label(b))));
      List<Double> x = series.stream().map(p -> points.indexOf(label(p)) + dodge).toList();
      XYSeries line =
          chart.addSeries(e.getKey(), x, series.stream().map(PointResult::opsPerSecond).toList());
      line.setMarker(SeriesMarkers.CIRCLE);
      if (COLORS.containsKey(e.getKey())) {
        line.setMarkerColor(COLORS.get(e.getKey()));
        line.setLineColor(COLORS.get(e.getKey()));
      }
      line.setLineStyle(e.getKey().equals(ClientKind.DEDICATED.cliName()) ? DASHED : SOLID);
      for (int i = 0; i < series.size(); i++) {
        PointResult p = series.get(i);
        if (p.rounds() > 1) {
          XYSeries whisker =
              chart.addSeries(
                  e.getKey() + " rounds " + i,
                  List.of(x.get(i), x.get(i)),
                  List.of(p.opsPerSecondMin(), p.opsPerSecondMax()));
          whisker.setMarker(SeriesMarkers.NONE).setShowInLegend(false);
          whisker.setLineColor(line.getLineColor()).setLineStyle(new BasicStroke(1.2f));
        }
      }
    }
    return chart;
  }

  /** The x position of a result: threads/pool as in the table. */
  private static String label(PointResult r) {
    return r.threads() + "/" + r.poolSize();
  }
}
