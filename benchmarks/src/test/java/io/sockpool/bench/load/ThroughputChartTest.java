package io.sockpool.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The chart of a run with several rounds: a PNG of the documented size with every line in it. */
class ThroughputChartTest {

  @Test
  @Timeout(30)
  void everyClientIsDrawnInItsColourOnAPngOfTheDocumentedSize(@TempDir Path dir) throws Exception {
    List<PointResult> results = new ArrayList<>();
    String[] points = {"1/1", "8/8", "64/64", "64/16"};
    for (String client : List.of("dedicated", "sockpool", "jedispool", "lettuce")) {
      for (int i = 0; i < points.length; i++) {
        String[] tp = points[i].split("/");
        double median = 20_000 * (i + 1) + client.length() * 1_000;
        results.add(result(client, Integer.parseInt(tp[0]), Integer.parseInt(tp[1]), median));
      }
    }
    Path png = dir.resolve("throughput.png");

    ThroughputChart.write(results, "1s per point, 3 rounds", png);

    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(ThroughputChart.WIDTH, image.getWidth());
    assertEquals(ThroughputChart.HEIGHT, image.getHeight());
    for (int rgb : new int[] {0x444444, 0x1f63c8, 0xe67e22, 0x27a05a}) {
      assertTrue(pixels(image, rgb) > 50, String.format("colour %06x drawn too little", rgb));
    }
  }

  private static PointResult result(String client, int threads, int pool, double median) {
    return new PointResult(
        client,
        threads,
        pool,
        Duration.ofSeconds(1),
        3,
        (long) (3 * median),
        0,
        Optional.empty(),
        median,
        median * 0.9,
        median * 1.1,
        50,
        200,
        400,
        900,
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  private static int pixels(BufferedImage image, int rgb) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xffffff) == rgb) {
          n++;
        }
      }
    }
    return n;
  }
}
