package io.sockpool.bench.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws throughput (ops/s) against thread count, one line per client, as a PNG with plain Java2D
 * (runs headless). Thread counts are spaced evenly (they are usually powers of two or eight); the y
 * axis starts at zero so heights compare honestly. With several rounds, the dot is the median and
 * the whisker spans the slowest to the fastest round.
 */
final class ThroughputChart {
  static final int WIDTH = 1000;
  static final int HEIGHT = 600;
  private static final int LEFT = 90;
  private static final int RIGHT = 210;
  private static final int TOP = 70;
  private static final int BOTTOM = 70;
  private static final Map<String, Color> COLORS =
      Map.of(
          "dedicated", new Color(0x44, 0x44, 0x44),
          "sockpool", new Color(0x1f, 0x63, 0xc8),
          "sockpool-validate", new Color(0x8e, 0x44, 0xad),
          "jedispool", new Color(0xe6, 0x7e, 0x22),
          "lettuce", new Color(0x27, 0xa0, 0x5a),
          "connect", new Color(0xc0, 0x39, 0x2b));
  private static final Color[] SPARE = {Color.MAGENTA, Color.CYAN.darker(), Color.PINK.darker()};

  private ThroughputChart() {}

  static void write(List<PointResult> results, String subtitle, Path file) throws IOException {
    BufferedImage image = render(results, subtitle);
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IOException("no PNG writer available in this JDK for " + file);
    }
  }

  static BufferedImage render(List<PointResult> results, String subtitle) {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      draw(g, results, subtitle);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** The x position of a result: threads/pool as in the table. */
  private static String label(PointResult r) {
    return r.threads() + "/" + r.poolSize();
  }

  private static void draw(Graphics2D g, List<PointResult> results, String subtitle) {
    List<String> threads =
        new ArrayList<>(
            new java.util.LinkedHashSet<>(results.stream().map(ThroughputChart::label).toList()));
    Map<String, List<PointResult>> byClient = new LinkedHashMap<>();
    for (PointResult r : results) {
      byClient.computeIfAbsent(r.client(), k -> new ArrayList<>()).add(r);
    }
    double max = results.stream().mapToDouble(PointResult::opsPerSecondMax).max().orElse(1);
    double step = niceStep(max / 5);
    double top = Math.max(step, Math.ceil(max * 1.05 / step) * step);
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;

    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
    g.drawString("Redis PING throughput by client and thread count", LEFT, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.setColor(Color.DARK_GRAY);
    g.drawString(subtitle, LEFT, 52);

    // grid and y axis labels
    Font axisFont = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    g.setFont(axisFont);
    FontMetrics fm = g.getFontMetrics();
    for (double v = 0; v <= top + step / 2; v += step) {
      int y = TOP + plotH - (int) Math.round(v / top * plotH);
      g.setColor(new Color(0xe4, 0xe4, 0xe4));
      g.drawLine(LEFT, y, LEFT + plotW, y);
      g.setColor(Color.DARK_GRAY);
      String label = compact(v);
      g.drawString(label, LEFT - 8 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
    }
    g.setColor(Color.GRAY);
    g.drawLine(LEFT, TOP, LEFT, TOP + plotH);
    g.drawLine(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH);

    // x axis labels
    for (int i = 0; i < threads.size(); i++) {
      int x = xOf(i, threads.size(), plotW);
      g.setColor(Color.GRAY);
      g.drawLine(x, TOP + plotH, x, TOP + plotH + 5);
      g.setColor(Color.DARK_GRAY);
      String label = threads.get(i);
      g.drawString(label, x - fm.stringWidth(label) / 2, TOP + plotH + 20);
    }
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    String xTitle = "load threads / pool size";
    g.drawString(
        xTitle, LEFT + plotW / 2 - g.getFontMetrics().stringWidth(xTitle) / 2, HEIGHT - 22);
    Graphics2D rotated = (Graphics2D) g.create();
    rotated.rotate(-Math.PI / 2);
    rotated.drawString("PINGs per second", -(TOP + plotH / 2 + 50), 22);
    rotated.dispose();

    // one line per client
    Stroke line = new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    Stroke dashed =
        new BasicStroke(
            2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {8f, 6f}, 0f);
    int spare = 0;
    int seriesIndex = 0;
    int legendY = TOP + 10;
    for (Map.Entry<String, List<PointResult>> e : byClient.entrySet()) {
      Color color = COLORS.get(e.getKey());
      if (color == null) {
        color = SPARE[spare++ % SPARE.length];
      }
      Stroke stroke = e.getKey().equals(ClientKind.DEDICATED.cliName()) ? dashed : line;
      List<PointResult> points = new ArrayList<>(e.getValue());
      points.sort((a, b) -> Integer.compare(threads.indexOf(label(a)), threads.indexOf(label(b))));
      // dodge each client a few pixels sideways so the min-max whiskers of the rounds do not
      // overlap
      double dodge = (seriesIndex - (byClient.size() - 1) / 2.0) * 5;
      seriesIndex++;
      Path2D path = new Path2D.Double();
      for (int i = 0; i < points.size(); i++) {
        PointResult p = points.get(i);
        double x = xOf(threads.indexOf(label(p)), threads.size(), plotW) + dodge;
        double y = yOf(p.opsPerSecond(), top, plotH);
        if (i == 0) {
          path.moveTo(x, y);
        } else {
          path.lineTo(x, y);
        }
      }
      g.setColor(color);
      g.setStroke(stroke);
      g.draw(path);
      g.setStroke(new BasicStroke(1.2f));
      for (PointResult p : points) {
        double x = xOf(threads.indexOf(label(p)), threads.size(), plotW) + dodge;
        if (p.rounds() > 1) {
          double lo = yOf(p.opsPerSecondMin(), top, plotH);
          double hi = yOf(p.opsPerSecondMax(), top, plotH);
          g.draw(new Line2D.Double(x, lo, x, hi));
          g.draw(new Line2D.Double(x - 3, lo, x + 3, lo));
          g.draw(new Line2D.Double(x - 3, hi, x + 3, hi));
        }
        double y = yOf(p.opsPerSecond(), top, plotH);
        g.fill(new Ellipse2D.Double(x - 4.5, y - 4.5, 9, 9));
      }
      // legend entry
      int lx = LEFT + plotW + 25;
      g.setStroke(stroke);
      g.drawLine(lx, legendY, lx + 30, legendY);
      g.setStroke(new BasicStroke(1f));
      g.fill(new Ellipse2D.Double(lx + 10.5, legendY - 4.5, 9, 9));
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      g.drawString(e.getKey(), lx + 40, legendY + 5);
      legendY += 26;
    }
  }

  private static double yOf(double opsPerSecond, double top, int plotH) {
    return TOP + plotH - opsPerSecond / top * plotH;
  }

  private static int xOf(int index, int count, int plotW) {
    if (count == 1) {
      return LEFT + plotW / 2;
    }
    int pad = 50;
    return LEFT + pad + (int) Math.round(index * (plotW - 2.0 * pad) / (count - 1));
  }

  /**
   * @return 1, 2 or 5 times a power of ten, at least {@code rough}
   */
  static double niceStep(double rough) {
    if (rough <= 0) {
      return 1;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * magnitude >= rough) {
        return m * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static String compact(double v) {
    if (v >= 1_000_000) {
      return trim(v / 1_000_000) + "M";
    }
    if (v >= 1_000) {
      return trim(v / 1_000) + "k";
    }
    return trim(v);
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }
}
